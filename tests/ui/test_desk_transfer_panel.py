"""The 移送 panel: the officers' report, the head's decision seen there, the receipt, the public key."""

from __future__ import annotations

from datetime import date

import pytest
from case_builders import db_snapshot, new_case
from desk_driver import Desk
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget

from enforcement_desk.procedure.cases import get_case, update_case
from enforcement_desk.procedure.steps import advance
from enforcement_desk.transfer.panel import TransferPanel
from enforcement_desk.transfer.service import transfer_status

pytestmark = pytest.mark.usefixtures("file_keyring")
FINDINGS = "当事人未取得医生执业资格，非法行医三年，造成一名就诊者重度残疾，涉嫌非法行医罪。"


def filed_case(office) -> int:
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    update_case(office.ctx, office.officer, case_id, get_case(office.ctx, office.officer, case_id).version,
                facts="当事人未取得医生执业资格行医。")  # fmt: skip
    return case_id


def transfer_panel(desk: Desk, actor, case_id: int) -> TransferPanel:
    workspace = desk.workspace(actor, case_id)
    panel = next(p for p in workspace.panels if isinstance(p, TransferPanel))
    workspace.tabs.setCurrentWidget(panel)
    return panel


def test_two_officers_report_a_suspected_crime_and_the_head_sees_it_waiting(qtbot, sqlite_office):
    office = sqlite_office
    case_id = filed_case(office)
    desk = Desk(qtbot, office)
    panel = transfer_panel(desk, office.officer, case_id)
    assert "尚未提出" in panel.info.toPlainText()
    desk.click(panel.report_button)
    dialog = panel.open_dialog
    officers = dialog.findChild(QListWidget, "field_officers")
    ticked = [officers.item(i).text() for i in range(officers.count())
              if officers.item(i).checkState() == Qt.CheckState.Checked]  # fmt: skip
    assert len(ticked) == 2 and ticked[0].startswith("王强")  # the case's two handlers, ticked already
    desk.fill(dialog, {"findings": FINDINGS})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()

    assert "待审批" in panel.info.toPlainText() and FINDINGS in panel.info.toPlainText()
    assert not panel.report_button.isEnabled() and "待负责人审批" in panel.report_button.toolTip()
    head_panel = transfer_panel(desk, office.head, case_id)
    assert "待审批" in head_panel.info.toPlainText()
    assert not head_panel.report_button.isEnabled()  # a head decides; officers report


def test_a_report_by_one_officer_or_without_reasons_is_refused_and_changes_nothing(qtbot, sqlite_office):
    office = sqlite_office
    case_id = filed_case(office)
    before = db_snapshot(office, case_id)
    desk = Desk(qtbot, office)
    panel = transfer_panel(desk, office.officer, case_id)
    desk.click(panel.report_button)
    dialog = panel.open_dialog
    desk.confirm(dialog)
    assert dialog.isVisible() and dialog.ui.errorLabel.text() == "请填写“涉嫌犯罪的事实和理由”"
    officers = dialog.findChild(QListWidget, "field_officers")
    for i in range(officers.count()):
        if not officers.item(i).text().startswith("王强"):
            officers.item(i).setCheckState(Qt.CheckState.Unchecked)
    desk.fill(dialog, {"findings": FINDINGS})
    desk.confirm(dialog)
    assert dialog.isVisible() and "2 名以上持有效执法证件的执法人员" in dialog.ui.errorLabel.text()
    assert db_snapshot(office, case_id) == before


def test_after_the_heads_approval_the_receipt_is_recorded_with_its_scan(qtbot, sqlite_office, tmp_path):
    office = sqlite_office
    case_id = filed_case(office)
    desk = Desk(qtbot, office)
    panel = transfer_panel(desk, office.officer, case_id)
    assert not panel.receipt_button.isEnabled() and "批准移送后" in panel.receipt_button.toolTip()
    advance(office.ctx, office.head2, case_id, "transfer_police",
            {"reason": "涉嫌非法行医罪", "police_unit": "沂水县公安局", "procuratorate": "沂水县人民检察院"})  # fmt: skip
    office.at(date(2026, 11, 3))
    panel = transfer_panel(desk, office.officer, case_id)
    panel.show_case(get_case(office.ctx, office.officer, case_id))
    assert panel.receipt_button.isEnabled(), panel.receipt_button.toolTip()
    scan = tmp_path / "回执.pdf"
    scan.write_bytes(b"%PDF-1.4 receipt scan")
    desk.click(panel.receipt_button)
    dialog = panel.open_dialog
    desk.type_into(dialog.findChild(QLineEdit, "field_scan_path"), str(tmp_path / "没有这个文件.pdf"))
    approved_at = transfer_status(office.ctx, office.officer, case_id).decided_at
    assert f"{approved_at:%H:%M}" in dialog.ui.hintLabel.text()  # the 24 hours' end, to the minute
    # received on 11-03 at the minute of the approval: 24 hours later, still in time
    desk.fill(dialog, {"receiver": "刘警官", "received_time": f"{approved_at:%H:%M}"})
    desk.confirm(dialog)
    assert dialog.isVisible() and dialog.ui.errorLabel.text().startswith("找不到回执扫描件")
    desk.type_into(dialog.findChild(QLineEdit, "field_scan_path"), str(scan))
    assert dialog.findChild(QLineEdit, "field_unit").text() == "沂水县公安局"  # from the head's decision
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()

    receipt = transfer_status(office.ctx, office.officer, case_id).receipt
    assert receipt is not None and receipt.receiver == "刘警官" and receipt.scan_name == "回执.pdf"
    assert "沂水县公安局" in panel.info.toPlainText() and "刘警官" in panel.info.toPlainText()
    assert f"2026-11-03 {approved_at:%H:%M}" in panel.info.toPlainText() and receipt.on_time
    assert not panel.receipt_button.isEnabled() and panel.receipt_button.toolTip() == "移送回执已经登记"


def test_the_public_key_is_exported_with_its_fingerprint(qtbot, sqlite_office, tmp_path):
    office = sqlite_office
    desk = Desk(qtbot, office)
    panel = transfer_panel(desk, office.officer, filed_case(office))
    target = tmp_path / "公钥.pem"
    panel.export_public_key(str(target))
    desk.settle()
    assert target.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert "公钥指纹" in panel.message.text()
