"""The desk's 送达 dialog shows the fields each method of service requires (卫生健康行政处罚程序规定 arts.
53–57; 民事诉讼法 art. 95 for 公告送达, whose date is computed and shown), the 移送 panel shows the 24 hours
by the hour and what follows the police's answer, and the administrator names the transfer's approvers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, db_snapshot, new_case
from desk_driver import Desk
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget

from enforcement_desk.admin.agency_settings import get_settings
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.evidence.service import add_evidence
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.desk.case_side_dialogs import ServiceDialog
from enforcement_desk.procedure.steps import advance
from enforcement_desk.transfer.panel import TransferPanel
from enforcement_desk.transfer.service import record_transfer_receipt, transfer_status

pytestmark = pytest.mark.usefixtures("file_keyring")
SHOTS = "/tmp/h4_{}.png"


def _decided(office) -> int:
    case = new_case(office)
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    update_case(
        office.ctx,
        office.officer,
        case.id,
        get_case(office.ctx, office.officer, case.id).version,
        facts="事实",
    )
    advance(office.ctx, office.officer, case.id, "close_investigation")
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("警告", "罚款"), Decimal("3000"), **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-03"})
    office.at(date(2026, 11, 12))
    advance(office.ctx, office.head, case.id, "decide")
    return case.id


def _shown(dialog: ServiceDialog) -> set[str]:
    layout = dialog.ui.formLayout
    return {key for key, widget in dialog.inputs.items() if layout.isRowVisible(widget)}


def _open_service(desk: Desk, actor, case_id: int) -> ServiceDialog:
    workspace = desk.workspace(actor, case_id)
    desk.click(desk.button(workspace, "action_serve"))
    dialog = workspace.open_dialog
    assert isinstance(dialog, ServiceDialog) and dialog.isVisible()
    return dialog


def test_the_service_dialog_asks_for_what_each_method_requires(qtbot, sqlite_office, tmp_path):
    office = sqlite_office
    case_id = _decided(office)
    photo = tmp_path / "留置送达现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff door")
    add_evidence(office.ctx, office.officer, case_id, photo, evidence_type="视听资料")
    desk = Desk(qtbot, office)
    dialog = _open_service(desk, office.officer, case_id)
    assert _shown(dialog) == {"method", "served_on", "recipient"}
    method = dialog.findChild(QComboBox, "field_method")
    method.setCurrentText("留置送达")
    assert _shown(dialog) == {"method", "served_on", "recipient", "refusal_reason", "witnesses", "evidence"}
    assert "第五十五条" in dialog.findChild(QLabel, "serviceRule").text()
    method.setCurrentText("邮寄送达")
    assert _shown(dialog) == {"method", "served_on", "recipient", "receipt_ref"}
    assert dialog.ui.formLayout.labelForField(dialog.inputs["served_on"]).text() == "回执上注明的收件日期"
    method.setCurrentText("电子送达")
    assert _shown(dialog) == {"method", "served_on", "recipient", "consent_ref", "evidence"}
    assert "第五十七条" in dialog.findChild(QLabel, "serviceRule").text()
    method.setCurrentText("公告送达")
    assert _shown(dialog) == {"method", "notice_reason", "publication", "published_on"}  # no date to type
    desk.fill(dialog, {"published_on": date(2026, 11, 12)})
    deemed = dialog.findChild(QLabel, "deemedServedOn")
    assert deemed.text().startswith("2026-12-14")  # 11-12 + 30 = Saturday 12-12 → Monday 12-14
    dialog.grab().save(SHOTS.format("service_public_notice"))

    method.setCurrentText("留置送达")
    before = db_snapshot(office, case_id)
    desk.fill(dialog, {"refusal_reason": "法定代表人拒不签收", "recipient": "刘某"})
    desk.confirm(dialog)  # neither witnesses nor a record of the service
    assert dialog.isVisible() and "第五十五条" in dialog.ui.errorLabel.text()
    assert db_snapshot(office, case_id) == before
    evidence = dialog.findChild(QListWidget, "field_evidence")
    evidence.item(0).setCheckState(Qt.CheckState.Checked)
    desk.fill(dialog, {"witnesses": "村委会主任张某"})
    dialog.grab().save(SHOTS.format("service_left"))
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    served = get_case(office.ctx, office.officer, case_id)
    assert served.stage is Stage.SERVED and served.served_on == date(2026, 11, 12)


def test_public_notice_from_the_dialog_records_the_computed_date(qtbot, sqlite_office):
    office = sqlite_office
    case_id = _decided(office)
    desk = Desk(qtbot, office)
    desk.act(office.officer, case_id, "action_serve", method="公告送达", notice_reason="当事人下落不明",
             publication="沂水县人民政府网站", published_on=date(2026, 11, 12))  # fmt: skip
    assert get_case(office.ctx, office.officer, case_id).served_on == date(2026, 12, 14)


def test_the_transfer_panel_shows_the_hour_the_capacity_and_the_follow_up(qtbot, sqlite_office, tmp_path):
    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    advance(office.ctx, office.head, case_id, "transfer_police",
            {"reason": "涉嫌非法行医罪", "police_unit": "沂水县公安局", "procuratorate": "沂水县人民检察院"})  # fmt: skip
    approved_at = transfer_status(office.ctx, office.officer, case_id).decided_at
    scan = tmp_path / "回执.pdf"
    scan.write_bytes(b"%PDF-1.4")
    record_transfer_receipt(office.ctx, office.officer, case_id, scan, receiver="孙警官",
                            received_at=approved_at.replace(second=0, microsecond=0))  # fmt: skip
    office.at(date(2026, 11, 4))
    advance(office.ctx, office.officer, case_id, "police_declined", {"reason": "犯罪事实显著轻微"})
    desk = Desk(qtbot, office)
    workspace = desk.workspace(office.officer, case_id)
    panel = next(p for p in workspace.panels if isinstance(p, TransferPanel))
    workspace.tabs.setCurrentWidget(panel)
    text = panel.info.toPlainText()
    assert "陈军，正职负责人" in text and f"{approved_at:%H:%M}" in text and "在 24 小时移送期限内" in text
    assert "不予立案" in text and "提请公安机关复议期限" in text
    assert panel.reconsider_button.isVisible() and panel.reconsider_button.isEnabled()
    assert not panel.items_button.isVisible()
    workspace.resize(1100, 700)
    workspace.grab().save(SHOTS.format("transfer_panel"))
    desk.click(panel.reconsider_button)
    dialog = panel.open_dialog
    desk.fill(dialog, {"reason": "就诊人损害经鉴定为重度"})
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    status = transfer_status(office.ctx, office.officer, case_id)
    assert [f.kind for f in status.follow_ups] == ["reconsideration"]


def test_the_admin_names_the_approvers_from_the_desk(qtbot, sqlite_office):
    office = sqlite_office
    desk = Desk(qtbot, office)
    window = desk.window(office.admin)
    action = window.findChild(type(window.new_case_action), "transferApproversAction")
    assert action is not None
    head_window = desk.window(office.head)
    assert head_window.findChild(type(window.new_case_action), "transferApproversAction") is None
    action.trigger()
    dialog = window.approvers_dialog
    assert dialog.principal.currentData() == "chen" and dialog.presiding.currentData() == "liu"
    dialog.presiding.setCurrentIndex(dialog.presiding.findData(""))
    dialog.note.setText("刘洋不再主持工作")
    dialog.grab().save(SHOTS.format("approvers"))
    dialog.accept()
    desk.settle()
    assert not dialog.isVisible(), dialog.error.text()
    settings = get_settings(office.ctx, office.admin).settings
    assert (settings.transfer_principal_head, settings.transfer_presiding_head) == ("chen", "")
