"""A paragraph flowable that sets Chinese text by the 禁则 of enforcement_desk.core.text_layout and keeps
the right edge even.

reportlab's own CJK wrapping lets a line open with ，。》 (it hangs one mark at most and knows neither the
full-width comma nor 》) and justifies only by widening spaces, which Chinese text has none of; here the
spare width of a line is spread over its characters (PDF character spacing). The signature block uses
`KeepWithTail` so the seal and date never stand alone on a page.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether
from reportlab.platypus.flowables import Flowable

from enforcement_desk.core.text_layout import Line, break_lines
from enforcement_desk.documents.fonts import font_runs

# A paragraph split over two pages leaves at least this many lines on each (no widows, no orphans).
MIN_LINES_AT_BREAK = 2


@lru_cache(maxsize=65536)
def _char_width(ch: str, font: str, size: float) -> float:
    return stringWidth(ch, font, size)


class CJKParagraph(Flowable):
    """`text` in `style` (fontName, fontSize, leading, alignment, firstLineIndent, left/rightIndent,
    spaceBefore/After, textColor); a newline is a hard break."""

    def __init__(self, text: str, style: ParagraphStyle, *, _lines: list[Line] | None = None,
                 _first: bool = True, _last: bool = True, _fonts: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.style = style
        if _fonts is None:
            runs = font_runs(text, style.fontName)  # a character no face has becomes 〓 here
            text = "".join(piece for _, piece in runs)
            _fonts = {ch: font for font, piece in runs for ch in piece}
        self.text = text
        self._fonts = _fonts
        self._lines = _lines  # fixed when this is the part of a paragraph split over pages
        self._first, self._last = _first, _last
        self._width = 0.0

    def _width_of(self, ch: str) -> float:
        return _char_width(ch, self._fonts.get(ch, self.style.fontName), self.style.fontSize)

    def _measures(self, width: float) -> list[float]:
        s = self.style
        rest = width - s.leftIndent - s.rightIndent
        return [rest - s.firstLineIndent, rest] if self._first else [rest]

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's signature
        """Break the text into lines for this width (a part of a split paragraph keeps its lines)."""
        if self._lines is None or (self._width != availWidth and self._first and self._last):
            self._lines = break_lines(self.text, self._width_of, self._measures(availWidth))
        self._width = availWidth
        self.width, self.height = availWidth, len(self._lines) * self.style.leading
        return self.width, self.height

    @property
    def lines(self) -> list[Line]:
        """The lines of the last wrap."""
        assert self._lines is not None, "wrap first"
        return self._lines

    def getSpaceBefore(self) -> float:  # noqa: N802
        """The style's space before, only above the paragraph's first part."""
        return self.style.spaceBefore if self._first else 0

    def getSpaceAfter(self) -> float:  # noqa: N802
        """The style's space after, only below the paragraph's last part."""
        return self.style.spaceAfter if self._last else 0

    def lines_fitting(self, height: float) -> int:
        """How many lines fit in `height`."""
        return int((height + 1e-6) // self.style.leading)

    def split_at(self, count: int) -> list[CJKParagraph]:
        """The first `count` lines and the rest, as two paragraphs that keep these line breaks."""
        return [
            CJKParagraph(self.text, self.style, _lines=self.lines[:count], _first=self._first, _last=False,
                         _fonts=self._fonts),
            CJKParagraph(self.text, self.style, _lines=self.lines[count:], _first=False, _last=self._last,
                         _fonts=self._fonts),
        ]  # fmt: skip

    def split(self, availWidth, availHeight):  # noqa: N803
        """What fits here and the rest, never leaving a single line on either page."""
        self.wrap(availWidth, availHeight)
        total, fitting = len(self.lines), self.lines_fitting(availHeight)
        count = min(fitting, total - MIN_LINES_AT_BREAK)
        if fitting >= total or count < min(MIN_LINES_AT_BREAK, total) or count < 1:
            return []
        return self.split_at(count)

    def draw(self) -> None:
        """Set each line; a full line's spare width goes between its characters."""
        s = self.style
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(s.textColor)
        measures = self._measures(self._width)
        baseline = self.height - s.fontSize
        text_object = canvas.beginText(0, baseline)  # one text object a paragraph, as reportlab's own
        for index, line in enumerate(self.lines):
            measure = measures[min(index, len(measures) - 1)]
            x = s.leftIndent + (s.firstLineIndent if self._first and index == 0 else 0)
            spare = measure - line.width
            char_space = 0.0
            if s.alignment == TA_JUSTIFY and not line.ends_paragraph and len(line.text) > 1 and spare > 0:
                # A line left short by an unbreakable run pushed down (a 文号, a certificate number) would
                # be spread into letter-spaced words; past a third of an em a gap, it stays ragged instead.
                char_space = min(spare / (len(line.text) - 1), s.fontSize * LOOSEST_GAP)
            elif s.alignment == TA_RIGHT:
                x += spare
            elif s.alignment == TA_CENTER:
                x += spare / 2
            text_object.setTextOrigin(x, baseline - index * s.leading)
            text_object.setCharSpace(char_space)
            self._set_line(text_object, line.text)
        canvas.drawText(text_object)
        canvas.restoreState()

    def _set_line(self, text_object, text: str) -> None:
        run_font, run = self.style.fontName, ""
        for ch in text:
            font = self._fonts.get(ch, self.style.fontName)
            if font != run_font and run:
                text_object.setFont(run_font, self.style.fontSize, self.style.leading)
                text_object.textOut(run)
                run = ""
            run_font = font
            run += ch
        text_object.setFont(run_font, self.style.fontSize, self.style.leading)
        text_object.textLine(run)  # ends with T*, which text extraction reads as the end of a line


LOOSEST_GAP = 1 / 3  # the widest space justification puts between two characters, in ems


class KeepWithTail(Flowable):
    """`block` (the signature, 印章 and date) on the same page as at least the last lines of
    `paragraph`: when both do not fit, the paragraph is split so that its last lines move over with
    the block, never the block alone."""

    def __init__(self, paragraph: CJKParagraph, block: list[Flowable], tail_lines: int = MIN_LINES_AT_BREAK) -> None:
        super().__init__()
        self.paragraph, self.block, self.tail_lines = paragraph, block, tail_lines

    def wrap(self, availWidth, availHeight):  # noqa: N803
        """Report a height no page holds, so the frame asks `split` where to cut."""
        return availWidth, 0xFFFFFF  # always split, as KeepTogether does

    def split(self, availWidth, availHeight):  # noqa: N803
        """Everything when it fits; else the paragraph's head here and its tail with the block."""
        together = KeepTogether([self.paragraph, *self.block])
        _, paragraph_height = self.paragraph.wrap(availWidth, availHeight)
        block_height = sum(f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                           for f in self.block)  # fmt: skip
        needed = self.paragraph.getSpaceBefore() + paragraph_height + block_height
        if needed <= availHeight:
            return [self.paragraph, *self.block]
        total = len(self.paragraph.lines)
        count = min(self.paragraph.lines_fitting(availHeight - self.paragraph.getSpaceBefore()),
                    total - self.tail_lines)  # fmt: skip
        if count < min(MIN_LINES_AT_BREAK, total) or count < 1:
            together._frame = getattr(self, "_frame", None)  # KeepTogether asks it whether it is at the top
            return together.splitOn(self.canv, availWidth, availHeight)  # the whole paragraph moves on
        head, tail = self.paragraph.split_at(count)
        return [head, KeepTogether([tail, *self.block])]
