"""Standard documents rendered for a real case, read back from the PDF and DOCX files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.admin.auth import login
from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.case_file import build_case_file
from enforcement_desk.documents.service import (
    document_kinds,
    export_document,
    issue_document,
    list_documents,
)
from enforcement_desk.procedure.cases import find_case_id, get_case, update_case
from enforcement_desk.store.blobs import BlobStore

ARCHIVED_CASE = "2026-0025"  # the demo's water-supply case carried to the archive

# What each kind must show besides its title, the agency and the party.
REQUIRED = {
    "penalty_decision": ["{decision_no}", "沂水县人民政府", "沂水县人民法院", "六十日", "六个月",
                         "百分之三", "人民币叁佰元整", "《生活饮用水卫生监督管理办法》第二十五条"],
    "prior_notice": ["陈述和申辩", "3个工作日", "《生活饮用水卫生监督管理办法》第十一条"],
    "service_receipt": ["{decision_no}", "直接送达", "受送达人签收"],
    "filing_report": ["沂卫水立〔2026〕", "同意立案"],
    "legal_review_opinion": ["审核事项"],
    "case_file_index": ["序号", "题名", "责任者"],
    "crime_transfer": ["涉嫌犯罪", "移送"],
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    ctx = AppContext.open(f"sqlite:///{folder / 'demo.sqlite3'}", folder / "evidence")
    build_demo(ctx)
    officer = login(ctx, "wangqiang", DEMO_PASSWORD)
    yield ctx, officer, find_case_id(ctx, officer, ARCHIVED_CASE), folder
    ctx.close()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def embedded(path: Path) -> dict[str, bool]:
    fonts = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            fonts[font["/BaseFont"]] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return fonts


def _render_kind(ctx, officer, case_id: int, key: str, folder: Path) -> tuple[Path, Path]:
    """Every template rendered from the archived case's records as the issuing service renders them (the
    numbering and the step rules are tested elsewhere: here only the content and the fonts)."""
    from enforcement_desk.documents.case_data import case_fields
    from enforcement_desk.documents.content import render
    from enforcement_desk.documents.docx import render_docx
    from enforcement_desk.documents.pdf import render_pdf
    from enforcement_desk.documents.service import filing_order, templates
    from enforcement_desk.procedure.deadlines import agency_settings
    from enforcement_desk.store.models import Case

    all_templates = templates(ctx)
    template = all_templates[key]
    with ctx.db.read() as session:
        case = session.get(Case, case_id)
        agency, settings = agency_settings(session, case.agency_id)
        fields, lists = case_fields(session, case, agency, settings, ctx.today(), filing_order(all_templates))
        number = {"case_filing": case.filing_no, "case_decision": case.decision_no}.get(template.numbering, "")
    document = render(template, fields, lists, number or "")
    pdf, docx = folder / f"{key}.pdf", folder / f"{key}.docx"
    pdf.write_bytes(render_pdf(document))
    docx.write_bytes(render_docx(document))
    return pdf, docx


def test_every_kind_renders_to_pdf_and_docx_with_its_fields_and_embedded_fonts(demo, tmp_path):
    ctx, officer, case_id, _ = demo
    kinds = [k for k in document_kinds(ctx) if k.key != "onsite_decision"]
    decision_no = get_case(ctx, officer, case_id).decision_no
    assert decision_no and decision_no.startswith("沂卫水罚〔2026〕")
    assert len(kinds) >= 27
    for kind in kinds:
        pdf, docx = _render_kind(ctx, officer, case_id, kind.key, tmp_path)
        text = pdf_text(pdf).replace("\n", "")
        required = [n.format(decision_no=decision_no) for n in REQUIRED.get(kind.key, [])]
        for needle in [kind.title, "沂水县卫生健康综合监督执法局", "沂水县清泉供水有限公司", *required]:
            assert needle in text, f"{kind.title} 的 PDF 中没有“{needle}”"
        fonts = embedded(pdf)
        assert fonts and all(fonts.values()), f"{kind.title} 有未嵌入的字体：{fonts}"
        document = Document(str(docx))
        body = "\n".join(p.text for p in document.paragraphs) + "".join(
            c.text for t in document.tables for row in t.rows for c in row.cells
        )
        assert kind.title in body and "沂水县清泉供水有限公司" in body
        first_run = document.paragraphs[1].runs[0]._element
        assert first_run.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_the_archived_case_keeps_the_documents_the_demo_issued_at_each_step(demo, tmp_path):
    ctx, officer, case_id, _ = demo
    issued = {d.kind: d for d in list_documents(ctx, officer, case_id)}
    assert {"filing_report", "prior_notice", "penalty_decision", "service_receipt", "closing_report"} <= set(issued)
    decision = issued["penalty_decision"]
    pdf = export_document(ctx, officer, decision.id, tmp_path / "决定书.pdf")
    assert decision.pdf_pages == len(PdfReader(pdf).pages) and decision.number in pdf_text(pdf)


def test_the_onsite_decision_is_refused_for_an_ordinary_case_and_a_decision_needs_one(demo):
    ctx, officer, case_id, _ = demo
    with pytest.raises(DomainError, match="当场处罚"):
        issue_document(ctx, officer, case_id, "onsite_decision")
    accepted = find_case_id(ctx, officer, "2026-0001")
    with pytest.raises(DomainError, match="“决定”环节"):
        issue_document(ctx, officer, accepted, "penalty_decision")
    with pytest.raises(DomainError, match="没有“no_such_kind”这种文书"):
        issue_document(ctx, officer, case_id, "no_such_kind")


def test_printing_again_gives_the_same_file_and_a_correction_supersedes_under_the_same_number(demo):
    ctx, _, _, _ = demo
    officer = login(ctx, "zhaolei", DEMO_PASSWORD)  # a handler of the demo's cases at 事先告知
    case_id = find_case_id(ctx, officer, "2026-0009")
    first = issue_document(ctx, officer, case_id, "prior_notice")
    again = issue_document(ctx, officer, case_id, "prior_notice")
    assert (again.id, again.pdf_sha256) == (first.id, first.pdf_sha256)
    with pytest.raises(DomainError, match="更正理由"):
        issue_document(ctx, officer, case_id, "prior_notice", correction=" ")
    corrected = issue_document(ctx, officer, case_id, "prior_notice", correction="当事人名称有误")
    assert corrected.number == first.number and corrected.version == first.version + 1
    history = [d for d in list_documents(ctx, officer, case_id) if d.kind == "prior_notice"]
    assert [(d.version, d.superseded) for d in history][-2:] == [
        (first.version, True),
        (corrected.version, False),
    ]


def test_wenhao_of_one_kind_are_consecutive_across_cases(demo):
    ctx, _, _, _ = demo
    officer = login(ctx, "zhaolei", DEMO_PASSWORD)
    numbers = []
    for case_no in ("2026-0002", "2026-0003"):  # two 公共场所 cases under investigation
        case_id = find_case_id(ctx, officer, case_no)
        update_case(ctx, officer, case_id, get_case(ctx, officer, case_id).version,
                    facts="当事人未取得公共场所卫生许可证，于检查时正在营业。")  # fmt: skip
        numbers.append(
            issue_document(ctx, officer, find_case_id(ctx, officer, case_no), "supervision_opinion").number
        )
    sequence = [int(n.split("〕")[1].rstrip("号")) for n in numbers]
    assert sequence[1] == sequence[0] + 1 and all("卫公监" in n for n in numbers)


def test_the_case_file_holds_cover_index_and_every_document_and_the_store_verifies(demo, tmp_path):
    ctx, officer, case_id, _ = demo
    issue_document(ctx, officer, case_id, "penalty_decision")
    current = [d for d in list_documents(ctx, officer, case_id, include_superseded=False)
               if d.kind not in ("case_file_cover", "case_file_index")]  # fmt: skip
    path = build_case_file(ctx, officer, case_id, tmp_path / "案卷.pdf")
    reader = PdfReader(path)
    front = 2  # cover and a one-page index at most for this many documents
    assert len(reader.pages) >= front + sum(d.pdf_pages for d in current)
    assert "卷内目录" in reader.pages[1].extract_text()
    admin = login(ctx, "admin", DEMO_PASSWORD)
    assert verify_all(ctx, admin).ok


def test_a_changed_document_file_is_named_by_audit_verify(demo):
    ctx, officer, case_id, _ = demo
    decision = issue_document(ctx, officer, case_id, "penalty_decision")
    blob = BlobStore(ctx.evidence_dir).path_for(decision.pdf_sha256)
    original = blob.read_bytes()
    try:
        blob.write_bytes(original.replace(b"%%EOF", b"%%EOF\n% tampered"))
        problems = verify_all(ctx, login(ctx, "admin", DEMO_PASSWORD)).problems
        assert any("行政处罚决定书" in p and "不符" in p for p in problems)
    finally:
        blob.write_bytes(original)


def test_long_facts_flow_onto_further_pages(demo):
    from enforcement_desk.documents.content import RenderedDocument, RenderedTable
    from enforcement_desk.documents.pdf import render_pdf

    long_facts = "当事人在未取得许可的情况下开展经营活动，" * 300
    rows = tuple((str(i), f"物品{i}", "物证", "", "", "") for i in range(1, 121))
    document = RenderedDocument(
        "item_list", "物品清单", "沂水县卫生健康局", "编号：2026-001", ("经查：" + long_facts,),
        RenderedTable(("序号", "名称及描述", "证据种类", "原始文件", "收集人", "收集时间"), rows), (), ("（印章）",), False,
    )  # fmt: skip
    reader = PdfReader(io.BytesIO(render_pdf(document)))
    assert len(reader.pages) >= 5
    texts = [page.extract_text() for page in reader.pages]
    table_pages = [t for t in texts if "物品1" in t or "物品6" in t or "物品12" in t]
    assert all("序号" in t for t in table_pages[1:]), "表格跨页时每页都应重复表头"
    assert f"第 1 页 共 {len(reader.pages)} 页" in texts[0]
    assert "物品120" in "".join(texts)
