"""What an officer has typed and not saved survives refreshes, is not silently overwritten by
someone else's change, and is not lost by closing its tab without a question."""

from __future__ import annotations

from case_builders import new_case
from desk_driver import Desk
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from enforcement_desk.procedure.cases import get_case, update_case

TYPED = "当事人于 2026 年 9 月起在许家湖镇开展静脉输液等诊疗活动。"


def test_typed_facts_survive_a_refresh_and_a_conflict_is_refused_then_saved_knowingly(qtbot, sqlite_office):
    office = sqlite_office
    case = new_case(office)
    desk = Desk(qtbot, office)
    workspace = desk.workspace(office.officer, case.id)
    summary = workspace.summary
    summary.facts.setPlainText(TYPED)
    window = desk.window(office.officer)
    window.tabs.setCurrentWidget(window.cases)  # away and back: the workspace reloads the case
    window.tabs.setCurrentWidget(workspace)
    assert summary.facts.toPlainText() == TYPED and workspace.unsaved_edits() == ["违法事实"]

    # meanwhile the second handler saves other facts
    other = get_case(office.ctx, office.officer2, case.id)
    update_case(office.ctx, office.officer2, case.id, other.version, facts="李娜记录的事实。")
    workspace.reload()
    assert summary.facts.toPlainText() == TYPED
    desk.click(summary.save)
    assert "已被他人修改" in summary.message.text() and "仍保留在此" in summary.message.text()
    assert get_case(office.ctx, office.officer, case.id).facts == "李娜记录的事实。"
    assert summary.facts.toPlainText() == TYPED
    desk.click(summary.save)  # the officer has seen the conflict and saves again
    assert get_case(office.ctx, office.officer, case.id).facts == TYPED
    assert workspace.unsaved_edits() == []


def answer_discard_box(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(20, lambda: answer_discard_box(button, seen))
        return
    seen.append(box.text())
    box.button(button).click()


def test_closing_a_tab_with_unsaved_facts_asks_first(qtbot, sqlite_office):
    office = sqlite_office
    case = new_case(office)
    desk = Desk(qtbot, office)
    window = desk.window(office.officer)
    workspace = desk.workspace(office.officer, case.id)
    workspace.proposal.fine.setText("5000")
    seen: list[str] = []
    QTimer.singleShot(0, lambda: answer_discard_box(QMessageBox.StandardButton.Cancel, seen))
    window.close_current()
    assert seen and "处理意见" in seen[0] and workspace in window.workspaces()  # 返回: still open
    QTimer.singleShot(0, lambda: answer_discard_box(QMessageBox.StandardButton.Discard, seen))
    window.close_current()
    assert len(seen) == 2 and window.workspaces() == []


def test_a_tab_with_nothing_typed_closes_without_a_question(qtbot, sqlite_office):
    office = sqlite_office
    desk = Desk(qtbot, office)
    window = desk.window(office.officer)
    desk.workspace(office.officer, new_case(office).id)
    window.close_current()
    assert window.workspaces() == []
