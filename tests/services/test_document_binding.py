"""Documents are issued only at their step, by the right person; a refusal takes no number; a draft is never
stored; a voided document keeps its number and shows as 作废."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, new_case
from pypdf import PdfReader
from sqlalchemy import func, select

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.procedure.document_rules import RULES
from enforcement_desk.core.stages import Outcome
from enforcement_desk.documents.service import (
    document_kinds_for_case,
    issue_document,
    list_documents,
    preview_document,
    templates,
    void_document,
)
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.models import DocumentRecord, DocumentSequence


def _investigation_closed(office):
    case = new_case(office)
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    update_case(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                facts="未取得医疗机构执业许可证开展诊疗活动", evidence_summary="现场笔录、询问笔录")  # fmt: skip
    # The 调查终结报告 states the handling proposed.
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("警告",), **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "close_investigation")
    return case


def _numbers_taken(office) -> tuple[int, int]:
    with office.ctx.db.read() as session:
        return (
            session.scalar(select(func.coalesce(func.sum(DocumentSequence.last_value), 0))),
            session.scalar(select(func.count()).select_from(DocumentRecord)),
        )


def test_every_bundled_kind_has_a_step_an_issuer_and_stages():
    kinds = set(templates(None))
    assert kinds == set(RULES), kinds ^ set(RULES)
    assert all(rule.step and rule.stages and rule.issuers for rule in RULES.values())


def test_at_investigation_closed_the_prior_notice_is_refused_and_no_number_is_taken(office):
    case = _investigation_closed(office)
    before = _numbers_taken(office)
    with pytest.raises(DomainError, match="“事先告知”环节.*“调查终结”阶段"):
        issue_document(office.ctx, office.officer, case.id, "prior_notice")
    with pytest.raises(DomainError, match="只能由法制审核人员出具"):
        issue_document(office.ctx, office.officer, case.id, "legal_review_opinion")
    assert _numbers_taken(office) == before
    issue_document(office.ctx, office.officer, case.id, "investigation_report")


def test_only_a_handler_issues_the_case_documents(office):
    case = _investigation_closed(office)
    with pytest.raises(DomainError, match="只能由本案承办人"):
        issue_document(office.ctx, office.officer3, case.id, "investigation_report")


def test_the_kinds_of_a_case_list_issuable_ones_first_with_reasons_for_the_rest(office):
    case = _investigation_closed(office)
    kinds = document_kinds_for_case(office.ctx, office.officer, case.id)
    issuable = [k.key for k in kinds if k.issuable]
    assert "investigation_report" in issuable and "prior_notice" not in issuable
    first_blocked = next(i for i, k in enumerate(kinds) if not k.issuable)
    assert all(k.issuable for k in kinds[:first_blocked]) and not any(k.issuable for k in kinds[first_blocked:])
    assert all(k.reason for k in kinds[first_blocked:])


def test_a_reminder_needs_money_owed_after_the_payment_deadline(office):
    case = _investigation_closed(office)
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("警告", "罚款"), Decimal("3000"), **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-03"})
    office.at(date(2026, 11, 10))
    advance(office.ctx, office.head, case.id, "decide")
    advance(office.ctx, office.officer, case.id, "serve", {"served_on": "2026-11-10", "method": "直接送达"})
    with pytest.raises(DomainError, match="缴款期限尚未届满"):
        issue_document(office.ctx, office.officer, case.id, "payment_reminder")
    office.at(date(2026, 11, 30))
    with pytest.raises(DomainError, match="须先催告"):
        issue_document(office.ctx, office.officer, case.id, "enforcement_application")
    reminder = issue_document(office.ctx, office.officer, case.id, "payment_reminder")
    assert reminder.number
    paid = advance(office.ctx, office.officer, case.id, "record_payment", {"amount": "3000", "paid_on": "2026-11-30"})
    assert paid.surcharge_due == Decimal("450.00")  # five days late: the surcharge is still owed
    advance(office.ctx, office.officer, case.id, "record_payment",
            {"amount": "450", "paid_on": "2026-11-30", "kind": "surcharge"})  # fmt: skip
    with pytest.raises(DomainError, match="没有尚未缴纳的罚款"):
        issue_document(office.ctx, office.officer, case.id, "enforcement_application")


def test_a_draft_is_watermarked_unnumbered_and_never_stored(office, tmp_path):
    case = _investigation_closed(office)
    before = _numbers_taken(office)
    pdf = preview_document(office.ctx, office.officer, case.id, "prior_notice")
    (tmp_path / "draft.pdf").write_bytes(pdf)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "draft.pdf").pages)
    assert "草稿" in text and "未编号" in text and "〔2026〕" not in text
    assert _numbers_taken(office) == before


def test_the_head_voids_a_document_which_keeps_its_number_and_can_be_issued_anew(office):
    case = _investigation_closed(office)
    first = issue_document(office.ctx, office.officer, case.id, "filing_report")
    report = issue_document(office.ctx, office.officer, case.id, "investigation_report")
    with pytest.raises(PermissionDenied):
        void_document(office.ctx, office.officer, report.id, "写错")
    with pytest.raises(DomainError, match="作废理由"):
        void_document(office.ctx, office.head, report.id, " ")
    voided = void_document(office.ctx, office.head, first.id, "案由写错")
    assert voided.voided and voided.number == first.number
    with pytest.raises(DomainError, match="已经作废"):
        void_document(office.ctx, office.head, first.id, "再次")
    again = issue_document(office.ctx, office.officer, case.id, "filing_report")
    assert again.id != first.id and again.number == first.number and again.version == 2  # the case's own 立案文号
    register = {d.id: d for d in list_documents(office.ctx, office.officer, case.id)}
    assert register[first.id].void_reason == "案由写错" and not register[again.id].voided


def test_a_failure_after_numbering_leaves_no_gap(office, monkeypatch):
    case = _investigation_closed(office)
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("警告",), **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    before = _numbers_taken(office)

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr("enforcement_desk.documents.pdf.render_pdf_counted", broken)
    with pytest.raises(OSError):
        issue_document(office.ctx, office.officer, case.id, "prior_notice")
    assert _numbers_taken(office) == before
    monkeypatch.undo()
    notice = issue_document(office.ctx, office.officer, case.id, "prior_notice")
    assert re.search(r"〔2026〕0*1号$", notice.number), notice.number  # the number the failed attempt did not keep


def test_the_documents_guide_lists_every_kind_with_its_step():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "documents.md").read_text(encoding="utf-8")
    rows = {line.split("|")[2].strip(" `"): line.split("|")[3].strip() for line in guide.splitlines()
            if line.startswith("| ") and "`" in line}  # fmt: skip
    assert rows == {key: rule.step for key, rule in RULES.items()}


def test_no_document_and_no_case_field_takes_a_reporters_identity(sqlite_office, tmp_path):
    """A complainant's phone typed into the facts is refused at saving; one already in the facts (an old
    database, a direct edit) stops the document and its draft, naming the field, before any number."""
    from sqlalchemy import text

    from enforcement_desk.supervision.complaints import ComplaintDraft, add_complaint, convert_to_case

    office = sqlite_office
    phone = "138 1234 5678"
    complaint = add_complaint(office.ctx, office.officer2, ComplaintDraft(
        "电话", "沂水县悦来宾馆有限公司", f"举报人刘某某（电话{phone}）反映客房用品未消毒", office.officer.user_id,
        date(2026, 11, 2), reporter_name="刘某某", reporter_phone=phone))  # fmt: skip
    case_id = convert_to_case(office.ctx, office.officer, complaint.id, party_id=office.org_party_id,
                              cause="公共场所未按规定对顾客用品用具进行清洗消毒",
                              handler_ids=(office.officer.user_id, office.officer2.user_id))  # fmt: skip
    PHONE = phone.replace(" ", "")  # written without spaces, still the reporter's number
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case_id, "file")
    version = get_case(office.ctx, office.officer, case_id).version
    with pytest.raises(DomainError, match="违法事实"):
        update_case(office.ctx, office.officer, case_id, version, facts=f"经举报人（{PHONE}）反映，当事人未消毒")
    with office.ctx.db.write() as session:
        session.execute(text("UPDATE cases SET facts = :f WHERE id = :id"), {"f": f"电话{PHONE}反映", "id": case_id})
    before = _numbers_taken(office)
    with pytest.raises(DomainError, match="违法事实.*不能用于文书"):
        issue_document(office.ctx, office.officer, case_id, "supervision_opinion")
    with pytest.raises(DomainError, match="违法事实"):
        preview_document(office.ctx, office.officer, case_id, "supervision_opinion")
    assert _numbers_taken(office) == before
