"""The 监督 tab as officers and heads use it: a random draw made and verified through its dialog, a
finding recorded and opened as a case, the results export; the blacklist and a party's credit
record; complaints registered with their content and reporter shown only to those who may read them, and a
complaint turned into a case that carries none of it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from desk_driver import Desk
from PySide6.QtWidgets import QFileDialog

from enforcement_desk.core.supervision.random_draw import CategoryQuota
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.desk.case_workspace import CaseWorkspace
from enforcement_desk.supervision.complaints import ComplaintDraft, add_complaint, list_complaints
from enforcement_desk.supervision.credit import add_to_blacklist, current_blacklist, record_points
from enforcement_desk.supervision.desk.view import SupervisionView
from enforcement_desk.supervision.inspections import draw_inspections, get_draw, import_objects, list_draws

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "inspection_objects_sample.xlsx"


@pytest.fixture
def library(sqlite_office):
    import_objects(sqlite_office.ctx, sqlite_office.officer, SAMPLE)
    return sqlite_office


def page(desk: Desk, actor, name: str):
    """The window of `actor` with its 监督 tab and the named page in front."""
    window = desk.window(actor)
    window.tabs.setCurrentWidget(window.supervision)
    view: SupervisionView = window.supervision
    shown = getattr(view, name)
    view.setCurrentWidget(shown)
    return window, shown


def open_form(desk: Desk, shown, button):
    assert button.isEnabled(), button.toolTip()
    desk.click(button)
    assert shown.dialog is not None and shown.dialog.isVisible()
    return shown.dialog


def column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def inspector_of(office, task):
    return next(a for a in (office.officer, office.officer2, office.officer3) if a.name in task.inspectors)


def test_the_tab_is_there_for_officers_heads_and_admins_and_cannot_be_closed(qtbot, sqlite_office):
    office = sqlite_office
    desk = Desk(qtbot, office)
    for actor in (office.officer, office.head, office.admin):
        window = desk.window(actor)
        index = window.tabs.indexOf(window.supervision)
        assert window.tabs.tabText(index) == "监督" and index < window.fixed_tabs
        assert window.tabs.tabBar().tabButton(index, window.tabs.tabBar().ButtonPosition.RightSide) is None
        view = window.supervision
        assert [view.tabText(i) for i in range(view.count())] == ["双随机抽查", "信用", "投诉举报"]
    reviewer = desk.window(office.reviewer)
    assert not hasattr(reviewer, "supervision")
    assert "监督" not in [reviewer.tabs.tabText(i) for i in range(reviewer.tabs.count())]


def test_a_draw_made_in_the_dialog_lists_its_tasks_and_verifies(qtbot, library):
    office = library
    desk = Desk(qtbot, office)
    _, draws = page(desk, office.officer, "draws")
    assert not draws.new_button.isEnabled() and "负责人" in draws.new_button.toolTip()

    _, draws = page(desk, office.head, "draws")
    dialog = open_form(desk, draws, draws.new_button)
    desk.fill(dialog, {"title": "2026年第四季度医疗机构抽查", "quota_医": "两个", "seed": "yiwei-2026-q4"})
    desk.confirm(dialog)
    assert dialog.isVisible()
    assert "“医疗卫生”的抽取数量应为比例（如 20%）或个数（如 3），收到“两个”" in dialog.ui.errorLabel.text()
    assert list_draws(office.ctx, office.head) == []

    desk.fill(dialog, {"quota_医": "2", "quota_公": "40%"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    [made] = list_draws(office.ctx, office.head)
    assert (
        made.seed == "yiwei-2026-q4" and len(made.tasks) == 4
    )  # 2 clinics + 40 % of the public places, rounded up
    assert column(draws.draw_table, 1) == ["2026年第四季度医疗机构抽查"]
    assert column(draws.task_table, 0) == [t.object_name for t in made.tasks]
    assert column(draws.task_table, 3) == ["、".join(t.inspectors) for t in made.tasks]
    assert set(column(draws.task_table, 4)) == {"待检查"}
    assert "yiwei-2026-q4" in draws.draw_label.text()

    desk.click(draws.verify_button)
    assert draws.message.text().startswith("可复核"), draws.message.text()


def test_a_finding_recorded_by_its_inspector_opens_as_a_case_tab(qtbot, library):
    office = library
    made = draw_inspections(
        office.ctx, office.head, "医疗机构抽查", [CategoryQuota("医", count=1)], seed="s1"
    )
    task = made.tasks[0]
    inspector = inspector_of(office, task)
    desk = Desk(qtbot, office)
    window, draws = page(desk, inspector, "draws")
    draws.task_table.selectRow(0)

    dialog = open_form(desk, draws, draws.result_button)
    desk.fill(dialog, {"outcome": "发现问题"})
    desk.confirm(dialog)
    assert dialog.ui.errorLabel.text() == "请填写发现的问题" and dialog.isVisible()
    desk.fill(dialog, {"note": "使用非卫生技术人员从事医疗卫生技术工作"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert column(draws.task_table, 4) == ["发现问题"]

    draws.task_table.selectRow(0)
    dialog = open_form(desk, draws, draws.case_button)
    desk.fill(dialog, {"cause": "使用非卫生技术人员从事医疗卫生技术工作"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    case_id = get_draw(office.ctx, inspector, made.id).tasks[0].case_id
    assert case_id is not None
    workspace = window.tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == case_id
    assert window.tabs.count() == window.fixed_tabs + 1
    assert column(draws.task_table, 7) == [f"#{case_id}"]


def test_results_export_only_once_every_object_is_inspected_and_overdue_ones_show(
    qtbot, library, tmp_path, monkeypatch
):
    office = library
    made = draw_inspections(office.ctx, office.head, "水厂抽查", [CategoryQuota("水", count=1)], seed="w")
    target = tmp_path / "公示" / "水厂抽查结果.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel 文件 (*.xlsx)"))
    desk = Desk(qtbot, office)
    _, draws = page(desk, office.head, "draws")
    desk.click(draws.export_button)
    qtbot.waitUntil(lambda: draws.job.finished_flag, timeout=10_000)
    assert "尚有对象未登记检查结果，不能导出公示" in draws.message.text()
    assert made.tasks[0].object_name in draws.message.text() and not target.exists()

    draws.task_table.selectRow(0)
    dialog = open_form(desk, draws, draws.result_button)
    desk.fill(dialog, {"outcome": "未发现问题", "inspected_on": date(2026, 10, 9)})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    desk.click(draws.export_button)
    qtbot.waitUntil(lambda: draws.job.finished_flag, timeout=10_000)
    assert target.exists() and draws.message.text() == f"已导出：{target}"

    desk.at(date(2026, 12, 15))  # inspected 10-09: the 20 working days to publish have passed
    draws.refresh()
    assert column(draws.overdue_table, 0) == [made.tasks[0].object_name]
    dialog = open_form(desk, draws, draws.publish_button)
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert draws.overdue_table.rowCount() == 0 and column(draws.draw_table, 5) == ["2026-12-15"]


def test_a_blacklist_removal_without_a_reason_is_refused_and_changes_nothing(qtbot, sqlite_office):
    office = sqlite_office
    entry = add_to_blacklist(
        office.ctx, office.head, office.org_party_id, "伪造卫生许可证", date(2026, 10, 8)
    )
    desk = Desk(qtbot, office)
    _, credit = page(desk, office.officer, "credit")
    assert column(credit.blacklist, 1) == ["沂水县悦来宾馆有限公司"]
    assert not credit.remove_button.isEnabled() and "负责人" in credit.remove_button.toolTip()

    _, credit = page(desk, office.head, "credit")
    credit.blacklist.selectRow(0)
    dialog = open_form(desk, credit, credit.remove_button)
    desk.confirm(dialog)
    assert dialog.isVisible() and dialog.ui.errorLabel.text() == "请填写移出理由"
    assert [e.id for _, e in current_blacklist(office.ctx, office.head)] == [entry.id]
    assert credit.blacklist.rowCount() == 1

    desk.fill(dialog, {"reason": "所依据的处罚决定已被复议撤销"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert current_blacklist(office.ctx, office.head) == [] and credit.blacklist.rowCount() == 0
    assert "已移出" in credit.message.text()


def test_a_party_lookup_shows_its_points_and_blacklist_entry(qtbot, sqlite_office):
    office = sqlite_office
    record_points(office.ctx, office.officer, office.org_party_id, "I01", date(2026, 10, 20))
    add_to_blacklist(office.ctx, office.head, office.org_party_id, "伪造卫生许可证", date(2026, 10, 8))
    desk = Desk(qtbot, office)
    _, credit = page(desk, office.officer, "credit")
    desk.type_into(credit.search, "悦来")
    desk.click(credit.search_button)
    assert column(credit.party_table, 0) == ["沂水县悦来宾馆有限公司"]
    text = credit.summary.toPlainText()
    assert "记分：12 分" in text and "黑名单：在列" in text and "伪造卫生许可证" in text

    desk.type_into(credit.search, "无此人")
    desk.click(credit.search_button)
    assert credit.party_table.rowCount() == 0
    assert credit.summary.toPlainText() == "没有名称或证件号码含“无此人”的当事人"


def test_a_complaint_registered_in_the_form_shows_its_reporter_only_to_who_may_see_it(qtbot, sqlite_office):
    office = sqlite_office
    desk = Desk(qtbot, office)
    _, complaints = page(desk, office.officer2, "complaints")  # 李娜 takes the call, 王强 handles it
    dialog = open_form(desk, complaints, complaints.add_button)
    values = {"channel": "电话", "subject_name": "沂水县悦来宾馆有限公司", "content": "宾馆床上用品未一客一换",
              "assigned_to": "王强", "reporter_phone": "13805391234", "reporter_id_number": "37132319900307002X"}  # fmt: skip
    desk.fill(dialog, values)
    desk.confirm(dialog)
    assert dialog.isVisible()
    assert dialog.ui.errorLabel.text() == "请填写投诉举报人姓名（匿名举报请选择“匿名”）"
    assert list_complaints(office.ctx, office.head) == []
    desk.fill(dialog, {"reporter_name": "孙某"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()

    [saved] = list_complaints(office.ctx, office.head)
    assert column(complaints.table, 0) == [saved.number]
    assert column(complaints.table, 3) == ["（举报人信息保密）"]
    complaints.table.selectRow(0)
    assert not complaints.close_button.isEnabled() and "王强" in complaints.close_button.toolTip()
    shown = complaints.detail.text()
    assert "孙某" not in shown and "13805391234" not in shown and "002X" not in shown
    assert "一客一换" not in shown and "（举报内容仅承办人和负责人可见）" in shown

    _, handled = page(desk, office.officer, "complaints")
    assert column(handled.table, 3) == ["孙某 13805391234"]
    handled.table.selectRow(0)
    assert "宾馆床上用品未一客一换" in handled.detail.text() and "37132319900307002X" in handled.detail.text()
    _, admin = page(desk, office.admin, "complaints")
    assert column(admin.table, 3) == ["（举报人信息保密）"]
    admin.table.selectRow(0)
    assert "一客一换" not in admin.detail.text() and "孙某" not in admin.detail.text()
    assert not admin.add_button.isEnabled() and "管理员" in admin.add_button.toolTip()


def test_the_handling_officer_turns_a_complaint_into_a_case_and_a_head_closes_another(qtbot, sqlite_office):
    office = sqlite_office
    for subject in ("沂水县悦来宾馆有限公司", "沂水县仁和诊所"):
        add_complaint(office.ctx, office.officer, ComplaintDraft(
            "电话", subject, "反映问题", office.officer.user_id, date(2026, 11, 2), reporter_name="孙某"))  # fmt: skip
    desk = Desk(qtbot, office)
    window, complaints = page(desk, office.officer, "complaints")
    row = column(complaints.table, 4).index("沂水县悦来宾馆有限公司")
    complaints.table.selectRow(row)
    dialog = open_form(desk, complaints, complaints.convert_button)
    desk.fill(dialog, {"cause": "公共场所未按规定对顾客用品用具进行清洗消毒", "handler2": "李娜"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    converted = next(c for c in list_complaints(office.ctx, office.officer) if c.case_id)
    assert converted.subject_name == "沂水县悦来宾馆有限公司"
    workspace = window.tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == converted.case_id
    case = get_case(office.ctx, office.officer, converted.case_id)
    assert case.facts == "" and case.source_detail == f"投诉举报（登记号 {converted.number}）"

    _, heads = page(desk, office.head, "complaints")
    heads.table.selectRow(column(heads.table, 4).index("沂水县仁和诊所"))
    dialog = open_form(desk, heads, heads.close_button)
    desk.confirm(dialog)
    assert dialog.ui.errorLabel.text() == "请填写办结理由"
    desk.fill(dialog, {"reason": "经核查，反映问题不属实"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert sorted(c.status for c in list_complaints(office.ctx, office.head)) == ["closed", "converted"]
    assert not heads.close_button.isEnabled()  # the closed one is still selected


def test_nothing_selected_is_said_in_words(qtbot, sqlite_office):
    desk = Desk(qtbot, sqlite_office)
    _, draws = page(desk, sqlite_office.head, "draws")
    desk.click(draws.verify_button)
    assert draws.message.text() == "请先选择要复核的抽查任务"
