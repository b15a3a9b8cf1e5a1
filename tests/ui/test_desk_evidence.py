"""Evidence in the desk: a recorder card imported in the background with progress, then voided."""

from __future__ import annotations

from datetime import date

from case_builders import new_case
from desk_driver import Desk
from PIL import Image

from enforcement_desk.evidence.panel import EvidencePanel
from enforcement_desk.evidence.service import list_evidence
from enforcement_desk.procedure.steps import advance


def test_a_card_is_imported_off_the_gui_thread_and_shown(qtbot, sqlite_office, tmp_path):
    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    card = tmp_path / "DCIM"
    card.mkdir()
    for name, colour in (("IMG_0001.JPG", "red"), ("IMG_0002.JPG", "blue")):
        Image.new("RGB", (32, 32), colour).save(card / name)
    (card / "VID_0001.MP4").write_bytes(b"\0" * 300_000)
    desk = Desk(qtbot, office)
    desk.at(date(2026, 11, 3))
    workspace = desk.workspace(office.officer, case_id)
    panel = next(p for p in workspace.panels if isinstance(p, EvidencePanel))
    workspace.tabs.setCurrentWidget(panel)
    panel.import_card(card)
    assert panel.job is not None
    qtbot.waitUntil(lambda: panel.job is None, timeout=20_000)
    assert panel.table.rowCount() == 3, panel.message.text()
    assert panel.message.text() == "已登记 3 个记录仪文件"
    assert {panel.table.item(r, 0).text() for r in range(3)} == {"视听资料"}
    assert len(list_evidence(office.ctx, office.officer, case_id)) == 3


def test_someone_who_is_not_a_handler_cannot_add_evidence_in_the_desk(qtbot, sqlite_office):
    office = sqlite_office
    case_id = new_case(office).id
    workspace = Desk(qtbot, office).workspace(office.officer3, case_id)
    panel = next(p for p in workspace.panels if isinstance(p, EvidencePanel))
    assert not panel.add_button.isEnabled() and "承办人" in panel.add_button.toolTip()
