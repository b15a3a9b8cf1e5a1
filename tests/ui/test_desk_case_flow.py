"""The desk driven by clicks and keystrokes alone (offscreen): a whole case, a refusal, a review round."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS
from desk_driver import Desk
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.documents.panel import DocumentsPanel
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.steps import advance

pytestmark = pytest.mark.usefixtures("qtbot")


@pytest.fixture
def desk(qtbot, sqlite_office):
    return Desk(qtbot, sqlite_office)


def create_case_through_dialog(desk: Desk, cause: str, party_text: str) -> int:
    window = desk.window(desk.office.officer)
    window.activateWindow()
    desk.qtbot.waitUntil(window.isActiveWindow)
    desk.qtbot.keyClick(window.tabs, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.new_case_dialog
    assert dialog.isVisible()
    ui = dialog.ui
    ui.categoryCombo.setCurrentIndex(ui.categoryCombo.findData("公"))
    desk.type_into(ui.causeEdit, cause)
    desk.type_into(ui.partyCombo.lineEdit(), party_text)
    ui.partyCombo.setCurrentIndex(0)
    ui.handler2Combo.setCurrentIndex(ui.handler2Combo.findData(desk.office.officer2.user_id))
    desk.type_into(ui.locationEdit, "沂水县长安路 88 号")
    desk.confirm(dialog)
    assert not dialog.isVisible(), ui.errorLabel.text()
    return dialog.case.id


def test_an_ordinary_case_goes_from_acceptance_to_archive_through_the_desk(desk):
    office = desk.office
    officer, head = office.officer, office.head
    case_id = create_case_through_dialog(desk, "公共场所未取得卫生许可证擅自营业", "悦来宾馆")
    assert desk.window(officer).tabs.currentWidget().case_id == case_id

    desk.at(date(2026, 11, 3))
    desk.act(head, case_id, "action_file", opinion="同意立案")
    workspace = desk.workspace(officer, case_id)
    workspace.summary.facts.setPlainText("当事人未取得公共场所卫生许可证，自 2026 年 9 月起经营住宿业务。")
    desk.click(workspace.summary.save)
    assert workspace.summary.message.text() == "已保存", workspace.summary.message.text()
    desk.act(officer, case_id, "action_close_investigation")

    proposal = desk.workspace(officer, case_id).proposal
    desk.type_into(proposal.kinds, "警告、罚款")
    desk.type_into(proposal.fine, "3000")
    assert proposal.fine_capitals.text() == "人民币叁仟元整"
    desk.type_into(proposal.level, "一般")
    proposal.reason.setPlainText("首次发现，已停止营业并申请许可")
    desk.type_into(proposal.violated, "《公共场所卫生管理条例》第八条")
    desk.type_into(proposal.basis, "《公共场所卫生管理条例实施细则》第三十五条第一款")
    desk.click(proposal.save)
    assert proposal.message.text() == "已保存处理意见"
    saved = get_case(office.ctx, officer, case_id).proposal  # the notice and decision quote both
    assert (saved.violated_provision, saved.legal_basis) == (
        "《公共场所卫生管理条例》第八条", "《公共场所卫生管理条例实施细则》第三十五条第一款"
    )

    # The evidence the notice and the decision list (registered in the 证据 tab; its summary here).
    update_case(office.ctx, officer, case_id, get_case(office.ctx, officer, case_id).version,
                evidence_summary="现场笔录 1 份、询问笔录 1 份、现场照片 4 张")  # fmt: skip
    deliberated = desk.act(officer, case_id, "action_deliberate")
    notices = next(p for p in deliberated.panels if isinstance(p, DocumentsPanel))
    notices.kind.setCurrentIndex(notices.kind.findData("prior_notice"))
    desk.click(notices.issue)  # the decision cites the notice by its 文号
    assert notices.table.rowCount() >= 1 and "罚告" in notices.table.item(0, 1).text(), notices.message.text()
    desk.act(officer, case_id, "action_send_prior_notice", served_on=date(2026, 11, 3))
    blocked = desk.workspace(head, case_id)
    assert not desk.button(blocked, "action_decide").isEnabled()
    assert "陈述申辩" in blocked.blocked.text()

    desk.at(date(2026, 11, 9))
    decided = desk.act(head, case_id, "action_decide")
    assert decided.case.decision_no == "沂卫公罚〔2026〕1号"
    documents = next(p for p in decided.panels if isinstance(p, DocumentsPanel))
    documents.kind.setCurrentIndex(documents.kind.findData("penalty_decision"))
    desk.click(documents.issue)
    numbers = [documents.table.item(row, 1).text() for row in range(documents.table.rowCount())]
    assert "沂卫公罚〔2026〕1号" in numbers, documents.message.text()
    desk.act(
        officer, case_id, "action_serve", served_on=date(2026, 11, 9), method="直接送达", recipient="刘某"
    )
    desk.at(date(2026, 11, 16))
    desk.act(officer, case_id, "action_record_payment", paid_on=date(2026, 11, 16), receipt_no="NS-0001")
    desk.act(head, case_id, "action_close", summary="罚款已缴清，已取得卫生许可证")
    desk.at(date(2026, 11, 18))
    archived = desk.act(officer, case_id, "action_archive")
    assert archived.case.stage is Stage.ARCHIVED
    timeline = archived.timeline.table
    assert timeline.rowCount() == 10  # 受理 … 归档, one row per step
    assert timeline.item(timeline.rowCount() - 1, 1).text() == "归档"


def test_a_refused_step_shows_the_reason_and_changes_nothing(desk):
    office = desk.office
    case_id = create_case_through_dialog(desk, "公共场所未取得卫生许可证擅自营业", "悦来宾馆")
    desk.at(date(2026, 11, 3))
    workspace = desk.workspace(office.officer, case_id)
    assert not desk.button(workspace, "action_file").isEnabled()
    assert "负责人" in desk.button(workspace, "action_file").toolTip()

    desk.act(office.head, case_id, "action_file")
    decided_by_services(office, case_id)
    before = get_case(office.ctx, office.officer, case_id)
    workspace = desk.workspace(office.officer, case_id)
    desk.click(desk.button(workspace, "action_serve"))
    dialog = workspace.open_dialog
    desk.fill(dialog, {"method": "电子送达", "recipient": "刘某"})
    desk.confirm(dialog)
    assert dialog.isVisible()
    assert "电子送达" in dialog.ui.errorLabel.text() and "同意" in dialog.ui.errorLabel.text()
    dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).click()
    after = get_case(office.ctx, office.officer, case_id)
    assert (after.stage, after.version, len(after.history)) == (
        before.stage,
        before.version,
        len(before.history),
    )
    assert after.stage is Stage.DECIDED


def decided_by_services(office, case_id: int) -> None:
    """The steps before the one under test, taken through the services to keep the test short."""
    ctx = office.ctx
    update_case(
        ctx,
        office.officer,
        case_id,
        get_case(ctx, office.officer, case_id).version,
        facts="无证经营住宿业务。",
    )
    advance(ctx, office.officer, case_id, "close_investigation")
    proposal = Proposal(Outcome.PENALTY, ("警告", "罚款"), Decimal("3000"), level="一般", **LEGAL_BASIS)
    set_proposal(ctx, office.officer, case_id, get_case(ctx, office.officer, case_id).version, proposal)
    advance(ctx, office.officer, case_id, "deliberate")
    advance(ctx, office.officer, case_id, "send_prior_notice", {"served_on": "2026-11-03"})
    ctx.today_override = date(2026, 11, 9)
    advance(ctx, office.head, case_id, "decide")


def test_another_users_change_shows_when_the_window_comes_back_to_the_front(desk):
    office = desk.office
    case_id = create_case_through_dialog(desk, "公共场所未取得卫生许可证擅自营业", "悦来宾馆")
    officer_window = desk.window(office.officer)
    workspace = officer_window.open_case(case_id)
    assert workspace.case.stage is Stage.ACCEPTED
    desk.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case_id, "file")  # on another PC, say
    desk.window(office.head).activateWindow()
    desk.qtbot.waitUntil(lambda: not officer_window.isActiveWindow())
    officer_window.activateWindow()
    desk.qtbot.waitUntil(lambda: workspace.case.stage is Stage.INVESTIGATING, timeout=3000)
