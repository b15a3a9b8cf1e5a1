"""The 裁量 panel: facts in, the lawful range and its reasons out, adopted as the case's proposal."""

from __future__ import annotations

from decimal import Decimal

from case_builders import new_case
from desk_driver import Desk

from enforcement_desk.discretion.panel import DiscretionPanel
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.steps import advance


def test_unlicensed_practice_with_small_gains_is_fined_within_five_to_twenty_times_ten_thousand(
    qtbot, sqlite_office
):
    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    desk = Desk(qtbot, office)
    workspace = desk.workspace(office.officer, case_id)
    panel = next(p for p in workspace.panels if isinstance(p, DiscretionPanel))
    index = next(
        i
        for i in range(panel.violation.count())
        if "未取得医疗机构执业许可证擅自执业" in panel.violation.itemText(i)
    )
    panel.violation.setCurrentIndex(index)
    desk.type_into(panel.gains, "3000")
    panel.flags["first_offence"].setChecked(True)
    desk.click(panel.compute)
    assert panel.result is not None, panel.message.text()
    assert (panel.result.statutory.minimum, panel.result.statutory.maximum) == (
        Decimal("50000"),
        Decimal("200000"),
    )
    text = panel.view.toPlainText()
    assert "50,000.00元 – 200,000.00元" in text and "第九十九条" in text
    desk.click(panel.adopt)
    case = get_case(office.ctx, office.officer, case_id)
    assert case.fine_amount == panel.result.recommended_fine
    assert case.discretion["code"] == panel.violation.currentData()
    assert "第九十九条" in case.discretion["legal_basis"]
    desk.type_into(panel.fine, "300000")
    desk.click(panel.adopt)
    assert "超过法定最高额" in panel.message.text()
