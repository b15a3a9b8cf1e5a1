"""The 案卷 as an archive accepts it: one build with each font embedded once, documents in procedural order
with continuous 页号 on every page, the cover with its 档号, the 卷内目录 with 页号, and the 卷内备考表."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from sqlalchemy import select

from enforcement_desk.admin.agency_settings import update_settings
from enforcement_desk.admin.auth import login
from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.case_file import build_case_file
from enforcement_desk.documents.service import (
    PROCEDURE_STEPS,
    filing_order,
    issue_document,
    list_documents,
    templates,
    void_document,
)
from enforcement_desk.procedure.cases import find_case_id
from enforcement_desk.store.models import Agency, Case, DocumentRecord, StageChange, User

ARCHIVED_CASE = "2026-0025"  # the demo's water-supply case carried to the archive, handled by wangqiang


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("casefile")
    ctx = AppContext.open(f"sqlite:///{folder / 'demo.sqlite3'}", folder / "evidence")
    build_demo(ctx)
    officer = login(ctx, "wangqiang", DEMO_PASSWORD)
    yield ctx, officer, find_case_id(ctx, officer, ARCHIVED_CASE)
    ctx.close()


def _filed(ctx, officer, case_id: int) -> list:
    """The documents the file binds, as the register lists them: current and not voided."""
    return [d for d in list_documents(ctx, officer, case_id, include_superseded=False)
            if not d.voided and d.kind not in ("case_file_cover", "case_file_index")]  # fmt: skip


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _top_right(page) -> str:
    """What is printed in the page's top right corner, where a bound file's 页号 goes."""
    found: list[str] = []

    def visit(text, cm, tm, font, size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and x > A4[0] - 45 * mm and y > A4[1] - 25 * mm:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return "".join(found)


def _closed_case(ctx) -> tuple[int, str]:
    """A case closed but not archived, and the login of one of its handlers."""
    with ctx.db.read() as session:
        case = session.scalars(select(Case).where(Case.stage == "closed").order_by(Case.id)).first()
        return case.id, case.handlers[0].user.login


def test_each_font_is_embedded_once_for_the_whole_file(demo, tmp_path):
    ctx, officer, case_id = demo
    path = build_case_file(ctx, officer, case_id, tmp_path / "案卷.pdf")
    reader = PdfReader(path)
    font_files: dict[str, set[int]] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded = descriptor.get_object().raw_get("/FontFile2")
                font_files.setdefault(str(font["/BaseFont"]), set()).add(embedded.idnum)
    assert font_files and all(len(files) == 1 for files in font_files.values()), font_files
    assert path.read_bytes().count(b"/FontFile2") == len(font_files)  # no copy hidden off the pages
    assert len(reader.pages) > 10


def test_every_bound_page_carries_the_next_archive_page_number_and_its_own_footer(demo, tmp_path):
    ctx, officer, case_id = demo
    path = build_case_file(ctx, officer, case_id, tmp_path / "案卷.pdf")
    reader = PdfReader(path)
    documents = _filed(ctx, officer, case_id)
    bound = sum(d.pdf_pages for d in documents)
    front = len(reader.pages) - bound - 1  # cover and 卷内目录 before, 卷内备考表 after
    assert front == 2
    stamps = [_top_right(page) for page in reader.pages]
    assert stamps[front:front + bound] == [str(n) for n in range(1, bound + 1)]
    assert not any(stamps[:front]) and not stamps[-1]  # cover, 目录 and 备考表 take no 页号
    # Each document still says "第 x 页 共 y 页" of itself, as the copy that was issued did.
    footers = [f"第 {n} 页 共 {d.pdf_pages} 页" for d in documents for n in range(1, d.pdf_pages + 1)]
    texts = [" ".join(text.split()) for text in _texts(path)]
    assert all(footer in text for footer, text in zip(footers, texts[front:front + bound], strict=True))
    assert not any("共" in text and "页 共" in text for text in texts[:front])


def test_cover_index_and_notes_name_the_archive_number_page_numbers_and_who_made_up_the_file(demo, tmp_path):
    ctx, officer, case_id = demo
    path = build_case_file(ctx, officer, case_id, tmp_path / "案卷.pdf")
    texts = ["".join(text.split()) for text in _texts(path)]
    documents = _filed(ctx, officer, case_id)
    with ctx.db.read() as session:
        short_name = session.scalar(select(Agency.short_name))
        checker = session.scalar(
            select(User.name).join(StageChange, StageChange.actor_id == User.id)
            .where(StageChange.case_id == case_id, StageChange.action == "close")
        )  # fmt: skip
    cover, index, notes = texts[0], texts[1], texts[-1]
    pages = sum(d.pdf_pages for d in documents)
    for needle in ("档号", f"{short_name}-XZCF-2026-Y-0025", "保管期限永久", f"本卷共{len(documents)}件{pages}页",
                   "立卷人王强", f"检查人{checker}", "沂水县清泉供水有限公司"):  # fmt: skip
        assert needle in cover, needle
    assert "未归档" not in cover
    for header in ("序号", "文号", "责任者", "题名", "日期", "页号", "备注"):
        assert header in index, header
    last = documents[-1]
    assert f"{pages - last.pdf_pages + 1}" in index and "沂卫水罚〔2026〕2号" in index
    assert "卷内备考表" in notes and "本卷情况说明" in notes and f"本卷共{len(documents)}件{pages}页" in notes
    assert "立卷人王强" in notes and f"检查人{checker}" in notes


def test_documents_follow_the_procedure_not_the_alphabet_of_their_kinds(demo, tmp_path):
    ctx, officer, case_id = demo
    order = filing_order(templates(ctx))
    before = [("case_acceptance", "filing_report"), ("filing_report", "evidence_preservation_decision"),
              ("prior_notice", "hearing_right_notice"), ("hearing_right_notice", "defence_record"),
              ("hearing_notice", "hearing_record"), ("hearing_record", "hearing_opinion"),
              ("hearing_opinion", "legal_review_opinion"), ("penalty_decision", "service_receipt"),
              ("service_receipt", "payment_reminder"), ("enforcement_application", "closing_report")]  # fmt: skip
    assert all(order[first] < order[then] for first, then in before), order
    assert PROCEDURE_STEPS.index("受理") < PROCEDURE_STEPS.index("立案") < PROCEDURE_STEPS.index("结案")
    path = build_case_file(ctx, officer, case_id, tmp_path / "案卷.pdf")
    bound = " ".join(_texts(path)[2:-1])
    titles = [d.title for d in sorted(_filed(ctx, officer, case_id), key=lambda d: (order[d.kind], d.issued_at))]
    positions = [bound.index(title) for title in titles]
    assert positions == sorted(positions), titles
    assert titles[0] == "案件受理记录" and titles[-1] == "结案报告"


def test_voided_and_corrected_documents_are_marked_and_explained_in_the_working_file(demo, tmp_path):
    ctx, _, _ = demo
    case_id, handler = _closed_case(ctx)
    officer, head = login(ctx, handler, DEMO_PASSWORD), login(ctx, "chenjun", DEMO_PASSWORD)
    voided = next(d for d in _filed(ctx, officer, case_id) if d.kind == "service_receipt")
    void_document(ctx, head, voided.id, "文书内容有误，作废重开")
    corrected = issue_document(ctx, officer, case_id, "closing_report", correction="结案情况补充")
    path = build_case_file(ctx, officer, case_id, tmp_path / "工作卷.pdf")
    texts = ["".join(text.split()) for text in _texts(path)]
    documents = _filed(ctx, officer, case_id)
    assert voided.id not in {d.id for d in documents} and corrected.id in {d.id for d in documents}
    assert len(texts) == 2 + sum(d.pdf_pages for d in documents) + 1
    assert "作废：文书内容有误，作废重开" in texts[1] and voided.title in texts[1]
    assert f"更正，第{corrected.version}版" in texts[1]
    assert f"《{voided.title}》" in texts[-1] and "已作废" in texts[-1]
    assert f"《{corrected.title}》经更正，入卷的是第{corrected.version}版" in texts[-1]
    assert f"本卷共{len(documents)}件" in texts[0]
    # Not archived: a working file that says so, with the 档号 it would get.
    assert "未归档" in texts[0] and "工作卷" in texts[-1]


def test_a_document_that_would_lay_out_on_other_pages_than_issued_stops_the_file(demo, tmp_path):
    ctx, officer, case_id = demo
    with ctx.db.write() as session:
        record = session.scalars(
            select(DocumentRecord).where(DocumentRecord.case_id == case_id, DocumentRecord.kind == "penalty_decision")
        ).first()
        record.pdf_pages += 1  # as if it had been issued under another layout
    target = tmp_path / "案卷.pdf"
    try:
        with pytest.raises(DomainError, match="行政处罚决定书.*不能组卷"):
            build_case_file(ctx, officer, case_id, target)
        assert not target.exists()
    finally:
        with ctx.db.write() as session:
            session.get(DocumentRecord, record.id).pdf_pages -= 1
    assert build_case_file(ctx, officer, case_id, target).exists()


def test_the_agency_sets_its_fonds_number_and_retention_and_a_wrong_retention_is_refused(demo, tmp_path):
    ctx, officer, case_id = demo
    admin = login(ctx, "admin", DEMO_PASSWORD)
    with pytest.raises(DomainError, match="永久、30年、10年"):
        update_settings(ctx, admin, {"archive_retention": "长期"})
    update_settings(ctx, admin, {"archive_fonds_no": "J071", "archive_retention": "30年"})
    try:
        cover = "".join(_texts(build_case_file(ctx, officer, case_id, tmp_path / "案卷.pdf"))[0].split())
        assert "J071-XZCF-2026-D30-0025" in cover and "保管期限30年" in cover
    finally:
        update_settings(ctx, admin, {"archive_fonds_no": "", "archive_retention": "永久"})
