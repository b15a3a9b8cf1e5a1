"""PDF of a document (reportlab): A4, the agency's name and the title, the number, the body with a
two-character indent, tables that split across pages with their header repeated, the signature and
seal area, and "第 x 页 共 y 页" under every page; a training database's documents say "培训用，非正式文书" above and below
every page. The TrueType CJK font is embedded (subset)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    ActionFlowable,
    CondPageBreak,
    KeepTogether,
    LongTable,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from enforcement_desk.documents.cjk_paragraph import CJKParagraph, KeepWithTail
from enforcement_desk.documents.content import TRAINING_MARK, RenderedDocument
from enforcement_desk.documents.fonts import register_cjk_fonts
from enforcement_desk.documents.verification import draw_verification

BODY_SIZE = 16  # 三号, as GB/T 9704 sets the body of a 公文
TITLE_SIZE = 22  # 二号


class _NumberedCanvas(pdf_canvas.Canvas):
    """Holds pages until the end so each can say how many there are (第 x 页 共 y 页)."""

    watermark = ""  # a draft's "草稿" across every page
    training_mark = ""  # a training database's TRAINING_MARK at the head and the foot of every page

    def __init__(self, *args, **kwargs):
        # Otherwise every page names Helvetica, a font that is not embedded.
        kwargs["initialFontName"] = register_cjk_fonts()[0]
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        # In a bundle each document counts its own pages, as it did when it was issued alone.
        segments = [state.get("segment") for state in self._pages]
        totals = Counter(map(id, segments))
        numbers: Counter = Counter()
        archive_page = 0
        for state, segment in zip(self._pages, segments, strict=True):
            self.__dict__.update(state)
            numbers[id(segment)] += 1
            number, total = numbers[id(segment)], totals[id(segment)]
            body, _ = register_cjk_fonts()
            if segment is not None:
                segment.pages = total
            if segment is None or segment.footer:
                self.setFont(body, 10.5)
                self.drawCentredString(A4[0] / 2, 12 * mm, f"第 {number} 页 共 {total} 页")
            if segment is not None and segment.document is not None and segment.document.verification:
                draw_verification(self, segment.document.verification, body)  # on every page: against swaps
            if segment is not None and segment.archive_numbered:
                archive_page += 1
                self._draw_archive_page_number(body, archive_page)
            if self.training_mark:
                self._draw_training_mark(body)
            if self.watermark:
                self._draw_watermark(body)
            super().showPage()
        super().save()

    def _draw_archive_page_number(self, font: str, number: int) -> None:
        # 页号 of a bound file: top right of the page's face (GB/T 9705-2008, 卷内文件页号).
        self.saveState()
        self.setFont(font, 14)
        self.drawRightString(A4[0] - 15 * mm, A4[1] - 15 * mm, str(number))
        self.restoreState()

    def _draw_training_mark(self, font: str) -> None:
        self.saveState()
        self.setFillColor(colors.HexColor("#c00000"))
        self.setStrokeColor(colors.HexColor("#c00000"))
        self.setFont(font, 12)
        top = A4[1] - 16 * mm
        self.drawCentredString(A4[0] / 2, top, f"【{self.training_mark}】")
        self.setLineWidth(0.8)
        self.line(28 * mm, top - 2.5 * mm, A4[0] - 26 * mm, top - 2.5 * mm)
        self.setFont(font, 10.5)
        self.drawString(28 * mm, 12 * mm, self.training_mark)
        self.restoreState()

    def _draw_watermark(self, font: str) -> None:
        self.saveState()
        self.setFillColorRGB(0.75, 0.75, 0.75, alpha=0.45)
        self.setFont(font, 120)
        self.translate(A4[0] / 2, A4[1] / 2)
        self.rotate(40)
        self.drawCentredString(0, -40, self.watermark)
        self.setFont(font, 16)
        self.drawCentredString(0, -90, "未编号 · 不得作为正式文书送达")
        self.restoreState()


class _DraftCanvas(_NumberedCanvas):
    watermark = "草稿"


class DocumentStart(ActionFlowable):
    """Marks where a document of a bundle begins, for the canvas: its pages are counted on their own
    ("第 x 页 共 y 页", left off when `footer` is false) and, when `archive_numbered`, get the file's
    continuous 页号. After the build, `pages` holds how many pages the document took."""

    def __init__(self, document: RenderedDocument | None = None, *, footer: bool = True,
                 archive_numbered: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.document, self.footer, self.archive_numbered = document, footer, archive_numbered
        self.pages = 0

    def apply(self, doc) -> None:
        """Tell the canvas that the page begun now, and those after it, belong to this document."""
        doc.canv.segment = self  # read back per page by _NumberedCanvas.save


def _styles() -> dict[str, ParagraphStyle]:
    body, title = register_cjk_fonts()
    base = ParagraphStyle("body", fontName=body, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.75,
                          alignment=TA_JUSTIFY, firstLineIndent=BODY_SIZE * 2, wordWrap="CJK")  # fmt: skip
    return {
        "agency": ParagraphStyle("agency", parent=base, fontName=title, fontSize=18, leading=26,
                                 alignment=TA_CENTER, firstLineIndent=0, textColor=colors.HexColor("#c00000")),
        "title": ParagraphStyle("title", parent=base, fontName=title, fontSize=TITLE_SIZE, leading=34,
                                alignment=TA_CENTER, firstLineIndent=0, spaceBefore=4, spaceAfter=6),
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT, firstLineIndent=0, spaceAfter=8),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=11, leading=15, firstLineIndent=0, alignment=0),
        "head": ParagraphStyle("head", parent=base, fontName=title, fontSize=11, leading=15,
                               firstLineIndent=0, alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
        "receipt": ParagraphStyle("receipt", parent=base, fontSize=12, leading=20, firstLineIndent=0),
    }  # fmt: skip


def _p(text: str, style: ParagraphStyle) -> CJKParagraph:
    return CJKParagraph(text, style)  # 禁则 line breaking, justified by character spacing


def column_widths(doc: RenderedDocument, width: float) -> list[float]:
    """Share the width by how much text each column holds (a 序号 column needs little, a name much)."""
    assert doc.table is not None

    def display_width(text: str) -> int:  # a CJK character is as wide as two Latin ones
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    weights = []
    for index, header in enumerate(doc.table.headers):
        cells = [display_width(row[index]) for row in doc.table.rows] or [0]
        weights.append(max(display_width(header), min(max(cells), 40), 4) + 3)  # + cell padding
    total = sum(weights)
    return [width * w / total for w in weights]


def _table(doc: RenderedDocument, styles: dict[str, ParagraphStyle], width: float) -> LongTable:
    assert doc.table is not None
    header = [_p(h, styles["head"]) for h in doc.table.headers]
    rows = [[_p(cell, styles["cell"]) for cell in row] for row in doc.table.rows] or [
        [_p("（无）", styles["cell"])] + [_p("", styles["cell"]) for _ in doc.table.headers[1:]]
    ]
    table = LongTable([header, *rows], repeatRows=1, colWidths=column_widths(doc, width))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName),  # not the Helvetica default
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def story_for(doc: RenderedDocument, styles: dict[str, ParagraphStyle], width: float) -> list:
    """The document as a list of reportlab flowables: heading, text, table, signature kept together,
    receipt."""
    story: list = [_p(doc.agency_name, styles["agency"]), _p(doc.title, styles["title"])]
    if doc.number:
        story.append(_p(doc.number, styles["number"]))
    story += [_p(text, styles["body"]) for text in doc.paragraphs]
    if doc.table is not None:
        story += [Spacer(1, 4 * mm), _table(doc, styles, width), Spacer(1, 4 * mm)]
    story += [_p(text, styles["body"]) for text in doc.closing]
    signature = [Spacer(1, 10 * mm)] + [_p(line, styles["sign"]) for line in doc.signature]
    if doc.receipt:  # the party's acknowledgement goes with the seal: never a page of its own
        signature += [Spacer(1, 8 * mm), _receipt(styles, width)]
    if isinstance(story[-1], CJKParagraph):  # the seal and date never stand alone on a page
        story.append(KeepWithTail(story.pop(), signature))
    else:
        story += [CondPageBreak(45 * mm), KeepTogether(signature)]
    return story


def _receipt(styles: dict[str, ParagraphStyle], width: float) -> Table:
    """The party's acknowledgement: ruled write-in spaces for the signature and the date (never underscores,
    which read as a field the agency forgot to fill)."""
    style = styles["receipt"]
    row = [_p("当事人签收：", style), "", _p("签收日期：", style), _p("　　　年　　月　　日", style)]
    table = Table([row], colWidths=[width * 0.2, width * 0.3, width * 0.17, width * 0.33])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), style.fontName),  # not the Helvetica default, which is never embedded
        ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
        ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))  # fmt: skip
    return table


def _document(buffer: io.BytesIO, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                             bottomMargin=25 * mm, title=title, author="执法案件办理桌面端")  # fmt: skip


def render_pdf(doc: RenderedDocument, *, draft: bool = False) -> bytes:
    """One document; a draft carries "草稿" across every page and no number."""
    return render_pdf_bundle([doc], title=f"{doc.title}（草稿）" if draft else doc.title, draft=draft)


def render_pdf_counted(doc: RenderedDocument) -> tuple[bytes, int]:
    """One issued document and how many pages it took, as the canvas counted them (reading the PDF back
    to count them would cost an import and a parse on every issue)."""
    start = DocumentStart(doc)

    def compose(styles: dict[str, ParagraphStyle], width: float) -> list:
        return [start, *story_for(doc, styles, width)]

    pdf = render_pdf_story(compose, doc.title, training=doc.training)
    return pdf, start.pages


def render_pdf_bundle(docs: Sequence[RenderedDocument], title: str, *, draft: bool = False) -> bytes:
    """Several documents in one file, each starting on a new page and numbering its own pages."""

    def compose(styles: dict[str, ParagraphStyle], width: float) -> list:
        story: list = []
        for index, doc in enumerate(docs):
            if index:
                story.append(PageBreak())
            story += [DocumentStart(doc), *story_for(doc, styles, width)]
        return story

    return render_pdf_story(compose, title, draft=draft, training=any(doc.training for doc in docs))


def render_pdf_story(
    compose: Callable[[dict[str, ParagraphStyle], float], list], title: str, *, draft: bool = False,
    training: bool = False,
) -> bytes:  # fmt: skip
    """A story `compose` makes from the documents' styles and text width (the case file puts its cover and
    notes around re-rendered documents), laid out on the documents' own page and canvas."""
    buffer = io.BytesIO()
    template = _document(buffer, title)
    story = compose(_styles(), template.width)
    canvas = _DraftCanvas if draft else _NumberedCanvas
    if training:
        canvas = type(f"_Training{canvas.__name__}", (canvas,), {"training_mark": TRAINING_MARK})
    template.build(story, canvasmaker=canvas)
    return buffer.getvalue()
