"""国务院令第310号 art. 5: an approved case goes to the police within 24 hours, counted by the hour from
the approval's moment; the receipt (回执) records the date and time the police received it. Receipts
recorded before 0015 have a date only: they count as received at the end of that day, so a late
hand-over is never hidden."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from transfer_cases import POLICE_UNIT, transferred_case

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.cli import main as cli
from enforcement_desk.core.errors import DomainError
from enforcement_desk.procedure.cases import get_case, load_case
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import Deadline
from enforcement_desk.store.models_steps import TransferReceipt
from enforcement_desk.transfer.service import record_transfer_receipt, transfer_status

pytestmark = pytest.mark.usefixtures("file_keyring")


def _scan(tmp_path):
    scan = tmp_path / "回执.pdf"
    scan.write_bytes(b"%PDF-1.4 receipt")
    return scan


@pytest.mark.parametrize(("after", "on_time"), [(timedelta(hours=23, minutes=59), True),
                                                (timedelta(hours=24, minutes=1), False)])  # fmt: skip
def test_the_receipt_is_compared_with_the_approval_by_the_hour(office, tmp_path, after, on_time):
    case_id = transferred_case(office, tmp_path)
    approved_at = transfer_status(office.ctx, office.officer, case_id).decided_at.replace(
        second=0, microsecond=0
    )
    received_at = approved_at + after
    office.at(approved_at.date() + timedelta(days=2))  # recorded two days later, from the scanned 回执
    status = record_transfer_receipt(office.ctx, office.officer, case_id, _scan(tmp_path), received_at=received_at,
                                     receiver="孙警官")  # fmt: skip
    assert status.receipt.received_at == received_at and status.receipt.on_time is on_time
    # the same calendar day either way: only the hour tells a late hand-over from one in time
    assert status.receipt.received_on == approved_at.date() + timedelta(days=1)
    with office.ctx.db.read() as session:
        stored = session.scalars(select(TransferReceipt).where(TransferReceipt.case_id == case_id)).one()
        assert (stored.received_at, stored.on_time) == (received_at, on_time)
    (period,) = [
        d for d in get_case(office.ctx, office.officer, case_id).deadlines if d.key == "crime_transfer"
    ]
    assert period.status == "met" and period.due_at is not None
    assert verify_all(office.ctx, office.admin).ok


def test_a_receipt_before_the_approval_or_without_a_time_is_refused(office, tmp_path):
    case_id = transferred_case(office, tmp_path)
    approved_at = transfer_status(office.ctx, office.officer, case_id).decided_at
    with pytest.raises(DomainError, match="早于负责人批准移送的时间"):
        record_transfer_receipt(office.ctx, office.officer, case_id, _scan(tmp_path),
                                received_at=approved_at - timedelta(hours=1), receiver="孙警官")  # fmt: skip
    with pytest.raises(DomainError, match="日期和时间"):
        record_transfer_receipt(office.ctx, office.officer, case_id, _scan(tmp_path),
                                received_at=approved_at.date(), receiver="孙警官")  # fmt: skip
    assert transfer_status(office.ctx, office.officer, case_id).receipt is None


def _legacy_receipt(office, case_id: int, received_on: date, on_time: bool) -> None:
    """A receipt as the program recorded it before 0015: the date only, on time by the date."""
    scan = BlobStore(office.ctx.evidence_dir).put_bytes(b"%PDF-1.4 receipt scan of an older version")
    with office.ctx.db.write() as session:
        case = load_case(session, office.officer, case_id, lock=True)
        row = TransferReceipt(
            case_id=case_id, receiving_unit=POLICE_UNIT, receiver="孙警官", received_on=received_on,
            scan_name="回执.pdf", scan_sha256=scan.sha256, scan_size=scan.size, on_time=on_time, recorded_by_name="王强",
            recorded_at=datetime.combine(received_on, time(18)),
        )  # fmt: skip
        record_step(session, office.officer, case, "transfer_receipt_recorded", row)


@pytest.mark.parametrize(("days_after", "on_time"), [(0, True), (1, False)])
def test_an_old_receipt_with_a_date_only_counts_as_received_at_the_end_of_that_day(
    office, tmp_path, days_after, on_time
):
    case_id = transferred_case(office, tmp_path)
    approved_at = transfer_status(office.ctx, office.officer, case_id).decided_at
    received_on = approved_at.date() + timedelta(days=days_after)
    _legacy_receipt(office, case_id, received_on, on_time=True)  # the old code compared dates only
    receipt = transfer_status(office.ctx, office.officer, case_id).receipt
    assert receipt.received_at is None and receipt.counted_at == datetime.combine(received_on, time.max)
    assert (
        receipt.on_time is on_time
    )  # received "the next day": possibly after the 24 hours, so shown as late
    assert "只登记了日期" in receipt.when
    assert verify_all(office.ctx, office.admin).ok  # the row without the new column still matches its event


def test_case_deadlines_and_the_due_list_show_the_hour_of_the_24_hours(sqlite_office, sqlite_url, tmp_path, capsys,
                                                                       monkeypatch):  # fmt: skip
    office = sqlite_office
    case_id = transferred_case(office, tmp_path)
    with office.ctx.db.read() as session:
        due_at = session.scalar(select(Deadline.due_at).where(Deadline.key == "crime_transfer"))
    assert due_at == transfer_status(office.ctx, office.officer, case_id).decided_at + timedelta(hours=24)
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", "test-pass-123")
    monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", office.ctx.today().isoformat())
    common = ["--db", sqlite_url, "--evidence-dir", str(office.ctx.evidence_dir), "--user", "wang"]
    assert cli.main([*common, "case", "deadlines", f"#{case_id}"]) == 0
    out = capsys.readouterr().out
    assert f"{due_at:%Y-%m-%d %H:%M}" in out and "涉嫌犯罪案件移送期限" in out
    assert cli.main([*common, "case", "show", f"#{case_id}"]) == 0
    assert f"涉嫌犯罪案件移送期限 至 {due_at:%Y-%m-%d %H:%M}" in capsys.readouterr().out
    assert cli.main([*common, "--json", "transfer", "status", f"#{case_id}"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["handover_due_at"].startswith(f"{due_at:%Y-%m-%dT%H:%M}")
    with pytest.raises(SystemExit) as refused:  # a date alone is not read as midnight
        cli.main([*common, "transfer", "receipt", f"#{case_id}", "--scan", str(_scan(tmp_path)),
                  "--receiver", "孙警官", "--received-at", due_at.date().isoformat()])  # fmt: skip
    assert refused.value.code == 2 and "请写明时间" in capsys.readouterr().err
    assert transfer_status(office.ctx, office.officer, case_id).receipt is None
