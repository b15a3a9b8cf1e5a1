"""DOCX of a document (python-docx), for officers who finish a text in Word/WPS: same content as the
PDF, East Asian fonts set on every run (仿宋 body, 黑体 title), A4, page numbers in the footer; a training
database's documents say "培训用，非正式文书" in the header and the footer."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from enforcement_desk.core.text_layout import NO_LINE_END, NO_LINE_START
from enforcement_desk.documents.content import TRAINING_MARK, RenderedDocument
from enforcement_desk.documents.verification import printed_code

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"


def _font(run, name: str, size: float, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)


# Word and WPS apply the Chinese 禁则 themselves when a paragraph asks for it and its text is zh-CN; these
# lists are the ones the PDF keeps (enforcement_desk.core.text_layout), so both break lines alike.
_NO_LINE_START = "".join(sorted(NO_LINE_START))
_NO_LINE_END = "".join(sorted(NO_LINE_END))


# The order of w:pPr's children from w:widowControl on (ECMA-376 CT_PPr); Word refuses a file out of order.
_PPR_ORDER = (
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


def _east_asian_line_breaking(properties) -> None:
    """禁则 on, Latin words kept whole and closing marks allowed to hang, on a w:pPr."""
    for tag in ("w:widowControl", "w:kinsoku", "w:wordWrap", "w:overflowPunct"):
        if properties.find(qn(tag)) is None:
            element = OxmlElement(tag)
            element.set(qn("w:val"), "1")
            properties.insert_element_before(element, *_PPR_ORDER[_PPR_ORDER.index(tag) + 1 :])


def _chinese_document(document) -> None:
    """Mark the text zh-CN and give Word the 禁则 lists, so a document opened in Word or WPS breaks lines
    as the PDF does (python-docx's template says ja-JP, whose rules differ)."""
    normal = document.styles["Normal"].element
    _east_asian_line_breaking(normal.get_or_add_pPr())
    language = normal.get_or_add_rPr().find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        normal.get_or_add_rPr().append(language)
    language.set(qn("w:eastAsia"), "zh-CN")
    settings = document.settings.element
    theme_language = settings.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:eastAsia"), "zh-CN")
    successors = ("w:savePreviewPicture", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
                  "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang")  # fmt: skip
    for tag, marks in (("w:noLineBreaksAfter", _NO_LINE_END), ("w:noLineBreaksBefore", _NO_LINE_START)):
        element = OxmlElement(tag)
        element.set(qn("w:lang"), "zh-CN")
        element.set(qn("w:val"), marks)
        settings.insert_element_before(element, *successors)


def _paragraph(
    document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,  # 三号, as GB/T 9704 sets the body of a 公文
    align=None,
    indent: bool = True,
    bold: bool = False,
    colour: RGBColor | None = None,
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = 1.5
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _east_asian_line_breaking(paragraph._p.get_or_add_pPr())
    _font(paragraph.add_run(text), font, size, bold=bold, colour=colour)
    return paragraph


def _training_header(section) -> None:
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(f"【{TRAINING_MARK}】"), BODY_FONT, 12, bold=True, colour=RGBColor(0xC0, 0x00, 0x00))


def _page_number_footer(section, training: bool = False) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if training:
        _font(paragraph.add_run(f"{TRAINING_MARK}　"), BODY_FONT, 10.5, colour=RGBColor(0xC0, 0x00, 0x00))

    def field(instruction: str) -> None:
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, instruction), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._element.append(element)
        _font(run, BODY_FONT, 10.5)

    _font(paragraph.add_run("第 "), BODY_FONT, 10.5)
    field("PAGE")
    _font(paragraph.add_run(" 页 共 "), BODY_FONT, 10.5)
    field("NUMPAGES")
    _font(paragraph.add_run(" 页"), BODY_FONT, 10.5)


def render_docx(doc: RenderedDocument) -> bytes:
    """The document as DOCX bytes: A4, the agency's name in red, title, number, text, table and signature."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    _page_number_footer(section, doc.training)
    if doc.verification:  # the code of the issued document under the page number, and in its properties
        code = section.footer.add_paragraph()
        code.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(code.add_run(printed_code(doc.verification)), BODY_FONT, 8)
        document.core_properties.keywords = doc.verification
    if doc.training:
        _training_header(section)
    _chinese_document(document)
    _paragraph(document, doc.agency_name, font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
               colour=RGBColor(0xC0, 0x00, 0x00))  # fmt: skip
    _paragraph(document, doc.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if doc.number:
        _paragraph(document, doc.number, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    for text in doc.paragraphs:
        _paragraph(document, text)
    if doc.table is not None:
        table = document.add_table(rows=1, cols=len(doc.table.headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, header in zip(table.rows[0].cells, doc.table.headers, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(header), TITLE_FONT, 11)
        for row in doc.table.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(value), BODY_FONT, 11)
    last_text = [_paragraph(document, text) for text in doc.closing][-1:]
    if not last_text and doc.table is None and doc.paragraphs:
        last_text = [document.paragraphs[-1]]
    gap = document.add_paragraph()
    signature = [_paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False) for line in doc.signature]
    for paragraph in [*last_text, gap, *signature[:-1]]:  # the seal and date never stand alone on a page:
        paragraph.paragraph_format.keep_with_next = True  # widow control brings the text's last 2 lines along
    if doc.receipt:
        _paragraph(document, "当事人签收：　　　　　　　　签收日期：　　　年　　月　　日", size=12, indent=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
