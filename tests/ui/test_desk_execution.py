"""The case summary shows what the party still owes, the late-payment surcharge included."""

from __future__ import annotations

from datetime import date

from desk_driver import Desk
from services.test_execution import _served_penalty

from enforcement_desk.procedure.steps import advance


def test_the_summary_shows_the_surcharge_owed_after_a_late_payment(qtbot, sqlite_office):
    office = sqlite_office
    case_id = _served_penalty(office)
    office.at(date(2026, 12, 5))
    advance(office.ctx, office.officer, case_id, "record_payment", {"amount": "3000", "paid_on": "2026-12-05"})
    text = Desk(qtbot, office).workspace(office.officer, case_id).summary.info.toPlainText()
    assert "罚款 0.00 元" in text and "加处罚款 900.00 元" in text
