"""The 裁量 tab as an officer meets it on a dental-clinic case: nothing chosen for them, the fitting
violations suggested first, a warning for one that does not fit, the sources of the texts shown; and the
legal reviewer's dialog showing the 违反条款 and 处罚依据 under review."""

from __future__ import annotations

from datetime import date

import pytest
from case_builders import new_case
from desk_driver import Desk

from enforcement_desk.discretion.panel import CHOOSE_PROMPT, DiscretionPanel
from enforcement_desk.procedure.cases import get_case, update_case
from enforcement_desk.procedure.steps import advance

DENTAL = "某口腔诊所未取得医疗机构执业许可证擅自执业"


@pytest.fixture
def desk(qtbot, sqlite_office):
    return Desk(qtbot, sqlite_office)


def discretion_panel(desk: Desk, actor, case_id: int) -> DiscretionPanel:
    workspace = desk.workspace(actor, case_id)
    return next(p for p in workspace.panels if isinstance(p, DiscretionPanel))


def choose(panel: DiscretionPanel, code: str) -> None:
    index = panel.violation.findData(code)
    assert index > 0, code
    panel.violation.setCurrentIndex(index)


def test_nothing_is_chosen_for_the_officer_and_the_fitting_violations_come_first(desk):
    office = desk.office
    case_id = new_case(office, cause=DENTAL, category="医").id
    advance(office.ctx, office.head, case_id, "file")
    panel = discretion_panel(desk, office.officer, case_id)

    assert panel.chosen_code() is None and panel.violation.currentText() == CHOOSE_PROMPT
    assert not panel.compute.isEnabled() and not panel.adopt.isEnabled()
    assert panel.adopt.toolTip() == "请先选择违法行为"
    first = panel.violation.itemText(1)
    assert first.startswith("【建议】YL-001") and "完整名称" in panel.violation.itemData(1, 3)  # tool tip
    assert not panel.violation.itemText(panel.violation.findData("SY-001")).startswith("【建议】")

    choose(panel, "SY-001")  # drinking water on a dental clinic: allowed, but the panel says so
    assert panel.compute.isEnabled() and panel.adopt.isEnabled()
    assert panel.fit.isVisibleTo(panel) and "与本案执法类别“医疗卫生”不一致" in panel.fit.text()
    desk.click(panel.compute)
    assert panel.result is not None and panel.result.code == "SY-001", panel.message.text()
    shown = panel.view.toPlainText()
    assert "请核对是否选错" in shown and "未核实（未与法规文本核对）" in shown

    choose(panel, "YL-001")
    assert not panel.fit.isVisibleTo(panel) and panel.result is None
    desk.type_into(panel.gains, "3000")
    desk.click(panel.compute)
    assert "依据来源：LawRefBook/Laws@2f4c5c2 行政法/基本医疗卫生与健康促进法" in panel.view.toPlainText()
    desk.click(panel.adopt)
    case = get_case(office.ctx, office.officer, case_id)
    assert case.discretion["code"] == "YL-001" and case.proposal.legal_basis.startswith(
        "《中华人民共和国基本医疗"
    )

    again = discretion_panel(desk, office.officer, case_id)
    adopted = again.view.toPlainText()
    assert "已采用的裁量意见：YL-001" in adopted
    assert "违反条款：《中华人民共和国基本医疗卫生与健康促进法》第三十八条第二款" in adopted
    assert "处罚依据：《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款" in adopted
    assert "依据来源：LawRefBook/Laws@2f4c5c2" in adopted
    assert again.chosen_code() == "YL-001"

    reviewer_panel = discretion_panel(desk, office.reviewer, case_id)
    assert reviewer_panel.compute.isEnabled() and not reviewer_panel.adopt.isEnabled()


def test_the_reviewers_dialog_shows_the_provisions_under_review_and_their_sources(desk):
    office = desk.office
    ctx = office.ctx
    case_id = new_case(office, cause=DENTAL, category="医").id
    advance(ctx, office.head, case_id, "file")
    update_case(
        ctx, office.officer, case_id, get_case(ctx, office.officer, case_id).version, facts="无证行医。"
    )
    advance(ctx, office.officer, case_id, "close_investigation")
    panel = discretion_panel(desk, office.officer, case_id)
    choose(panel, "YL-001")
    desk.type_into(panel.gains, "3000")
    desk.click(panel.adopt)
    assert get_case(ctx, office.officer, case_id).proposal is not None, panel.message.text()
    advance(ctx, office.officer, case_id, "deliberate")
    advance(ctx, office.officer, case_id, "send_prior_notice", {"served_on": "2026-11-02"})
    desk.at(date(2026, 11, 10))
    desk.act(office.officer, case_id, "action_submit_review", note="重大执法决定，提请审核")

    workspace = desk.workspace(office.reviewer, case_id)
    desk.click(desk.button(workspace, "action_review"))
    dialog = workspace.open_dialog
    basis = dialog.basis.toPlainText()
    assert "拟处理（提交审核时固定）：给予行政处罚：" in basis and "裁量阶次：从轻" in basis
    assert "违反条款：《中华人民共和国基本医疗卫生与健康促进法》第三十八条第二款" in basis
    assert "处罚依据：《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款" in basis
    assert "依据来源：LawRefBook/Laws@2f4c5c2" in basis
    assert "依据" in dialog.results  # the check the basis is there for
    dialog.reject()
    package = workspace.review.view.toPlainText()
    assert (
        "审核材料（提交时固定）" in package
        and "处罚依据：《中华人民共和国基本医疗卫生与健康促进法》" in package
    )
