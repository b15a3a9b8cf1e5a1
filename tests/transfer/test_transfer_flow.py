"""The transfer flow of 国务院令第310号 art. 5: a report by two or more officers, the head's 3 days to
decide, a refusal recorded with its reasons, the 24-hour transfer closed by the police's receipt."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from case_builders import new_case
from sqlalchemy import select
from transfer_cases import POLICE_UNIT, PROCURATORATE, TRANSFER_REASON, investigating_case, transferred_case

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.deadlines import due_deadlines
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import AuditEvent, Deadline
from enforcement_desk.transfer.service import (
    record_transfer_receipt,
    submit_transfer_report,
    transfer_status,
)

pytestmark = pytest.mark.usefixtures("file_keyring")
FINDINGS = "就诊人重度损害，涉嫌非法行医罪。"


def _deadline(office, case_id: int, key: str):
    return [d for d in get_case(office.ctx, office.officer, case_id).deadlines if d.key == key]


def _events(office, action: str) -> list[int | None]:
    """The case of each audit event of this kind."""
    with office.ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent.case_id).where(AuditEvent.action == action)))


def test_a_report_needs_two_officers_with_valid_certificates_including_the_reporter(office):
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    with pytest.raises(DomainError, match="2 名以上"):
        submit_transfer_report(office.ctx, office.officer, case_id, (office.officer.user_id,), FINDINGS)
    with pytest.raises(DomainError, match="本人"):
        submit_transfer_report(office.ctx, office.officer, case_id,
                               (office.officer2.user_id, office.officer3.user_id), FINDINGS)  # fmt: skip
    with pytest.raises(DomainError) as refused:
        submit_transfer_report(office.ctx, office.officer, case_id,
                               (office.officer.user_id, office.reviewer.user_id), FINDINGS)  # fmt: skip
    assert "周敏不是持有效执法证件的执法人员" in refused.value.details
    with pytest.raises(DomainError, match="不存在或不属于本机关"):
        submit_transfer_report(
            office.ctx, office.officer, case_id, (office.officer.user_id, 99_999), FINDINGS
        )
    with pytest.raises(DomainError, match="本案承办人或负责人"):
        submit_transfer_report(office.ctx, office.officer3, case_id,
                               (office.officer3.user_id, office.officer.user_id), FINDINGS)  # fmt: skip
    with pytest.raises(PermissionDenied):
        submit_transfer_report(office.ctx, office.head, case_id,
                               (office.officer.user_id, office.officer2.user_id), FINDINGS)  # fmt: skip
    office.at(date(2027, 1, 5))  # 赵磊's certificate ran out on 2026-12-31
    with pytest.raises(DomainError) as expired:
        submit_transfer_report(office.ctx, office.officer, case_id,
                               (office.officer.user_id, office.officer3.user_id), FINDINGS)  # fmt: skip
    assert "赵磊不是持有效执法证件的执法人员" in expired.value.details
    assert _events(office, "transfer_report_submitted") == []


def test_a_report_starts_the_heads_three_days_and_waits_for_a_decision(office, tmp_path):
    case_id = investigating_case(office, tmp_path)
    status = submit_transfer_report(office.ctx, office.officer, case_id,
                                    (office.officer.user_id, office.officer2.user_id), FINDINGS)  # fmt: skip
    assert status.decision == "待审批" and status.report.officers == ("王强", "李娜")
    (period,) = _deadline(office, case_id, "transfer_approval")
    assert period.status == "open" and period.due_on == date(2026, 11, 5)  # 3 days from 11-02
    with pytest.raises(DomainError, match="待负责人审批"):
        submit_transfer_report(office.ctx, office.officer2, case_id,
                               (office.officer.user_id, office.officer2.user_id), FINDINGS)  # fmt: skip
    assert _events(office, "transfer_report_submitted") == [case_id]


def test_a_refusal_answers_the_report_and_a_new_report_may_follow(office, tmp_path):
    case_id = investigating_case(office, tmp_path)
    officers = (office.officer.user_id, office.officer2.user_id)
    submit_transfer_report(office.ctx, office.officer, case_id, officers, FINDINGS)
    with pytest.raises(DomainError, match="理由"):
        advance(office.ctx, office.head2, case_id, "refuse_transfer")
    with pytest.raises(DomainError, match="负责人"):
        advance(office.ctx, office.officer3, case_id, "refuse_transfer", {"reason": "x"})
    advance(office.ctx, office.head2, case_id, "refuse_transfer", {"reason": "现有证据不足以证明涉嫌犯罪"})
    status = transfer_status(office.ctx, office.officer, case_id)
    assert status.decision == "不批准移送" and status.reason == "现有证据不足以证明涉嫌犯罪"
    assert status.decided_by == office.head2.name
    assert get_case(office.ctx, office.officer, case_id).stage.value == "investigating"
    office.at(date(2026, 11, 20))
    status = submit_transfer_report(
        office.ctx, office.officer, case_id, officers, FINDINGS + "补充鉴定意见。"
    )
    assert status.decision == "待审批"
    periods = _deadline(office, case_id, "transfer_approval")
    assert [p.status for p in periods] == ["met", "open"] and periods[-1].due_on == date(2026, 11, 23)


def _approval_periods(office, case_id: int) -> list[tuple[str, date | None]]:
    with office.ctx.db.read() as session:
        rows = session.execute(
            select(Deadline.status, Deadline.closed_on)
            .where(Deadline.case_id == case_id, Deadline.key == "transfer_approval")
            .order_by(Deadline.id)
        )
        return [tuple(row) for row in rows]


def _listed(office, actor, case_id: int) -> set[str]:
    """The keys of the case's deadlines on the due list (overdue or due within a month)."""
    return {d.key for d in due_deadlines(office.ctx, actor, within_days=30) if d.case_id == case_id}


@pytest.mark.parametrize("decision", ["transfer_police", "refuse_transfer"])
def test_the_heads_decision_closes_the_three_day_approval_period(office, tmp_path, decision):
    case_id = investigating_case(office, tmp_path)
    submit_transfer_report(office.ctx, office.officer, case_id,
                           (office.officer.user_id, office.officer2.user_id), FINDINGS)  # fmt: skip
    assert "transfer_approval" in _listed(office, office.head2, case_id)
    assert "transfer_approval" in _listed(office, office.officer, case_id)
    office.at(date(2026, 11, 4))  # decided on the third day
    params = {"reason": TRANSFER_REASON, "police_unit": POLICE_UNIT, "procuratorate": PROCURATORATE}
    if decision == "refuse_transfer":
        params = {"reason": "现有证据不足以证明涉嫌犯罪"}
    advance(office.ctx, office.head2, case_id, decision, params)
    assert _approval_periods(office, case_id) == [("met", date(2026, 11, 4))]
    (period,) = _deadline(office, case_id, "transfer_approval")
    assert period.status == "met" and period.urgency == "met"
    for actor in (office.head2, office.officer):
        listed = _listed(office, actor, case_id)
        assert "transfer_approval" not in listed
        assert ("crime_transfer" in listed) == (decision == "transfer_police")
    office.at(date(2026, 11, 9))  # past the 3 days: a decided report is not overdue
    assert "transfer_approval" not in _listed(office, office.head2, case_id)
    assert transfer_status(office.ctx, office.officer, case_id).decision != "待审批"
    verification = verify_all(office.ctx, office.admin)
    assert verification.ok, verification.problems


def test_a_decision_without_an_open_report_period_closes_nothing(office, tmp_path):
    """The head may approve a transfer without an earlier written report on record (the demo does):
    no period is open and none is invented."""
    case_id = investigating_case(office, tmp_path)
    advance(office.ctx, office.head2, case_id, "transfer_police", {"reason": TRANSFER_REASON})
    assert _approval_periods(office, case_id) == []
    assert verify_all(office.ctx, office.admin).ok


def test_the_receipt_closes_the_24_hour_transfer_and_keeps_the_scan(office, tmp_path):
    case_id = transferred_case(office, tmp_path)
    status = transfer_status(office.ctx, office.officer, case_id)
    assert status.decision == "已批准移送" and status.police_unit == POLICE_UNIT
    (period,) = _deadline(office, case_id, "crime_transfer")
    assert period.status == "open" and period.due_at == status.decided_at + timedelta(hours=24)
    scan = tmp_path / "回执 扫描.pdf"
    scan.write_bytes(b"%PDF-1.4 receipt scan")
    received_at = status.decided_at.replace(second=0, microsecond=0)  # handed over in the minute of approval
    with pytest.raises(DomainError, match="晚于现在"):
        record_transfer_receipt(office.ctx, office.officer, case_id, scan, received_at=received_at + timedelta(days=1),
                                receiver="孙警官")  # fmt: skip
    with pytest.raises(DomainError, match="本案承办人或负责人"):
        record_transfer_receipt(office.ctx, office.officer3, case_id, scan, received_at=received_at,
                                receiver="孙警官")  # fmt: skip
    status = record_transfer_receipt(office.ctx, office.officer, case_id, scan, received_at=received_at,
                                     receiver="孙警官")  # fmt: skip
    receipt = status.receipt
    assert receipt.receiving_unit == POLICE_UNIT and receipt.on_time and receipt.scan_name == "回执 扫描.pdf"
    assert receipt.received_at == received_at and receipt.received_on == received_at.date()
    assert BlobStore(office.ctx.evidence_dir).path_for(receipt.scan_sha256).read_bytes() == scan.read_bytes()
    (period,) = _deadline(office, case_id, "crime_transfer")
    assert period.status == "met"
    with pytest.raises(DomainError, match="已经登记"):
        record_transfer_receipt(office.ctx, office.officer, case_id, scan, received_at=received_at,
                                receiver="孙警官")  # fmt: skip
    assert _events(office, "transfer_receipt_recorded") == [case_id]


def test_a_receipt_needs_an_approved_transfer(office, tmp_path):
    case_id = investigating_case(office, tmp_path)
    scan = tmp_path / "回执.jpg"
    scan.write_bytes(b"scan")
    with pytest.raises(DomainError, match="未经负责人批准移送"):
        record_transfer_receipt(office.ctx, office.officer, case_id, scan, received_at=datetime(2026, 11, 2, 9, 0),
                                receiver="孙警官")  # fmt: skip
