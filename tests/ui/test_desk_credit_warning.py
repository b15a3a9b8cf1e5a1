"""A case against a blacklisted party says so on its summary, before anyone decides the penalty."""

from __future__ import annotations

from datetime import date

from case_builders import new_case
from desk_driver import Desk

from enforcement_desk.supervision.credit import add_to_blacklist


def test_the_summary_warns_of_a_blacklisted_party_and_is_silent_for_a_clean_one(qtbot, sqlite_office):
    office = sqlite_office
    add_to_blacklist(office.ctx, office.head, office.org_party_id, "伪造卫生许可证", entered_on=date(2026, 10, 8))
    listed = new_case(office, party_id=office.org_party_id, cause="公共场所未取得卫生许可证擅自营业")
    clean = new_case(office)  # 张某某, nothing on record
    desk = Desk(qtbot, office)

    summary = desk.workspace(office.officer, listed.id).panels[0]
    assert summary.credit.isVisible()
    assert summary.credit.text().startswith("当事人信用提示：在黑名单中")

    summary = desk.workspace(office.officer, clean.id).panels[0]
    assert not summary.credit.isVisible() and summary.credit.text() == ""
