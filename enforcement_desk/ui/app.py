"""Starting the desk: database, first run, demo data, sign-in, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from enforcement_desk import APP_NAME, APP_TITLE, __version__
from enforcement_desk.app_logging import configure_logging, install_excepthook, logger
from enforcement_desk.core.errors import DomainError
from enforcement_desk.paths import user_data_dir
from enforcement_desk.services.context import AppContext
from enforcement_desk.services.setup import ensure_schema, is_initialized
from enforcement_desk.ui.fonts import apply_chinese_font
from enforcement_desk.ui.messages import error_text


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
    folder = user_data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'demo.sqlite3'}"


def _show_crash(reference: str, message: str) -> None:
    QMessageBox.critical(
        None,
        "程序错误",
        f"程序发生未预期的错误（参考编号 {reference}）。\n{message}\n\n请将参考编号告知系统管理员；详情已写入日志。",
    )


def _build_demo_with_progress(ctx: AppContext) -> None:
    """The demo drives ~30 cases through the services; a progress dialog keeps the window alive."""
    from enforcement_desk.services.demo import build_demo
    from enforcement_desk.ui.workers import BackgroundJob

    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def job(control) -> object:  # noqa: ANN001
        control.progress(0, 0, "正在生成演示数据（约 30 件案件）…")
        return build_demo(ctx)

    def done(result: object) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    runner = BackgroundJob(None, "演示数据", job, done, failed, cancellable=False)
    runner.start()
    loop.exec()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]


def prepare_database(ctx: AppContext, demo: bool) -> bool:
    """Schema up to date and an agency present; False when the user gave up on the first run."""
    if demo and not is_initialized(ctx):
        _build_demo_with_progress(ctx)
        return True
    ensure_schema(ctx)
    if is_initialized(ctx):
        return True
    from enforcement_desk.ui.first_run_dialog import FirstRunDialog

    return FirstRunDialog(ctx).exec() == QDialog.DialogCode.Accepted


def agency_name(ctx: AppContext) -> str:
    from enforcement_desk.services.setup import agency_title

    return agency_title(ctx)


def _load_main_window() -> None:
    import enforcement_desk.ui.main_window  # noqa: F401


def _sign_in(ctx: AppContext, name: str, demo: bool, user: str | None):  # noqa: ANN202
    import os

    from enforcement_desk.services.auth import login as sign_in
    from enforcement_desk.ui.login_dialog import LoginDialog

    password = os.environ.get("ENFORCEMENT_DESK_PASSWORD")
    if user and password:
        from concurrent.futures import ThreadPoolExecutor

        # The password hash takes a fixed, deliberate effort in C without the GIL: the window's
        # modules load on this thread meanwhile.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(sign_in, ctx, user, password)
            _load_main_window()
            try:
                return pending.result()
            except DomainError as exc:
                QMessageBox.warning(None, "无法登录", exc.message)
                return None
    dialog = LoginDialog(ctx, name)
    # Once the dialog is painted, the main window's modules load while the user types (keystrokes
    # queue meanwhile, none are lost).
    QTimer.singleShot(300, _load_main_window)
    if user:
        dialog.ui.loginEdit.setText(user)
    if demo:
        dialog.ui.agencyLabel.setText(
            f"{name}\n演示数据库：用户 wangqiang / zhoumin / chenjun，密码 demo-pass-2026"
        )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor


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
    configure_logging()
    app = application()
    install_excepthook(_show_crash)
    from enforcement_desk.ui.main_window import saved_database_url

    url = db_url or (demo_database_url() if demo else saved_database_url())
    if url and url.startswith("postgresql"):
        from enforcement_desk.services.server_connection import url_with_stored_password

        url = url_with_stored_password(url)
    try:
        ctx = AppContext.open(url, Path(evidence_dir) if evidence_dir else None)
        if not prepare_database(ctx, demo):
            return 0
    except DomainError as exc:
        QMessageBox.warning(None, "无法打开数据库", exc.message)
        return 1
    except Exception as exc:  # noqa: BLE001 - a locked file, an unreachable server: say so, log the rest
        QMessageBox.critical(None, "无法打开数据库", error_text(exc))
        return 1
    from enforcement_desk.ui.main_window import MainWindow

    name = agency_name(ctx)
    actor = _sign_in(ctx, name, demo, user)
    if actor is None:
        return 0
    window = MainWindow(ctx, actor, name)
    window.show()
    logger.info(
        "desk opened by %s on %s", actor.login, ctx.db.engine.url.render_as_string(hide_password=True)
    )
    if exit_after_start:
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    ctx.close()
    return code
