"""What an issued document says, read as a legal reviewer reads it: every field from the case's records
(or the document is refused before a number is taken), the party addressed by type, the decision's
content under 行政处罚法 art. 59, 文号 without 虚位 and 编号 tied to the case."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.numbering import format_wenhao, parse_wenhao
from enforcement_desk.core.stages import CaseSource
from enforcement_desk.documents.case_data import citation, discretion_sentences
from enforcement_desk.documents.service import issue_document, list_documents
from enforcement_desk.procedure.cases import CaseDraft, create_case, find_case_id, update_case
from enforcement_desk.procedure.parties import PartyDraft, add_party
from enforcement_desk.store.models import Case, DocumentRecord


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("content")
    ctx = AppContext.open(f"sqlite:///{folder / 'demo.sqlite3'}", folder / "evidence")
    build_demo(ctx)
    yield ctx
    ctx.close()


def _text(ctx, record_id: int) -> str:
    with ctx.db.read() as session:
        content = session.get(DocumentRecord, record_id).content
    return "\n".join([content["number"], *content["paragraphs"], *content["closing"], *content["signature"]])


def _issued(ctx, actor, case_no: str, kind: str) -> str:
    case_id = find_case_id(ctx, actor, case_no)
    document = next(d for d in list_documents(ctx, actor, case_id) if d.kind == kind and not d.superseded)
    return _text(ctx, document.id)


@given(st.integers(min_value=1, max_value=99999))
def test_a_wenhao_has_no_leading_zeros_and_reads_back(sequence):
    number = format_wenhao("沂", "医", "罚告", 2026, sequence)
    assert not re.search(r"〕0", number) and number.endswith(f"〕{sequence}号")
    assert parse_wenhao(number)["seq"] == sequence and parse_wenhao(number)["nature"] == "罚告"


def test_a_provision_recorded_with_its_text_is_cited_by_number_only():
    recorded = "《生活饮用水卫生监督管理办法》第二十五条：集中式供水单位安排未取得体检合格证的人员……罚款。"
    assert citation(recorded) == "《生活饮用水卫生监督管理办法》第二十五条"
    assert citation("《医疗机构管理条例》第二十七条") == "《医疗机构管理条例》第二十七条"


def test_discretion_reasons_are_sentences_from_the_recorded_circumstances():
    computation = {"library": "卫生健康行政处罚裁量权基准（通用版）", "explanation": [
        {"article": "裁量基准", "text": "具有从轻情形：涉及人数不超过1、及时改正"},
        {"article": "裁量基准", "text": "从轻裁量幅度 20–314 元（从轻：法定幅度的 0%–30%），建议取中间值 167 元"},
    ]}  # fmt: skip
    sentence = discretion_sentences(computation, "从轻", "当事人已辞退该人员", "你单位")
    assert "你单位存在涉及人数不超过1、及时改正的情形，属于裁量基准规定的从轻情形" in sentence
    assert "从轻裁量幅度 20–314 元" in sentence and sentence.endswith("此外，当事人已辞退该人员。")
    assert discretion_sentences({}, "", "", "你") == ""


def test_the_issued_decision_is_complete_and_addresses_the_party_by_type(demo):
    officer = login(demo, "wangqiang", DEMO_PASSWORD)
    text = _issued(demo, officer, "2026-0025", "penalty_decision")  # a water company
    assert "__" not in text and "你（单位）" not in text and "你单位" in text
    assert "。的规定" not in text and "违反了《生活饮用水卫生监督管理办法》第十一条第一款的规定" in text
    assert "责令你单位" in text  # 行政处罚法 art. 28: every decision orders the correction
    assert re.search(r"送达了《行政处罚事先告知书》（沂卫水罚告〔2026〕[1-9]\d*号）", text)
    assert "以上事实有下列证据为证：" in text and "等证据为证" not in text
    assert not re.search(r"〔\d{4}〕0", text)
    with demo.db.read() as session:
        numbers = [n for (n,) in session.query(DocumentRecord.number).filter(DocumentRecord.number.is_not(None))]
    assert numbers and not [n for n in numbers if re.search(r"〔\d{4}〕0", n)]


def test_a_document_missing_a_record_is_refused_before_a_number_is_taken(demo):
    officer = login(demo, "wangqiang", DEMO_PASSWORD)
    head = login(demo, "chenjun", DEMO_PASSWORD)
    party = add_party(demo, officer, PartyDraft(kind="person", name="王某某", id_number="", address="沂水县某村"))
    case = create_case(demo, officer, CaseDraft(
        source=CaseSource.INSPECTION,
        party_id=party.id, cause="未取得医疗机构执业许可证擅自执业",
        handler_ids=(officer.user_id, login(demo, "lina", DEMO_PASSWORD).user_id),
        discovered_on=demo.today(), category="医", source_detail="日常监督检查中发现"))  # fmt: skip
    from enforcement_desk.procedure import steps

    steps.advance(demo, head, case.id, "file", {"opinion": "同意立案"})
    with pytest.raises(DomainError, match="当事人证件号码"):
        issue_document(demo, officer, case.id, "filing_report")
    with demo.db.read() as session:
        assert session.get(Case, case.id).filing_no  # filed; only the document was refused
    before = len(list_documents(demo, officer, case.id))
    update_case(demo, officer, case.id, _version(demo, case.id), facts="当事人在其住所内为他人诊疗。")
    with demo.db.write() as session:
        session.get(Case, case.id).party.id_number = "371323198001011234"
    issued = issue_document(demo, officer, case.id, "inquiry_record")
    assert re.fullmatch(r"2026-\d{4}-询1", issued.number), issued.number  # 编号 names the case
    assert len(list_documents(demo, officer, case.id)) == before + 1
    second = issue_document(demo, officer, case.id, "inquiry_record", another=True)
    assert second.number.endswith("-询2") and second.number.startswith(issued.number[:-1])
    text = _text(demo, issued.id)
    assert "答：不申请" not in text and "被询问人：王某某" not in text


def _version(ctx, case_id: int) -> int:
    with ctx.db.read() as session:
        return session.get(Case, case_id).version


def test_a_corrected_notice_keeps_the_date_of_its_event_not_of_printing(demo):
    with demo.db.read() as session:
        case = session.query(Case).filter(Case.stage == "prior_notice").order_by(Case.id).first()
        case_id, handler = case.id, case.handlers[0].user.login
    officer = login(demo, handler, DEMO_PASSWORD)
    first = next(d for d in list_documents(demo, officer, case_id) if d.kind == "prior_notice" and not d.superseded)
    corrected = issue_document(demo, officer, case_id, "prior_notice", correction="更正联系电话")
    assert corrected.number == first.number and corrected.version == first.version + 1
    dated = [_text(demo, d).splitlines()[-1] for d in (first.id, corrected.id)]
    today = demo.today()
    assert dated[0] == dated[1] != f"{today.year}年{today.month}月{today.day}日"


def test_an_on_the_spot_fine_below_the_articles_floor_or_over_the_limit_is_refused(demo):
    from enforcement_desk.procedure.cases import create_onsite_case

    officer, other = login(demo, "zhaolei", DEMO_PASSWORD), login(demo, "sunli", DEMO_PASSWORD)
    person = add_party(demo, officer, PartyDraft(kind="person", name="赵某", id_number="371323199001011235",
                                                 address="沂水县某街"))  # fmt: skip

    def onsite(code: str, fine: str, basis: str):
        draft = CaseDraft(CaseSource.INSPECTION, person.id, "公共场所从业人员未取得健康合格证明",
                          (officer.user_id, other.user_id), demo.today(), category="公",
                          facts="从业人员 1 名无健康合格证明上岗", violation_code=code)  # fmt: skip
        return create_onsite_case(demo, officer, draft, penalty_kinds=("警告", "罚款"), fine=Decimal(fine),
                                  violated_provision="《公共场所卫生管理条例实施细则》第十条第一款",
                                  legal_basis=basis)  # fmt: skip

    # 500–5000 元 (实施细则 art. 38): no on-the-spot fine a citizen may be given (art. 51: 200 元) is lawful.
    with pytest.raises(DomainError, match="最低为 500 元，超过简易程序对公民罚款 200"):
        onsite("GG-004", "200", "《公共场所卫生管理条例实施细则》第三十八条")
    decided = onsite("GG-003", "200", "《公共场所卫生管理条例实施细则》第三十六条第（二）项")  # 0–2000 元
    issued = issue_document(demo, officer, decided.id, "onsite_decision")
    text = _text(demo, issued.id)
    assert "违反了《公共场所卫生管理条例实施细则》第十条第一款" in text and "责令你" in text and "__" not in text
