"""Starting the desk: the window first, then database, first run, demo data, sign-in, the desk.

Only Qt is loaded before the window shows: the database layer (SQLAlchemy, the models, the services)
is imported and the database opened on a thread (start_stage) while the window already says what is
happening.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from enforcement_desk import APP_NAME, APP_TITLE, __version__
from enforcement_desk.app_logging import configure_logging, install_excepthook, logger
from enforcement_desk.core.errors import DomainError
from enforcement_desk.desk.fonts import apply_chinese_font
from enforcement_desk.desk.messages import error_text

if TYPE_CHECKING:
    from enforcement_desk.context import Actor, AppContext
    from enforcement_desk.desk.main_window import MainWindow
    from enforcement_desk.desk.start_stage import OpenedDatabase

START_REPORT_ENV = "ENFORCEMENT_DESK_START_REPORT"  # a file: when the window showed, when the desk was ready


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName(APP_TITLE)
        app.setApplicationVersion(__version__)
        apply_chinese_font(app)
    return app  # type: ignore[return-value]


def demo_database_url() -> str:
    from enforcement_desk.paths import user_data_dir

    folder = user_data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'demo.sqlite3'}"


def _show_crash(reference: str, message: str) -> None:
    QMessageBox.critical(
        None,
        "程序错误",
        f"程序发生未预期的错误（参考编号 {reference}）。\n{message}\n\n请将参考编号告知系统管理员；详情已写入日志。",
    )


def _build_demo_with_progress(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """The demo drives ~30 cases through the services, case by case in a progress dialog that can
    cancel it; False when the user cancelled (the database then holds an unfinished demo)."""
    from enforcement_desk.admin.demo import DemoCancelled, build_demo
    from enforcement_desk.desk.workers import BackgroundJob

    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def job(control) -> object:
        control.progress(0, 0, "正在生成演示数据…")
        return build_demo(ctx, progress=control.progress, cancelled=control.cancelled)

    def done(result: object) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    runner = BackgroundJob(parent, "演示数据", job, done, failed)
    runner.start()
    loop.exec()
    if isinstance(outcome.get("error"), DemoCancelled):
        return False
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return True


def discard_unfinished_demo(url: str | None, parent: QWidget | None) -> None:
    """A cancelled demo is removed when it is the desk's own demo database (its folder holds nothing
    else); a database the user named is left alone, with a word on what it holds."""
    import shutil

    if url == demo_database_url():
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        return
    QMessageBox.information(
        parent, "演示数据", f"演示数据没有生成完整，数据库中只有一部分演示案件：{url}\n请换一个新的空数据库再生成。"
    )


def prepare_database(ctx: AppContext, demo: bool, parent: QWidget | None = None) -> bool:
    """Schema up to date and an agency present; False when the user gave up on the first run or
    cancelled the demo."""
    from enforcement_desk.admin.setup import ensure_schema, is_initialized

    if demo and not is_initialized(ctx):
        return _build_demo_with_progress(ctx, parent)
    ensure_schema(ctx)
    if is_initialized(ctx):
        return True
    from enforcement_desk.admin.desk.first_run_dialog import FirstRunDialog

    return FirstRunDialog(ctx, parent).exec() == QDialog.DialogCode.Accepted


def _sign_in(window: MainWindow, opened: OpenedDatabase, demo: bool, user: str | None) -> Actor | None:
    if opened.actor is not None:
        return opened.actor
    if opened.sign_in_refusal:
        QMessageBox.warning(window, "无法登录", opened.sign_in_refusal)
        return None
    from enforcement_desk.admin.desk.login_dialog import LoginDialog

    window.show_progress("请登录")
    dialog = LoginDialog(opened.ctx, opened.agency_name, window)
    if user:
        dialog.ui.loginEdit.setText(user)
        dialog.ui.passwordEdit.setFocus()
    if demo:
        dialog.ui.agencyLabel.setText(
            f"{opened.agency_name}\n演示数据库：用户 wangqiang / zhoumin / chenjun，密码 demo-pass-2026"
        )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor


def _note_start(milestone: str) -> None:
    """For measuring a start from outside (bench/bench_gui_start.py): wall-clock time per milestone."""
    report = os.environ.get(START_REPORT_ENV)
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(f"{milestone} {time.time():.6f}\n")


def _database_url(db_url: str | None, demo: bool) -> str | None:
    from enforcement_desk.desk.main_window import saved_database_url

    url = db_url or (demo_database_url() if demo else saved_database_url())
    if url and url.startswith("postgresql"):
        from enforcement_desk.admin.server_connection import url_with_stored_password

        url = url_with_stored_password(url)
    return url


def run_gui(
    db_url: str | None = None,
    evidence_dir: Path | str | None = None,
    demo: bool = False,
    *,
    user: str | None = None,
    exit_after_start: bool = False,
) -> int:
    """Open the desk. With `user` and ENFORCEMENT_DESK_PASSWORD set, sign in without the dialog
    (unattended checks of an installation); otherwise the sign-in dialog asks."""
    app = application()
    install_excepthook(_show_crash)
    from enforcement_desk.desk.main_window import MainWindow
    from enforcement_desk.desk.start_stage import open_database, ready_for_sign_in, wait_off_gui_thread

    window = MainWindow()
    window.show()
    app.processEvents()
    _note_start("window")
    configure_logging()  # after the window: the rotating file handler's imports are not needed to show it
    try:
        url = _database_url(db_url, demo)
        evidence = Path(evidence_dir) if evidence_dir else None
        opened = wait_off_gui_thread(lambda: open_database(url, evidence, demo, user), "desk-start")
        if not opened.ready:
            window.show_progress("首次使用：请设置机构与管理员" if not demo else "正在生成演示数据…")
            if not prepare_database(opened.ctx, demo, window):
                opened.ctx.close()
                if demo:
                    discard_unfinished_demo(url, window)
                return 0
            ctx = opened.ctx
            opened = wait_off_gui_thread(lambda: ready_for_sign_in(ctx, user), "desk-start")
    except DomainError as exc:
        QMessageBox.warning(window, "无法打开数据库", str(exc))
        return 1
    except Exception as exc:  # a locked file, an unreachable server: say so, log the rest
        QMessageBox.critical(window, "无法打开数据库", error_text(exc))
        return 1
    ctx = opened.ctx
    if not window.isVisible():  # closed while the database was opening
        ctx.close()
        return 0
    actor = _sign_in(window, opened, demo, user)
    if actor is None:
        ctx.close()
        return 0
    window.open_desk(ctx, actor, opened.agency_name)
    app.processEvents()
    _note_start("ready")
    logger.info(
        "desk opened by %s on %s", actor.login, ctx.db.engine.url.render_as_string(hide_password=True)
    )
    if exit_after_start:  # painted above; an installation check or a benchmark needs no more
        ctx.close()
        return 0
    code = app.exec()
    from enforcement_desk.admin.audit_anchor import anchor_after_writes

    warning = anchor_after_writes(ctx.db)  # this PC's signed checkpoint of the audit chain's head
    if warning:
        logger.warning("%s", warning)
    ctx.close()
    return code
