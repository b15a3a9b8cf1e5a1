"""The desk when another user's save holds the database: the officer reads that the database is busy
(in Chinese, with nothing saved) and can press 重试, which runs the same save again."""

from __future__ import annotations

import dataclasses

from case_builders import new_case
from desk_driver import Desk
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from store.test_availability import write_lock_held_by_another_process

from enforcement_desk.context import AppContext
from enforcement_desk.desk.messages import RETRY
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.store.db import BUSY_TIMEOUT_ENV

FACTS = "当事人未取得医疗机构执业许可证，在许家湖镇开展静脉输液等诊疗活动。"


def _busy_box() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "busyBox" and w.isVisible()]
    return boxes[0] if boxes else None


def test_a_save_that_meets_another_users_lock_offers_retry_and_retry_saves(qtbot, sqlite_office, monkeypatch):
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "300")
    office = dataclasses.replace(
        sqlite_office, ctx=AppContext.open(sqlite_office.ctx.db.url, sqlite_office.ctx.evidence_dir)
    )
    office.ctx.today_override = sqlite_office.ctx.today_override
    try:
        case_id = new_case(office).id
        desk = Desk(qtbot, office)
        summary = desk.workspace(office.officer, case_id).summary
        summary.facts.setPlainText(FACTS)
        with write_lock_held_by_another_process(office.ctx.db.sqlite_file):
            qtbot.mouseClick(summary.save, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: _busy_box() is not None, timeout=20_000)
            box = _busy_box()
            assert "数据库正忙：其他用户正在保存，请稍后重试" in box.text()
            assert get_case(office.ctx, office.officer, case_id).facts != FACTS  # nothing saved
        retry = next(b for b in box.buttons() if b.text() == RETRY)
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
        desk.settle()
        qtbot.waitUntil(lambda: summary.message.text() == "已保存", timeout=20_000)
        assert get_case(office.ctx, office.officer, case_id).facts == FACTS
    finally:
        office.ctx.close()
