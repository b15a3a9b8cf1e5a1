"""The today view warns an officer whose 执法证 runs out within 30 days, and says plainly when it has run out;
it is silent for a certificate that runs longer and for heads."""

from __future__ import annotations

from datetime import date

from desk_driver import Desk


def test_the_today_view_warns_thirty_days_ahead_and_when_the_certificate_has_run_out(qtbot, sqlite_office):
    office = sqlite_office
    office.at(date(2026, 12, 20))  # 赵磊's certificate runs to 2026-12-31
    desk = Desk(qtbot, office)

    banner = desk.window(office.officer3).today.certificate
    assert banner.isVisible()
    assert banner.text().startswith("提醒：你的执法证（编号 3713002023003）将于 2026-12-31 到期（剩余 11 天）")

    for calm in (office.officer, office.head):  # 王强's runs to 2028; heads act as heads
        quiet = desk.window(calm).today.certificate
        assert not quiet.isVisible()

    office.at(date(2027, 1, 4))
    today = desk.window(office.officer3).today
    today.refresh()
    assert today.certificate.isVisible()
    assert today.certificate.text().startswith("注意：你的执法证（编号 3713002023003）已于 2026-12-31 到期，不能办理执法事项")
