"""Which violations of the benchmark library fit a case: suggestions from the case's cause (案由) and its
category (执法类别), each with the reasons it was suggested, and warnings when a chosen violation does not
fit the case.

Pure: the library and the case's words come in, ranked suggestions go out. Nothing here refuses; a
suggestion or a warning helps the officer choose, the choice stays the officer's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from enforcement_desk.core.discretion.benchmarks import BenchmarkLibrary, Violation
from enforcement_desk.core.stages import CATEGORY_LABELS

# Words so common in violation names that sharing them says nothing about the act.
_FILLER = frozenset(
    {
        "未按照", "按照", "规定", "或者", "以及", "未取", "取得", "从事", "进行", "有关", "人员", "单位",
        "国家", "应当", "不得", "违反", "的", "和", "与", "及", "或", "未", "等", "经",
    }
)  # fmt: skip
_EXACT, _CODE, _WHOLE_NAME, _AREA, _CATEGORY = 1000, 800, 400, 20, 30
_MIN_SHARED = 3  # characters a shared phrase needs before it counts
_OTHER_CATEGORY = 150  # the least fit for a violation of another category than the case's
_LONGEST_CAUSE = 300  # a 案由 is a line; past this many characters the words are not compared


@dataclass(frozen=True)
class Suggestion:
    """A violation suggested for a case: its code and name, how strongly it fits, and why."""

    code: str
    name: str
    area: str
    score: int
    reasons: tuple[str, ...]


def _plain(text: str) -> str:
    """Text without spaces and punctuation, full-width letters folded, so 案由 written with quotes or
    《》 still compares with the library's names."""
    folded = unicodedata.normalize("NFKC", str(text or "")).upper()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in {"L", "N"} or ch == "-")


def shared_phrases(cause: str, name: str) -> tuple[str, ...]:
    """The longest phrases (at least three characters, not mere filler) the cause and the name share,
    longest first."""
    a, b = _plain(cause)[:_LONGEST_CAUSE], _plain(name)[:_LONGEST_CAUSE]
    if not a or not b:
        return ()
    found: set[str] = set()
    # Longest common substrings ending at each pair of positions (classic dynamic programme, O(len·len)).
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                ends_here = i == len(a) or j == len(b) or a[i] != b[j]
                if ends_here and current[j] >= _MIN_SHARED:
                    found.add(a[i - current[j] : i])
        previous = current
    phrases = {p for p in found if p not in _FILLER and not all(ch in "".join(_FILLER) for ch in p)}
    kept = sorted(phrases, key=lambda p: (-len(p), p))
    # Drop phrases contained in a longer one already kept.
    result: list[str] = []
    for phrase in kept:
        if not any(phrase in longer for longer in result):
            result.append(phrase)
    return tuple(result)


def _text_fit(cause: str, violation: Violation) -> tuple[int, list[str]]:
    """How well the cause's words fit one violation, with the reasons (no category here)."""
    plain_cause, plain_name = _plain(cause), _plain(violation.name)
    if not plain_cause:
        return 0, []
    if plain_cause == plain_name:
        return _EXACT, ["案由与违法行为名称完全相同"]
    score, reasons = 0, []
    if re.search(rf"(?<![A-Z0-9]){re.escape(violation.code.upper())}(?![0-9])", plain_cause):
        score += _CODE
        reasons.append(f"案由写明了编码 {violation.code}")
    if plain_name and plain_name in plain_cause:
        score += _WHOLE_NAME
        reasons.append("案由包含该违法行为的完整名称")
    phrases = shared_phrases(cause, violation.name)
    if phrases:
        covered = sum(len(p) for p in phrases)
        score += min(300, round(300 * covered / max(len(plain_name), 1)))
        reasons.append("案由与名称共有“" + "”“".join(phrases[:3]) + "”")
    area = _plain(violation.area)
    if area and area in plain_cause and area not in "".join(phrases):
        score += _AREA
        reasons.append(f"案由提到“{violation.area}”")
    return score, reasons


def suggest_violations(
    cause: str, category: str, library: BenchmarkLibrary, *, limit: int = 8
) -> tuple[Suggestion, ...]:
    """The library's violations that fit a case, best first, each with the reasons of its match.

    The cause's words decide; a violation of the case's own category ranks above an equal one of another
    category. When no violation of the case's category matches the words (or there are no words), that
    category's violations are offered as well. Never raises: any text and any category give a (possibly
    empty) answer.
    """
    label = CATEGORY_LABELS.get(str(category or ""), "")
    scored: list[Suggestion] = []
    for violation in library.violations.values():
        score, reasons = _text_fit(cause, violation)
        if score <= 0 or (label and violation.category != category and score < _OTHER_CATEGORY):
            continue  # another category's violation needs more than a few shared words
        if label and violation.category == category:
            score += _CATEGORY
            reasons.append(f"执法类别相同（{label}）")
        scored.append(Suggestion(violation.code, violation.name, violation.area, score, tuple(reasons)))
    own_category = {v.code for v in library.violations.values() if v.category == category}
    if label and not own_category & {s.code for s in scored}:
        # Nothing of the case's own category matched the words: offer that category's violations too.
        scored += [
            Suggestion(v.code, v.name, v.area, _CATEGORY, (f"执法类别相同（{label}）",))
            for v in library.violations.values()
            if v.code in own_category
        ]
    scored.sort(key=lambda s: (-s.score, s.code))
    return tuple(scored[: max(limit, 0)])


def fit_warnings(violation: Violation, cause: str, category: str) -> tuple[str, ...]:
    """Why a chosen violation may not fit the case (another category, nothing in common with the cause);
    empty when it fits. A warning to check, never a refusal."""
    warnings: list[str] = []
    label = CATEGORY_LABELS.get(str(category or ""), "")
    if label and violation.category != category:
        theirs = CATEGORY_LABELS.get(violation.category, violation.category)
        warnings.append(
            f"所选违法行为 {violation.code} 属“{theirs}”类（{violation.area}），"
            f"与本案执法类别“{label}”不一致，请核对是否选错"
        )
    if _plain(cause) and _text_fit(cause, violation)[0] <= 0:
        warnings.append(
            f"本案案由“{str(cause).strip()}”与所选违法行为“{violation.name}”没有共同的关键词，请核对是否选错"
        )
    return tuple(warnings)


def suggested_codes(suggestions: Iterable[Suggestion]) -> tuple[str, ...]:
    """The codes of suggestions, in their order."""
    return tuple(s.code for s in suggestions)
