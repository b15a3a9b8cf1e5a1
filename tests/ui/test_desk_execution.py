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


def test_the_reminder_is_served_and_the_court_answers_from_the_desk(qtbot, sqlite_office):
    from services.test_execution_steps import _applied, _served_in_march

    from enforcement_desk.documents.service import issue_document

    office = sqlite_office
    desk = Desk(qtbot, office)
    case_id = _served_in_march(office)
    office.at(date(2026, 9, 25))
    issue_document(office.ctx, office.officer, case_id, "payment_reminder")
    office.at(date(2026, 9, 28))
    desk.act(office.officer, case_id, "side_reminder_served", served_on=date(2026, 9, 28), receiver="张某某")
    text = desk.workspace(office.officer, case_id).summary.info.toPlainText()
    assert "十个工作日至 2026-10-16" in text and "提起行政诉讼至 2026-09-02" in text
    workspace = desk.workspace(office.head, case_id)
    assert not desk.button(workspace, "action_apply_enforcement").isEnabled()
    assert "2026-10-16 之后仍未履行的方可申请" in desk.button(workspace, "action_apply_enforcement").toolTip()

    applied = _applied(office)  # another case, applied on 2026-10-19
    office.at(date(2026, 10, 22))
    desk.act(office.officer, applied, "side_court_reply", kind="受理", replied_on=date(2026, 10, 22),
             document_no="（2026）鲁1323行审12号")  # fmt: skip
    workspace = desk.workspace(office.officer, applied)
    desk.click(desk.button(workspace, "side_court_reply"))
    dialog = workspace.open_dialog
    desk.fill(dialog, {"kind": "准予执行", "replied_on": date(2026, 10, 21), "document_no": "（2026）鲁1323行审12号"})
    desk.confirm(dialog)
    assert dialog.isVisible() and "早于前一答复“受理”的日期 2026-10-22" in dialog.ui.errorLabel.text()
    dialog.reject()
    desk.act(office.head, applied, "side_execution_waiver", kind="加处罚款", amount="3000",
             decision_no="沂卫执协〔2026〕2号", decided_on=date(2026, 10, 22), reason="执行协议")  # fmt: skip
    text = desk.workspace(office.officer, applied).summary.info.toPlainText()
    assert "人民法院" in text and "受理（（2026）鲁1323行审12号）" in text and "已依决定减免" in text
