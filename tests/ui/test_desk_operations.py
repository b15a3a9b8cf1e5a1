"""The desk's operation runner: a write calls its service off the GUI thread, announces what it changed
so that the other open views show it, and a refusal is shown with its rule while what was typed stays."""

from __future__ import annotations

import threading
from datetime import date

from case_builders import new_case
from desk_driver import Desk
from PIL import Image
from PySide6.QtCore import Qt
from services.test_execution import _served_penalty

from enforcement_desk.core.stages import Stage
from enforcement_desk.desk.operations import Changes, change_bus, comes_from, operations_running
from enforcement_desk.evidence.panel import EvidencePanel
from enforcement_desk.evidence.service import list_evidence
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.desk import case_panels
from enforcement_desk.procedure.steps import advance

FACTS = "当事人未取得医疗机构执业许可证，在许家湖镇开展静脉输液等诊疗活动。"


def test_a_save_calls_its_service_off_the_gui_thread_and_holds_a_second_click_back(
    qtbot, sqlite_office, monkeypatch
):
    office = sqlite_office
    case_id = new_case(office).id
    real, gate, callers = case_panels.update_case, threading.Event(), []

    def held_at_the_gate(*args, **kwargs):
        callers.append(threading.current_thread())
        assert gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(case_panels, "update_case", held_at_the_gate)
    desk = Desk(qtbot, office)
    summary = desk.workspace(office.officer, case_id).summary
    summary.facts.setPlainText(FACTS)
    qtbot.mouseClick(summary.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(callers) == 1)
    assert callers[0] is not threading.main_thread()
    qtbot.mouseClick(summary.save, Qt.MouseButton.LeftButton)  # the screen answers, but the click waits out the save
    qtbot.wait(50)
    assert operations_running() == 1 and summary.message.text() == ""
    gate.set()
    desk.settle()
    assert len(callers) == 1 and summary.message.text() == "已保存"
    assert get_case(office.ctx, office.officer, case_id).facts == FACTS


def test_a_step_taken_in_a_case_tab_shows_in_the_case_list_and_the_statistics(qtbot, sqlite_office):
    office = sqlite_office
    case_id = new_case(office).id
    desk = Desk(qtbot, office)
    window = desk.window(office.head)
    window.tabs.setCurrentWidget(window.statistics)
    qtbot.waitUntil(lambda: window.statistics.statistics is not None, timeout=10_000)
    assert dict(window.statistics.statistics.by_stage) == {Stage.ACCEPTED.label: 1}
    assert window.cases.model.data(window.cases.model.index(0, 3)) == Stage.ACCEPTED.label
    announced: list[tuple[Changes, object]] = []

    def note(changes: Changes, source: object) -> None:
        announced.append((changes, source))

    change_bus().changed.connect(note)
    try:
        workspace = desk.act(office.head, case_id, "action_file", opinion="同意立案")  # in the case's own tab
    finally:
        change_bus().changed.disconnect(note)
    assert workspace.case.stage is Stage.INVESTIGATING
    assert [changes for changes, _ in announced] == [Changes.to_case(case_id)]
    assert comes_from(announced[0][1], workspace)  # announced by the dialog of that tab

    window.tabs.setCurrentWidget(window.cases)  # hidden when the step was taken: fresh when shown
    assert window.cases.model.data(window.cases.model.index(0, 3)) == Stage.INVESTIGATING.label
    window.tabs.setCurrentWidget(window.statistics)
    qtbot.waitUntil(lambda: dict(window.statistics.statistics.by_stage) == {Stage.INVESTIGATING.label: 1},
                    timeout=10_000)  # fmt: skip


def test_a_refused_write_shows_the_rule_and_article_in_the_panel(qtbot, sqlite_office, tmp_path):
    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "not_file", {"reason": "不属于本机关管辖"})
    photo = tmp_path / "现场照片.jpg"
    Image.new("RGB", (32, 32), "green").save(photo)
    desk = Desk(qtbot, office)
    workspace = desk.workspace(office.officer, case_id)
    panel = next(p for p in workspace.panels if isinstance(p, EvidencePanel))
    workspace.tabs.setCurrentWidget(panel)
    panel.add_paths([photo])
    desk.settle()
    assert "全过程记录已封存" in panel.message.text()
    assert "（依据：《行政处罚法》第四十七条）" in panel.message.text()
    assert list_evidence(office.ctx, office.officer, case_id) == []


def test_a_step_refused_by_its_rule_keeps_the_dialog_open_with_what_was_typed(qtbot, sqlite_office):
    office = sqlite_office
    case_id = _served_penalty(office)  # the decision was served on 2026-11-10
    desk = Desk(qtbot, office)
    desk.at(date(2026, 11, 16))
    workspace = desk.workspace(office.officer, case_id)
    desk.click(desk.button(workspace, "action_record_payment"))
    dialog = workspace.open_dialog
    desk.fill(dialog, {"paid_on": date(2026, 11, 8), "receipt_no": "NS-0008"})
    desk.confirm(dialog)
    assert dialog.isVisible()
    assert "早于处罚决定书送达日期" in dialog.ui.errorLabel.text()
    assert "（依据：《行政处罚法》第六十七条）" in dialog.ui.errorLabel.text()
    assert dialog.findChild(object, "field_receipt_no").text() == "NS-0008"
    assert get_case(office.ctx, office.officer, case_id).paid_amount == 0


def test_what_was_typed_stays_after_a_refused_save_and_a_refresh(qtbot, sqlite_office):
    office = sqlite_office
    case_id = new_case(office).id
    desk = Desk(qtbot, office)
    window = desk.window(office.officer)
    workspace = desk.workspace(office.officer, case_id)
    proposal = workspace.proposal
    desk.type_into(proposal.kinds, "警告、罚款")  # a fine, but no amount
    proposal.reason.setPlainText("首次违法，及时改正")
    desk.click(proposal.save)
    assert proposal.message.text() == "选择了罚款，请填写罚款金额"
    assert (proposal.kinds.text(), proposal.reason.toPlainText()) == ("警告、罚款", "首次违法，及时改正")
    window.tabs.setCurrentWidget(window.cases)  # away and back: the case is shown afresh
    window.tabs.setCurrentWidget(workspace)
    assert (proposal.kinds.text(), proposal.reason.toPlainText()) == ("警告、罚款", "首次违法，及时改正")
    assert workspace.unsaved_edits() == ["处理意见"]
    desk.type_into(proposal.fine, "5000")
    desk.click(proposal.save)
    assert proposal.message.text() == "已保存处理意见" and workspace.unsaved_edits() == []
    assert get_case(office.ctx, office.officer, case_id).fine_amount == 5000


def test_waiting_for_a_job_still_working_returns_with_its_result_delivered(qtbot):
    # A slow machine: the count is still reading when the desk waits for it. The wait must not depend on
    # the GUI thread's own event loop, which is the one waiting.
    from enforcement_desk.desk.workers import BackgroundJob, jobs_running

    started, results = threading.Event(), []

    def slow(_control):
        started.set()
        threading.Event().wait(0.3)
        return 42

    job = BackgroundJob(None, "", slow, results.append, lambda exc: results.append(exc), show_after_ms=None)
    job.start()
    assert started.wait(5)
    assert job.finish_now(5000), "the job's end was not delivered"
    assert results == [42]
    assert jobs_running() == 0
