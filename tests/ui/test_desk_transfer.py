"""The desk builds a transfer package off the GUI thread and reports the key fingerprint."""

from __future__ import annotations

import pytest
from desk_driver import Desk

from enforcement_desk.transfer.service import public_key, verify_transfer_package

pytestmark = pytest.mark.usefixtures("file_keyring")


def test_the_desk_builds_the_package_in_the_background(qtbot, sqlite_office, tmp_path):
    from case_builders import new_case

    from enforcement_desk.procedure.cases import get_case, update_case
    from enforcement_desk.procedure.steps import advance

    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    update_case(office.ctx, office.officer, case_id, get_case(office.ctx, office.officer, case_id).version,
                facts="当事人未取得医生执业资格行医。", evidence_summary="现场笔录、询问笔录、病历 3 份")  # fmt: skip
    advance(office.ctx, office.head2, case_id, "transfer_police",  # the 移送书 names whom it goes to
            {"reason": "涉嫌非法行医罪", "police_unit": "沂水县公安局", "procuratorate": "沂水县人民检察院"})
    workspace = Desk(qtbot, office).workspace(office.head, case_id)
    assert workspace.findChild(type(workspace.summary.save), "side_transfer_package") is not None
    target = tmp_path / "desk.zip"
    workspace._transfer_package(str(target))
    qtbot.waitUntil(lambda: workspace.transfer_job is None, timeout=20_000)
    assert "签名公钥指纹" in workspace.transfer_message
    _, printed = public_key(office.ctx, office.head)
    assert printed in workspace.transfer_message
    assert verify_transfer_package(target, key_fingerprint=printed).ok
