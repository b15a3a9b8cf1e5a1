"""The desk's hearing, extension and pause dialogs (issue #18): a terminated hearing (行政处罚法 art. 64(六)) recorded
through the dialog; the extension dialog showing the current last day, which extension it is, what is allowed
and the new last day before anything is saved, and asking for the collective discussion for the second
(卫生健康行政处罚程序规定 art. 42(2)); the time not counted (art. 42(3)); a late decision's reason."""

from __future__ import annotations

import os
from datetime import date

from desk_driver import Desk
from services.test_hearing_and_periods import filed_case, org_case_at_hearing
from services.test_step_records import _fields

from enforcement_desk.procedure.steps import extend_decision_deadline

SHOTS = os.environ.get("H3_SHOTS")  # a folder: the dialogs are saved there as pictures to look at


def _shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, f"h3_{name}.png"))


def test_the_hearing_dialog_records_a_terminated_hearing(qtbot, sqlite_office):
    office = sqlite_office
    case_id = org_case_at_hearing(office).id
    desk = Desk(qtbot, office)
    desk.at(date(2026, 11, 17))
    workspace = desk.workspace(office.officer, case_id)
    desk.click(desk.button(workspace, "side_hearing"))
    dialog = workspace.open_dialog
    desk.fill(dialog, {"outcome": "终止听证：未经许可中途退出", "host": "刘洋", "agents": "王律师、李某、赵某",
                       "record": "代理人未经主持人许可退场", "party_signature": "拒绝签名"})  # fmt: skip
    desk.confirm(dialog)
    assert dialog.isVisible() and "一至二人代理" in dialog.ui.errorLabel.text()
    assert "第六十四条第（五）项" in dialog.ui.errorLabel.text()
    desk.fill(dialog, {"agents": "王律师"})
    _shot(dialog, "hearing_dialog")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    fields = _fields(office, case_id)
    assert "终止听证" in fields["hearing_outcome"] and fields["hearing_agents"] == "王律师"
    workspace.reload()
    assert workspace.case.hearing_terminated_on == date(2026, 11, 17) and not workspace.case.major.is_major


def test_the_extension_dialog_shows_the_terms_and_the_new_last_day_before_saving(qtbot, sqlite_office):
    office = sqlite_office
    case_id = filed_case(office, date(2026, 7, 1)).id
    desk = Desk(qtbot, office)
    desk.at(date(2026, 9, 20))
    workspace = desk.workspace(office.head, case_id)
    desk.click(desk.button(workspace, "side_extension"))
    dialog = workspace.open_dialog
    label = lambda name: dialog.findChild(object, f"extension_{name}").text()  # noqa: E731
    assert label("current_due") == "2026-09-29"
    assert "第一次延长：经负责人批准" in label("which") and "最多 60 日" in label("allowed")
    assert dialog.findChild(object, "field_participants") is None  # the first needs no collective discussion
    assert "2026-11-30" in label("new_due")  # the 60 days preset: 11-28 is a Saturday
    desk.fill(dialog, {"days": "61"})
    assert "超过本次最多可延长的 60 日" in label("new_due")
    desk.fill(dialog, {"days": "3", "reason": "需补充鉴定意见"})
    assert "2026-10-08" in label("new_due")  # 10-02 is in the National Day holiday
    assert "《卫生健康行政处罚程序规定》第四十二条第二款" in label("rule")
    _shot(dialog, "extension_dialog")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert workspace.case.decision_deadline == date(2026, 10, 8)


def test_the_second_extension_asks_for_the_discussion_and_none_is_offered_after_the_period(qtbot, sqlite_office):
    office = sqlite_office
    case_id = filed_case(office, date(2026, 7, 1)).id
    office.at(date(2026, 9, 1))
    extend_decision_deadline(office.ctx, office.head, case_id, days=10, reason="案情复杂")  # → 10-09
    desk = Desk(qtbot, office)
    desk.at(date(2026, 9, 2))
    workspace = desk.workspace(office.head2, case_id)
    desk.click(desk.button(workspace, "side_extension"))
    dialog = workspace.open_dialog
    label = lambda name: dialog.findChild(object, f"extension_{name}").text()  # noqa: E731
    assert "第二次延长" in label("which") and "经集体讨论决定" in label("allowed") and "最多 30 日" in label("allowed")
    desk.fill(dialog, {"days": "10", "reason": "案情特别复杂", "discussion_date": date(2026, 9, 2),
                       "participants": "陈军、王强", "conclusion": "同意再延长十日"})  # fmt: skip
    desk.confirm(dialog)
    assert dialog.isVisible() and "负责人应不少于两人" in dialog.ui.errorLabel.text()
    assert "第四十二条第二款" in dialog.ui.errorLabel.text()
    desk.fill(dialog, {"participants": "陈军、刘洋"})
    _shot(dialog, "extension_discussion")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert workspace.case.decision_deadline == date(2026, 10, 19)
    desk.click(desk.button(workspace, "side_extension"))
    dialog = workspace.open_dialog
    assert "不能再次延长" in dialog.findChild(object, "extension_allowed").text()
    assert dialog.findChild(object, "extension_new_due").text() == "—"
    dialog.reject()
    desk.at(date(2026, 10, 20))
    other = filed_case(office, date(2026, 7, 1)).id
    desk.at(date(2026, 10, 20))
    workspace = desk.workspace(office.head2, other)
    desk.click(desk.button(workspace, "side_extension"))
    dialog = workspace.open_dialog
    assert "届满后不能补批" in dialog.findChild(object, "extension_allowed").text()
    assert dialog.findChild(object, "extension_new_due").text() == "—"


def test_the_pause_action_stops_the_period_and_its_end_moves_the_last_day(qtbot, sqlite_office):
    office = sqlite_office
    case_id = filed_case(office, date(2026, 7, 1)).id  # due 09-29
    desk = Desk(qtbot, office)
    desk.at(date(2026, 7, 20))
    workspace = desk.workspace(office.officer, case_id)
    desk.click(desk.button(workspace, "side_pause"))
    dialog = workspace.open_dialog
    assert "第四十二条第三款" in dialog.findChild(object, "pause_rule").text()
    desk.fill(dialog, {"kind": "检验", "started_on": date(2026, 7, 15), "state": "已结束", "ended_on": date(2026, 7, 10)})
    desk.confirm(dialog)
    assert dialog.isVisible() and "早于开始日期" in dialog.ui.errorLabel.text()
    desk.fill(dialog, {"state": "尚未结束", "note": "水样送检"})
    _shot(dialog, "pause_dialog")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    workspace.reload()
    assert "暂停计算" in workspace.case.decision_pauses[0].text
    table = workspace.deadlines.table
    cells = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]
    assert "暂停计算" in cells and "不计入办案期限：检验（暂停计算）" in cells
    # The same button now ends the running period: 07-15 … 07-24 is ten days, 09-29 + 10 = 10-09.
    desk.at(date(2026, 7, 24))
    workspace = desk.workspace(office.officer, case_id)
    button = desk.button(workspace, "side_pause")
    assert button.text() == "结束不计入期间…"
    desk.click(button)
    dialog = workspace.open_dialog
    assert "检验 自 2026-07-15 起" in dialog.findChild(object, "pause_running").text()
    desk.fill(dialog, {"ended_on": date(2026, 7, 24), "note": "收到检验报告"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert workspace.case.decision_deadline == date(2026, 10, 9)
    assert workspace.case.decision_pauses[0].days == 10


def test_the_decide_dialog_asks_for_the_reason_of_a_late_decision(qtbot, sqlite_office):
    from services.test_hearing_and_periods import no_penalty_case

    office = sqlite_office
    case_id = no_penalty_case(office, date(2026, 7, 1)).id
    desk = Desk(qtbot, office)
    desk.at(date(2026, 10, 12))  # the period ended 09-29
    workspace = desk.workspace(office.head, case_id)
    button = desk.button(workspace, "action_decide")
    assert button.isEnabled()
    desk.click(button)
    dialog = workspace.open_dialog
    assert "2026-09-29 届满" in dialog.ui.hintLabel.text()
    desk.confirm(dialog)
    assert dialog.isVisible() and "超过办案期限作出决定的理由" in dialog.ui.errorLabel.text()
    desk.fill(dialog, {"late_reason": "鉴定机构逾期出具鉴定意见"})
    _shot(dialog, "late_decision")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert workspace.case.late_decision_reason == "鉴定机构逾期出具鉴定意见"
    assert "超过办案期限作出决定" in workspace.summary.info.toPlainText()


def test_the_head_extends_the_filing_period_from_the_desk(qtbot, sqlite_office):
    from case_builders import new_case

    office = sqlite_office
    case_id = new_case(office).id  # discovered 11-01: the filing period ends 11-10
    desk = Desk(qtbot, office)
    workspace = desk.workspace(office.head, case_id)
    desk.click(desk.button(workspace, "side_filing_extension"))
    dialog = workspace.open_dialog
    assert dialog.findChild(object, "extension_current_due").text() == "2026-11-10"
    assert "2026-11-19" in dialog.findChild(object, "extension_new_due").text()
    desk.fill(dialog, {"reason": "需现场复核"})
    _shot(dialog, "filing_extension")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert [d.due_on for d in workspace.case.deadlines if d.key == "filing" and d.status == "open"] == [date(2026, 11, 19)]


def test_the_heads_referral_to_collective_discussion_and_the_discussion_at_the_prior_notice_stage(qtbot, sqlite_office):
    """卫生健康行政处罚程序规定 art. 40: the grounds dialog (an officer cannot give the head's referral), the grounds
    shown on the case, and the discussion recorded where a case needing no review is decided."""
    from services.test_collective_discussion import HEARD, noticed_case

    office = sqlite_office
    case_id = noticed_case(office, "3000")
    desk = Desk(qtbot, office)
    desk.at(HEARD)
    workspace = desk.workspace(office.officer, case_id)
    assert workspace.findChild(object, "side_discussion") is None  # nothing to discuss yet
    desk.click(desk.button(workspace, "side_discussion_grounds"))
    dialog = workspace.open_dialog
    assert not dialog.inputs["head_referral"].isEnabled()
    assert "目前不属于" in dialog.findChild(object, "discussion_grounds").text()
    dialog.reject()
    head_view = desk.workspace(office.head, case_id)
    desk.click(desk.button(head_view, "side_discussion_grounds"))
    dialog = head_view.open_dialog
    desk.fill(dialog, {"head_referral": True, "note": "案情敏感，提交集体讨论"})
    _shot(dialog, "discussion_grounds")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert "第（五）项" in head_view.summary.info.toPlainText()
    decide = desk.button(head_view, "action_decide")
    assert not decide.isEnabled() and "第四十条" in decide.toolTip()
    desk.act(office.head, case_id, "side_discussion", participants="陈军、刘洋", opinions="陈军：同意\n刘洋：同意",
             conclusion="同意按拟处罚意见作出决定")  # fmt: skip
    decided = desk.act(office.head2, case_id, "action_decide")
    assert decided.case.stage.value == "decided"
