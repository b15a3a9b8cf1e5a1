"""The desk records a hearing as two steps: the arrangement served in the 听证通知书, then the 听证笔录."""

from __future__ import annotations

from datetime import date

from desk_driver import Desk
from services.test_step_records import _fields, case_at_hearing


def test_the_officer_arranges_and_records_a_hearing_through_the_dialogs(qtbot, sqlite_office):
    office = sqlite_office
    case_id = case_at_hearing(office, notice=False).id
    desk = Desk(qtbot, office)
    desk.at(date(2026, 11, 9))
    desk.act(office.officer, case_id, "side_hearing_notice", served_on=date(2026, 11, 9), day=date(2026, 11, 18),
             time="14:30", place="本机关第一听证室", host="刘洋", recorder="李静", public="公开")  # fmt: skip
    desk.at(date(2026, 11, 18))
    desk.act(office.officer, case_id, "side_hearing", held_on=date(2026, 11, 18), host="刘洋", recorder="李静",
             public="公开", attendees="张某某、委托代理人王某", party_statements="对事实无异议，请求从轻",
             record="当事人承认未取得许可开展诊疗", opinion="建议维持拟处罚意见", party_signature="已签名")  # fmt: skip
    fields = _fields(office, case_id)
    assert fields["hearing_time"] == "2026年11月18日 14:30" and fields["hearing_place"] == "本机关第一听证室"
    assert fields["hearing_attendees"] == "张某某、委托代理人王某" and fields["hearing_signature"] == "已签名"
    assert fields["hearing_record"] == "当事人承认未取得许可开展诊疗"


def test_a_bad_hearing_time_is_refused_in_the_dialog(qtbot, sqlite_office):
    office = sqlite_office
    case_id = case_at_hearing(office).id
    desk = Desk(qtbot, office)
    workspace = desk.workspace(office.officer, case_id)
    desk.click(desk.button(workspace, "side_hearing_notice"))
    dialog = workspace.open_dialog
    desk.fill(dialog, {"time": "下午两点", "place": "听证室", "host": "刘洋"})
    desk.confirm(dialog)
    assert dialog.isVisible() and "听证时间格式不正确" in dialog.ui.errorLabel.text()


def test_the_period_calculator_in_the_deadlines_tab_explains_the_holidays(qtbot, sqlite_office):
    from PySide6.QtCore import QDate

    office = sqlite_office
    case_id = case_at_hearing(office).id
    desk = Desk(qtbot, office)
    box = desk.workspace(office.officer, case_id).deadlines.calculator
    box.start.setDate(QDate(2026, 9, 29))
    box.length.setValue(5)
    box.unit.setCurrentIndex(0)
    desk.click(box.compute)
    assert "2026-10-01 法定节假日，不计入" in box.result.toPlainText()
    assert box.result.toPlainText().splitlines()[-1] == "期限届满日：2026-10-12"


def test_the_party_signature_is_stated_not_defaulted(qtbot, sqlite_office):
    office = sqlite_office
    case_id = case_at_hearing(office).id
    desk = Desk(qtbot, office)
    desk.at(date(2026, 11, 17))
    workspace = desk.workspace(office.officer, case_id)
    desk.click(desk.button(workspace, "side_hearing"))
    dialog = workspace.open_dialog
    desk.fill(dialog, {"host": "刘洋", "record": "当事人承认违法事实"})
    desk.confirm(dialog)
    assert dialog.isVisible() and "当事人签名情况" in dialog.ui.errorLabel.text()
