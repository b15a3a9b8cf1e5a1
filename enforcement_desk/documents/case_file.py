"""The 案卷 (case file) of a case as an archive accepts it: cover, 卷内目录, the documents in procedural order
with continuous 页号, and the 卷内备考表, in one PDF with one embedded subset of each font.

What it follows:
- 卫生健康行政处罚程序规定 (2025) art. 22 (the whole procedure recorded and 归档保存) and art. 68 (after the
  结案报告 the materials are sorted and bound, signed by the handler, and archived).
- GB/T 9705-2008 文书档案案卷格式: the cover's items (全宗名称, 案卷题名, 时间, 保管期限, 件数 and 页数, 档号), the
  卷内目录's columns (序号, 文号, 责任者, 题名, 日期 as eight digits, 页号, 备注), the 卷内备考表 (本卷情况说明 — 件数,
  页数, what is missing, changed or added —, 立卷人, 检查人, 立卷时间). 页号 are written on the face of every
  page at the top right, one continuous run over the bound documents; the cover, the 卷内目录 and the 卷内备考表
  take none.
- 保管期限: 国家档案局令第8号 (2006) art. 6 and its annex — 行政处罚 files 永久 when important, 定期30年 otherwise
  (agency settings archive_retention / archive_retention_simple, see core.settings).
- 档号 in the shape DA/T 13-1994 and DA/T 22-2015 use, 全宗号-门类-年度-保管期限代码-卷号: here
  <全宗号>-XZCF-<year of the case number>-<Y|D30|D10>-<the case's serial in that year>, the 全宗号 being the
  agency's archive_fonds_no setting, or its short name until the archive gives one.

Every document is rendered again from the content its record keeps, in the same build: appending the stored
PDFs embedded the fonts once per document. A re-render must come out as the document was issued — each
keeps its own "第 x 页 共 y 页", counted within it — so its page count is compared with the stored one and
the file is refused if they differ (its 页号 would not match the original's pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from enforcement_desk.admin.training import training_database
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import Stage
from enforcement_desk.documents import record_documents_event
from enforcement_desk.documents.case_data import case_fields, case_file_records
from enforcement_desk.documents.content import BLANK, RenderedDocument, chinese_date, render
from enforcement_desk.documents.service import filing_order, rendered_from_record, templates
from enforcement_desk.procedure.cases import load_case
from enforcement_desk.procedure.deadlines import agency_settings
from enforcement_desk.store.models import Case, StageChange, User

RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}  # DA/T 22-2015 保管期限代码
CATEGORY_CODE = "XZCF"  # 行政处罚


@dataclass(frozen=True)
class _Filed:
    """A document bound into the file: its re-rendered text and the page count it was issued with."""

    title: str
    number: str
    issued_pages: int | None
    document: RenderedDocument


@dataclass(frozen=True)
class _Notes:
    """What the 卷内备考表 says of this file."""

    documents: int
    pages: int
    voided: tuple[str, ...]
    corrected: tuple[str, ...]
    archived: bool
    builder: str
    built_on: date
    checker: str
    checked_on: date | None


def _year_and_serial(case: Case) -> tuple[str, str]:
    """The case number's year and its serial within the year (2026-0025: 2026, 0025)."""
    year, _, serial = case.case_no.partition("-")
    if year.isdigit() and serial:
        return year, serial
    return str(case.accepted_on.year if case.accepted_on else ""), case.case_no


def archive_number(case: Case, fonds: str, retention: str) -> str:
    """The 档号: 全宗号-XZCF-年度-保管期限代码-卷号, the 卷号 being the case's serial within its year."""
    year, serial = _year_and_serial(case)
    return f"{fonds}-{CATEGORY_CODE}-{year}-{RETENTION_CODES.get(retention, retention)}-{serial}"


def _checker(session, case_id: int) -> tuple[str, date | None]:
    """The head who approved closing the case checks its file (the latest 结案)."""
    row = session.execute(
        select(User.name, StageChange.at)
        .join(User, User.id == StageChange.actor_id)
        .where(StageChange.case_id == case_id, StageChange.action == "close")
        .order_by(StageChange.id.desc())
    ).first()
    return (row[0], row[1].date()) if row else ("", None)


def _file_title(case: Case) -> str:
    """案卷题名 as penalty files name it: the party, the violation, 案."""
    cause = case.cause.strip()
    return f"{case.party.name}{cause}{'' if cause.endswith('案') else '案'}"


def build_case_file(ctx: AppContext, actor: Actor, case_id: int, target: Path) -> Path:
    """The 案卷 as one PDF at `target`; a case not yet archived gets a working file marked 未归档."""
    all_templates = templates(ctx)
    today = ctx.today()
    # Gathered in one read (a consistent snapshot), then rendered and written with no transaction open.
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        agency, settings = agency_settings(session, actor.agency_id)
        order = filing_order(all_templates)
        listed = case_file_records(session, case.id, order)
        filed = [
            _Filed(record.title, record.number or "", record.pdf_pages, rendered_from_record(record.content))
            for record, void, _ in listed if not void and record.content
        ]  # fmt: skip
        missing = [record.title for record, void, _ in listed if not void and not record.content]
        if missing:
            raise DomainError(f"文书“{'、'.join(missing)}”没有保存文书内容，无法重新排版组卷")
        if not filed:
            raise DomainError("本案尚未出具任何文书，无法组卷")
        fields, lists = case_fields(session, case, agency, settings, today, order)
        training = training_database(session)
        checker, checked_on = _checker(session, case.id)
        archived = Stage(case.stage) is Stage.ARCHIVED
        retention = settings.archive_retention_simple if case.procedure == "simple" else settings.archive_retention
        fonds = settings.archive_fonds_no or agency.short_name
        number = archive_number(case, fonds, retention)
        notes = _Notes(
            documents=len(filed), pages=sum(f.issued_pages or 0 for f in filed), **_explained(listed),
            archived=archived, builder=actor.name, built_on=today, checker=checker, checked_on=checked_on,
        )  # fmt: skip
        fields = {
            **fields,
            "archive_fonds_no": settings.archive_fonds_no
            or f"（档案馆尚未给定；档号暂以本机关简称“{agency.short_name}”代替）",
            "archive_no": number if archived else f"未归档（拟编：{number}）",
            "case_file_title": _file_title(case), "archive_year": _year_and_serial(case)[0],
            "archive_retention": retention, "file_documents": notes.documents, "file_pages": notes.pages,
            "file_builder": actor.name, "file_checker": checker or BLANK, "file_date": chinese_date(today),
            "archived_on": chinese_date(case.archived_on) if archived else "未归档（本卷为工作卷）",
        }  # fmt: skip
        cover = render(all_templates["case_file_cover"], fields, lists, "", training=training)
        index = render(all_templates["case_file_index"], fields, lists, "", training=training)
        cause = case.cause
    pdf, pages = _render(cover, index, [f.document for f in filed], notes, f"{cause} 案卷",
                         training or any(f.document.training for f in filed))  # fmt: skip
    _refuse_changed_pages(filed, pages)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".part")
    temp.write_bytes(pdf)
    temp.replace(target)
    with ctx.db.write() as session:
        record_documents_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="case_file_built", entity="case",
            entity_id=case_id, case_id=case_id,
            payload={"documents": notes.documents, "pages": notes.pages, "archive_no": number,
                     "archived": archived, "to": str(target)},
        )  # fmt: skip
    return target


def _numbered(number: str | None) -> str:
    return f"（{number}）" if number else ""


def _explained(listed: list) -> dict[str, tuple[str, ...]]:
    """The 备考表's account of voided and corrected documents, by their 序号 in the 卷内目录."""
    voided, corrected = [], []
    for index, (record, void, is_correction) in enumerate(listed, start=1):
        named = f"卷内目录第 {index} 号《{record.title}》{_numbered(record.number)}"
        if void:
            voided.append(f"{named}已作废（作废理由：{void}），列入目录，未入卷、未编页号")
        elif is_correction:
            corrected.append(f"{named}经更正，入卷的是第 {record.version} 版，被更正的版本保存在系统中")
    return {"voided": tuple(voided), "corrected": tuple(corrected)}


def _refuse_changed_pages(filed: list[_Filed], pages: list[int]) -> None:
    for document, count in zip(filed, pages, strict=True):
        if document.issued_pages != count:
            raise DomainError(
                f"《{document.title}》{_numbered(document.number)}重新排版为 {count} 页，与出具时的 "
                f"{document.issued_pages or '未记录的'} 页不符：卷内页号将与原件对不上，不能组卷。"
                "文书版式在出具后已有改动，请对该文书出具更正版本后再组卷"
            )


def _render(
    cover: RenderedDocument, index: RenderedDocument, documents: list[RenderedDocument], notes: _Notes, title: str,
    training: bool,
) -> tuple[bytes, list[int]]:  # fmt: skip
    """The file in one build; with it, how many pages each document took."""
    from reportlab.platypus import PageBreak  # rendering libraries load on first use, not at program start

    from enforcement_desk.documents.pdf import DocumentStart, render_pdf_story, story_for

    starts = [DocumentStart(document, archive_numbered=True) for document in documents]

    def compose(styles: dict, width: float) -> list:
        story = [DocumentStart(cover, footer=False), *_cover_story(cover, styles, width), PageBreak(),
                 DocumentStart(index, footer=False), *_index_story(index, styles, width)]  # fmt: skip
        for start, document in zip(starts, documents, strict=True):
            story += [PageBreak(), start, *story_for(document, styles, width)]
        return [*story, PageBreak(), DocumentStart(footer=False), *_notes_story(notes, styles, width)]

    pdf = render_pdf_story(compose, title, training=training)
    return pdf, [start.pages for start in starts]


def _cell_styles(styles: dict) -> tuple:
    from reportlab.lib.styles import ParagraphStyle

    label = ParagraphStyle("form_label", parent=styles["head"], fontSize=12, leading=17)
    value = ParagraphStyle("form_value", parent=styles["cell"], fontSize=12, leading=17)
    return label, value


def _para(text: str, style):
    from reportlab.platypus import Paragraph

    from enforcement_desk.documents.fonts import markup

    return Paragraph(markup(text, style.fontName), style)


def _form(rows: list[list], widths: list[float], font: str):
    """A boxed form: ruled cells, a heavier outer frame."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),  # an empty cell would otherwise name Helvetica, not embedded
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("BOX", (0, 0), (-1, -1), 1.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))  # fmt: skip
    return table


def _cover_story(cover: RenderedDocument, styles: dict, width: float) -> list:
    """The cover as a form: each "项目：内容" line of the template a row of the box."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    label, value = _cell_styles(styles)
    heading = ParagraphStyle("cover_title", parent=styles["title"], fontSize=28, leading=40, spaceAfter=0)
    rows = []
    for line in cover.paragraphs:
        item, colon, content = line.partition("：")
        rows.append([_para(item, label), _para(content, value)] if colon else [_para(line, value), ""])
    return [
        _para(cover.agency_name, styles["agency"]), Spacer(1, 6 * mm), _para(cover.title, heading),
        Spacer(1, 8 * mm), _form(rows, [36 * mm, width - 36 * mm], value.fontName), Spacer(1, 8 * mm),
        *(_para(line, styles["sign"]) for line in cover.signature),
    ]  # fmt: skip


# Shares of the 卷内目录's width by column: eight-digit dates and page ranges must not wrap; an agency's own
# column gets an average share.
INDEX_COLUMN_SHARES = {"序号": 0.06, "文号": 0.19, "责任者": 0.17, "题名": 0.25, "日期": 0.12, "页号": 0.09, "备注": 0.12}


def _index_story(index: RenderedDocument, styles: dict, width: float) -> list:
    """The 卷内目录: heading, 档号 and 题名, and the table in columns sized for it, its header repeated."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Spacer, TableStyle

    assert index.table is not None
    cell = ParagraphStyle("index_cell", parent=styles["cell"], fontSize=10, leading=13)
    head = ParagraphStyle("index_head", parent=styles["head"], fontSize=10.5, leading=14)
    shares = [INDEX_COLUMN_SHARES.get(h, 0.14) for h in index.table.headers]
    rows = [[_para(h, head) for h in index.table.headers]]
    rows += [[_para(text, cell) for text in row] for row in index.table.rows]
    table = LongTable(rows, repeatRows=1, colWidths=[width * s / sum(shares) for s in shares])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), cell.fontName), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))  # fmt: skip
    plain = ParagraphStyle("index_line", parent=styles["body"], fontSize=12, leading=18, firstLineIndent=0)
    return [
        _para(index.title, styles["title"]), *(_para(text, plain) for text in index.paragraphs),
        Spacer(1, 4 * mm), table,
    ]


def _notes_story(notes: _Notes, styles: dict, width: float) -> list:
    """The 卷内备考表: 本卷情况说明, then who made up the file and who checked it, with their dates."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    label, value = _cell_styles(styles)
    remarks = [
        f"本卷共 {notes.documents} 件 {notes.pages} 页。页号在卷内文书每页正面右上角连续编写；封面、卷内目录、"
        "卷内备考表不编页号。",
        *notes.voided,
        *notes.corrected,
        *([] if notes.voided or notes.corrected else ["卷内无作废、更正的文书。"]),
        "卷内文书均依出具时保存的内容重新排版，页数与出具件一致；出具件原件（PDF、DOCX）保存在本系统中，可以核验。",
        *([] if notes.archived else ["本案尚未归档：本卷为工作卷，仅供办案使用，归档时应重新组卷。"]),
    ]
    remark = ParagraphStyle("form_remark", parent=value, spaceAfter=4)
    explained = [_para("本卷情况说明", label), Spacer(1, 3 * mm), *(_para(text, remark) for text in remarks),
                 Spacer(1, 60 * mm)]  # fmt: skip
    unsigned = "　　　年　　月　　日"
    people = [
        [_para("立卷人", label), _para(notes.builder, value), _para("立卷时间", label),
         _para(chinese_date(notes.built_on), value)],
        [_para("检查人", label), _para(notes.checker, value), _para("检查时间", label),
         _para(chinese_date(notes.checked_on) if notes.checked_on else unsigned, value)],
    ]  # fmt: skip
    quarter = width / 4
    return [
        _para("卷内备考表", styles["title"]), Spacer(1, 6 * mm), _form([[explained]], [width], value.fontName),
        _form(people, [quarter * 0.7, quarter * 1.3, quarter * 0.8, quarter * 1.2], value.fontName),
    ]  # fmt: skip
