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

from enforcement_desk.documents.content import TRAINING_MARK, RenderedDocument

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


def _paragraph(
    document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 14,
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
    if doc.training:
        _training_header(section)
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
    for text in doc.closing:
        _paragraph(document, text)
    document.add_paragraph()
    for line in doc.signature:
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if doc.receipt:
        _paragraph(document, "当事人签收：__________　签收日期：____年__月__日", size=12, indent=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
