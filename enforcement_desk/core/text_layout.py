"""Breaking Chinese text into lines by the rules of Chinese typesetting (禁则, GB/T 15834 and the
line-breaking practice of 公文): no line opens with a closing mark or a pause (，。、；：？！）》〕…), no line
ends with an opening mark (（《〔“…), and a 文号, a date or a number with its unit is not cut in two.

A character that would break a rule is pushed down to the next line together with its neighbour
(追い出し) rather than hung in the margin, so every line stays inside the measure; the caller spreads a
line's spare width over its characters to keep the right edge even.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Marks that close or pause: they belong to the text before them.
NO_LINE_START = frozenset(
    "，。、；：？！…‥·・）》〕」』】〉］｝〗〙”’％‰℃°"
    ",.;:?!)]}%"
)
# Marks that open: they belong to the text after them.
NO_LINE_END = frozenset("（《〔「『【〈［｛〖〘“‘([{￥$")

# Runs read as one word: a 文号 with the agency's short name (沂卫医罚〔2026〕12号), a date, a number with its
# separators and unit (10,000.00元, 15日, 3%), a Latin word, code or phone number, a doubled dash or
# ellipsis.
_UNBREAKABLE = re.compile(
    r"[\u4e00-\u9fff]{0,4}〔\d{4}〕\d+号"
    r"|\d{4}年\d{1,2}月\d{1,2}日"
    r"|(?=[A-Za-z0-9_\-./@:]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_\-./@:]*[A-Za-z0-9]"
    r"|\d(?:[\d,.\-]*\d)?[%％‰元万亿角分年月日时号条款项个次张份人名户家件天]?"
    r"|——|……"
)


@dataclass(frozen=True)
class Line:
    """One line of a paragraph: its text, its width, and whether the paragraph (or a hard break)
    ends with it — such a line is set flush, not spread to the full measure."""

    text: str
    width: float
    ends_paragraph: bool


def _protected(text: str) -> list[bool]:
    """inside[i] is True when a break before text[i] would cut an unbreakable run."""
    inside = [False] * (len(text) + 1)
    for match in _UNBREAKABLE.finditer(text):
        for i in range(match.start() + 1, match.end()):
            inside[i] = True
    return inside


def _may_break_before(text: str, i: int) -> bool:
    return text[i] not in NO_LINE_START and text[i - 1] not in NO_LINE_END


def _break_point(text: str, start: int, fit_end: int, inside: list[bool]) -> int:
    """Where the line that starts at `start` and could hold text[start:fit_end] should end."""
    for strict in (True, False):
        for i in range(fit_end, start, -1):
            if _may_break_before(text, i) and not (strict and inside[i]):
                return i
    return fit_end  # a run of marks longer than the line: cutting it is the only way forward


def _segment_lines(text: str, width_of: Callable[[str], float], measures: Callable[[int], float],
                   first_line: int) -> list[Line]:  # fmt: skip
    widths = [width_of(ch) for ch in text]
    inside = _protected(text)
    lines: list[Line] = []
    start = 0
    while start < len(text):
        measure = measures(first_line + len(lines))
        end, used = start, 0.0
        while end < len(text) and (end == start or used + widths[end] <= measure + 1e-6):
            used += widths[end]
            end += 1
        if end < len(text):
            end = _break_point(text, start, end, inside)
        lines.append(Line(text[start:end], sum(widths[start:end]), ends_paragraph=end == len(text)))
        start = end
    return lines


def break_lines(text: str, width_of: Callable[[str], float], measures: Sequence[float]) -> list[Line]:
    """`text` cut into lines no wider than their measure (measures[i] for line i, the last measure for
    every further line), each character as wide as width_of(character) says. A newline is a hard
    break: it ends a line and is not part of any line."""
    if not measures:
        raise ValueError("break_lines needs at least one measure")

    def measure(index: int) -> float:
        return measures[min(index, len(measures) - 1)]

    lines: list[Line] = []
    for segment in text.split("\n") if text else []:
        if segment:
            lines += _segment_lines(segment, width_of, measure, len(lines))
        else:
            lines.append(Line("", 0.0, ends_paragraph=True))
    return lines
