"""After the hand-over (国务院令第310号): the police review within 3 days and answer in writing (art. 8); on
不予立案 the agency may ask them to reconsider within 3 days of the notice (art. 9); on 立案 it hands over
the items within 3 days (art. 12). 310号 has no working-day clause: calendar days, a last day on a rest
day moving to the next working day as every calendar-day period of the project does."""

from __future__ import annotations

import json
from datetime import date

import pytest
from case_builders import db_snapshot
from transfer_cases import transferred_case

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.cli import main as cli
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.deadlines import due_deadlines
from enforcement_desk.procedure.steps import advance
from enforcement_desk.transfer.follow_up import record_item_handover, request_reconsideration
from enforcement_desk.transfer.service import record_transfer_receipt, transfer_status

pytestmark = pytest.mark.usefixtures("file_keyring")


def _periods(office, case_id: int, key: str) -> list[tuple[date, str]]:
    return [
        (d.due_on, d.status) for d in get_case(office.ctx, office.officer, case_id).deadlines if d.key == key
    ]


def _handed_over(office, tmp_path) -> int:
    """Approved on Monday 2026-11-02 and received by the police in the same minute."""
    case_id = transferred_case(office, tmp_path)
    approved_at = transfer_status(office.ctx, office.officer, case_id).decided_at.replace(
        second=0, microsecond=0
    )
    scan = tmp_path / "回执.pdf"
    scan.write_bytes(b"%PDF-1.4")
    record_transfer_receipt(
        office.ctx, office.officer, case_id, scan, received_at=approved_at, receiver="孙警官"
    )
    return case_id


def test_the_hand_over_opens_the_polices_three_days_and_their_answer_closes_them(office, tmp_path):
    case_id = _handed_over(office, tmp_path)
    assert _periods(office, case_id, "police_review") == [(date(2026, 11, 5), "open")]  # 11-02 + 3 days
    office.at(date(2026, 11, 6))  # the police are late: the officers see it to follow up
    listed = {d.key: d.urgency for d in due_deadlines(office.ctx, office.officer) if d.case_id == case_id}
    assert listed["police_review"] == "overdue"
    with pytest.raises(DomainError, match="早于批准移送的日期"):
        advance(office.ctx, office.officer, case_id, "police_declined", {"reason": "情节显著轻微",
                                                                          "answered_on": "2026-11-01"})  # fmt: skip
    advance(office.ctx, office.officer, case_id, "police_declined",
            {"reason": "犯罪事实显著轻微", "answered_on": "2026-11-06"})  # fmt: skip
    assert _periods(office, case_id, "police_review") == [(date(2026, 11, 5), "met")]
    # 11-06 + 3 = Monday 11-09; the agency's option to ask for reconsideration
    assert _periods(office, case_id, "transfer_reconsideration") == [(date(2026, 11, 9), "open")]
    answer = transfer_status(office.ctx, office.officer, case_id).police_answer
    assert (answer.accepted, answer.answered_on, answer.reason) == (
        False,
        date(2026, 11, 6),
        "犯罪事实显著轻微",
    )


def test_no_answer_of_the_police_is_recorded_before_their_receipt_of_the_transfer(office, tmp_path):
    # The answer would otherwise leave the 24 hours of art. 5 open with nothing to close them.
    case_id = transferred_case(office, tmp_path)
    before = db_snapshot(office, case_id)
    with pytest.raises(DomainError, match="尚未登记公安机关签收的移送回执") as refused:
        advance(office.ctx, office.officer, case_id, "police_accepted", {"answered_on": "2026-11-02"})
    assert "第七条" in refused.value.rule and db_snapshot(office, case_id) == before


def test_a_reconsideration_is_asked_within_three_days_of_the_notice_and_once(office, tmp_path):
    case_id = _handed_over(office, tmp_path)
    office.at(date(2026, 11, 4))
    with pytest.raises(DomainError, match="没有公安机关不予立案的书面通知"):
        request_reconsideration(
            office.ctx, office.officer, case_id, requested_on=date(2026, 11, 4), reason="x"
        )
    advance(office.ctx, office.officer, case_id, "police_declined", {"reason": "犯罪事实显著轻微",
                                                                      "answered_on": "2026-11-04"})  # fmt: skip
    assert _periods(office, case_id, "transfer_reconsideration") == [
        (date(2026, 11, 9), "open")
    ]  # Sat 11-07 → Mon
    office.at(date(2026, 11, 10))
    with pytest.raises(DomainError, match="已于 2026-11-09 届满") as late:
        request_reconsideration(office.ctx, office.officer, case_id, requested_on=date(2026, 11, 10),
                                reason="就诊人损害经鉴定为重度")  # fmt: skip
    assert late.value.rule == "《行政执法机关移送涉嫌犯罪案件的规定》第九条第一款"
    with pytest.raises(DomainError, match="理由"):
        request_reconsideration(
            office.ctx, office.officer, case_id, requested_on=date(2026, 11, 9), reason=" "
        )
    with pytest.raises(DomainError, match="晚于今天"):
        request_reconsideration(
            office.ctx, office.officer, case_id, requested_on=date(2026, 11, 11), reason="x"
        )
    with pytest.raises(DomainError, match="本案承办人或负责人"):
        request_reconsideration(
            office.ctx, office.officer3, case_id, requested_on=date(2026, 11, 9), reason="x"
        )
    with pytest.raises(PermissionDenied):
        request_reconsideration(
            office.ctx, office.reviewer, case_id, requested_on=date(2026, 11, 9), reason="x"
        )
    status = request_reconsideration(office.ctx, office.officer, case_id, requested_on=date(2026, 11, 9),
                                     reason="就诊人损害经鉴定为重度，已达情节严重")  # fmt: skip
    (asked,) = status.follow_ups
    assert (asked.kind, asked.on, asked.on_time) == ("reconsideration", date(2026, 11, 9), True)
    assert _periods(office, case_id, "transfer_reconsideration") == [(date(2026, 11, 9), "met")]
    with pytest.raises(DomainError, match="不能重复登记"):
        request_reconsideration(
            office.ctx, office.head2, case_id, requested_on=date(2026, 11, 9), reason="再次"
        )
    assert verify_all(office.ctx, office.admin).ok


def test_an_unused_reconsideration_period_runs_out_without_being_overdue(office, tmp_path):
    case_id = _handed_over(office, tmp_path)
    advance(office.ctx, office.officer, case_id, "police_declined", {"reason": "不构成犯罪"})
    office.at(date(2026, 11, 20))
    assert "transfer_reconsideration" not in {d.key for d in due_deadlines(office.ctx, office.officer)}


def test_after_the_polices_case_opens_the_items_are_handed_over_within_three_days(office, tmp_path):
    case_id = _handed_over(office, tmp_path)
    office.at(date(2026, 11, 4))
    with pytest.raises(DomainError, match="尚未书面通知决定立案"):
        record_item_handover(office.ctx, office.officer, case_id, handed_on=date(2026, 11, 4), items="药品",
                             receiver="孙警官")  # fmt: skip
    closed = advance(office.ctx, office.officer, case_id, "police_accepted", {"answered_on": "2026-11-04"})
    assert closed.stage.value == "closed"
    assert _periods(office, case_id, "transfer_items") == [(date(2026, 11, 9), "open")]
    office.at(date(2026, 11, 10))
    assert "transfer_items" in {
        d.key for d in due_deadlines(office.ctx, office.officer) if d.case_id == case_id
    }
    with pytest.raises(DomainError, match="移交的涉案物品"):
        record_item_handover(office.ctx, office.officer, case_id, handed_on=date(2026, 11, 10), items="",
                             receiver="孙警官")  # fmt: skip
    with pytest.raises(DomainError, match="早于收到立案通知书的日期"):
        record_item_handover(office.ctx, office.officer, case_id, handed_on=date(2026, 11, 3), items="药品",
                             receiver="孙警官")  # fmt: skip
    status = record_item_handover(office.ctx, office.head2, case_id, handed_on=date(2026, 11, 10),
                                  items="药品 3 箱、处方笺 12 张", receiver="孙警官", receipt_ref="交接清单 2026-07")  # fmt: skip
    (handed,) = status.follow_ups
    assert (handed.kind, handed.on, handed.on_time) == (
        "items",
        date(2026, 11, 10),
        False,
    )  # a day late, on record
    assert _periods(office, case_id, "transfer_items") == [(date(2026, 11, 9), "met")]
    assert verify_all(office.ctx, office.admin).ok


def test_the_follow_up_from_a_terminal(sqlite_office, sqlite_url, tmp_path, capsys, monkeypatch):
    office = sqlite_office
    case_id = _handed_over(office, tmp_path)
    advance(office.ctx, office.officer, case_id, "police_declined", {"reason": "不构成犯罪"})
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", "test-pass-123")
    monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", "2026-11-03")

    def run(user: str, *args: str) -> tuple[int, str]:
        code = cli.main(
            ["--db", sqlite_url, "--evidence-dir", str(office.ctx.evidence_dir), "--user", user, *args]
        )
        out, err = capsys.readouterr()
        return code, out + err

    code, text = run("zhou", "transfer", "reconsider", f"#{case_id}", "--reason", "应当立案")
    assert code == 1 and "须由执法人员、负责人办理" in text
    code, text = run("wang", "transfer", "items", f"#{case_id}", "--items", "药品", "--receiver", "孙警官")
    assert code == 1 and "尚未书面通知决定立案" in text
    code, text = run(
        "wang", "--json", "transfer", "reconsider", f"#{case_id}", "--reason", "就诊人损害已达重度"
    )
    assert code == 0, text
    shown = json.loads(text)
    assert shown["follow_ups"][0]["kind"] == "reconsideration" and shown["police_answer"]["accepted"] is False
    code, text = run("wang", "transfer", "status", f"#{case_id}")
    assert "提请复议：2026-11-03 就诊人损害已达重度（3 日内）" in text and "不予立案" in text
