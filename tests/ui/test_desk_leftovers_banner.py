"""At start the desk looks, in the background, for what killed imports left in the evidence store and
tells administrators on the today view; other users are not bothered with it."""

from __future__ import annotations

import os
import time

from desk_driver import Desk

from enforcement_desk.store.blobs import BlobStore


def test_the_today_view_tells_an_administrator_about_an_old_orphan_file(qtbot, sqlite_office):
    office = sqlite_office
    orphan = BlobStore(office.ctx.evidence_dir).put_bytes(os.urandom(2048))
    old = time.time() - 2 * 3600
    os.utime(orphan.path, (old, old))
    desk = Desk(qtbot, office)

    today = desk.window(office.admin).today
    qtbot.waitUntil(
        lambda: today.leftovers_check is not None and today.leftovers_check.finished_flag, timeout=20_000
    )
    qtbot.waitUntil(today.leftovers.isVisible, timeout=5_000)
    assert "没有任何记录引用的证据文件：1 个" in today.leftovers.text()
    assert "evidence gc" in today.leftovers.text()

    officer_today = desk.window(office.officer).today
    assert officer_today.leftovers_check is None and not officer_today.leftovers.isVisible()


def test_a_clean_store_shows_no_banner(qtbot, sqlite_office):
    office = sqlite_office
    desk = Desk(qtbot, office)
    today = desk.window(office.admin).today
    qtbot.waitUntil(
        lambda: today.leftovers_check is not None and today.leftovers_check.finished_flag, timeout=20_000
    )
    qtbot.wait(50)
    assert not today.leftovers.isVisible()
