"""The start: the window shows before the database layer loads, then sign-in, then the desk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from case_builders import new_case
from conftest import PASSWORD
from desk_driver import Desk
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from enforcement_desk.admin.desk.login_dialog import LoginDialog
from enforcement_desk.desk.app import START_REPORT_ENV, run_gui
from enforcement_desk.desk.main_window import MainWindow

FRAME_ONLY = """
import sys
from enforcement_desk.cli.main import build_parser
from enforcement_desk.desk.app import application
from enforcement_desk.desk.main_window import MainWindow
build_parser()
app = application()
window = MainWindow()
window.show()
app.processEvents()
FEATURES = ("procedure", "discretion", "evidence", "documents", "transfer", "supervision", "admin")
def is_service(name):  # a feature's services (its desk panels may load; its services may not), the store
    parts = name.split(".")
    return parts[0] == "enforcement_desk" and len(parts) > 1 and (
        parts[1] in ("store", "context") or (parts[1] in FEATURES and len(parts) > 2 and parts[2] not in ("desk", "panel")))
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "reportlab", "docx")
                or is_service(m))
print(window.starting.status.text())
print(" ".join(loaded) or "-")
"""


def test_the_window_shows_before_the_database_layer_is_imported(tmp_path: Path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENFORCEMENT_DESK_HOME": str(tmp_path)}
    shown = subprocess.run([sys.executable, "-c", FRAME_ONLY], env=env, capture_output=True, text=True, check=True)
    status, loaded = shown.stdout.splitlines()
    assert status == "正在打开数据库…"
    assert loaded == "-", f"imported before the window showed: {loaded}"


def test_the_desk_opens_its_window_first_then_asks_for_sign_in_then_fills_it(
    qtbot, sqlite_office, tmp_path: Path, monkeypatch
):
    monkeypatch.delenv("ENFORCEMENT_DESK_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; put back after
    report = tmp_path / "start.txt"
    monkeypatch.setenv(START_REPORT_ENV, str(report))
    case = new_case(sqlite_office)
    url = str(sqlite_office.ctx.db.engine.url)
    desk, seen = Desk(qtbot, None), {}

    def answer_the_sign_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, answer_the_sign_in)
            return
        window = dialog.parent()
        seen.update(window=window, status=window.starting.status.text(), agency=dialog.ui.agencyLabel.text())
        assert isinstance(window, MainWindow) and window.isVisible() and window.ctx is None
        desk.type_into(dialog.ui.passwordEdit, PASSWORD)
        desk.confirm(dialog)

    QTimer.singleShot(0, answer_the_sign_in)
    code = run_gui(url, tmp_path / "evidence", user="wang", exit_after_start=True)

    assert code == 0
    window = seen["window"]
    assert seen["status"] == "请登录" and seen["agency"] == "沂水县卫生健康综合监督执法局"
    assert window.actor.login == "wang" and window.centralWidget() is window.tabs
    assert [window.tabs.tabText(i) for i in range(2)] == ["今日", "案件"]
    assert window.cases.model.case_id_at(0) == case.id and window.cases.model.rowCount() == 1
    milestones = [line.split()[0] for line in report.read_text(encoding="utf-8").splitlines()]
    assert milestones == ["window", "ready"]
    window.close()


def test_a_wrong_unattended_password_is_refused_over_the_window_and_nothing_opens(
    qtbot, sqlite_office, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", "not-the-password")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    messages = []

    def read_the_refusal() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, read_the_refusal)
            return
        messages.append((box.windowTitle(), box.text(), type(box.parent()).__name__))
        box.close()

    QTimer.singleShot(0, read_the_refusal)
    code = run_gui(str(sqlite_office.ctx.db.engine.url), tmp_path / "evidence", user="wang", exit_after_start=True)
    assert code == 0
    assert messages and messages[0][0] == "无法登录" and "密码" in messages[0][1]
    assert messages[0][2] == "MainWindow"
