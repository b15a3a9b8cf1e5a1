"""The start's work that needs no widget, on a thread while the window shows: opening the database,
checking its schema, the unattended sign-in, and loading the desk's modules."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Signal

from enforcement_desk.core.errors import DomainError

if TYPE_CHECKING:
    from enforcement_desk.context import Actor, AppContext

T = TypeVar("T")


@dataclass
class OpenedDatabase:
    """What the start found, off the GUI thread: the database, whether it is ready for sign-in, and
    the user signed in unattended (or why not)."""

    ctx: AppContext
    ready: bool
    agency_name: str = ""
    actor: Actor | None = None
    sign_in_refusal: str = ""


def open_database(url: str | None, evidence_dir: Path | None, demo: bool, user: str | None) -> OpenedDatabase:
    """Everything of the start that needs no widget. Runs on a thread: the imports alone take longer
    than showing the window."""
    from enforcement_desk.admin.setup import ensure_schema, is_initialized
    from enforcement_desk.context import AppContext

    ctx = AppContext.open(url, evidence_dir)
    if not demo or is_initialized(ctx):  # a new demo database is built whole by build_demo
        ensure_schema(ctx)
    if not is_initialized(ctx):
        return OpenedDatabase(ctx, ready=False)
    return ready_for_sign_in(ctx, user)


def ready_for_sign_in(ctx: AppContext, user: str | None) -> OpenedDatabase:
    from enforcement_desk.admin.setup import agency_title

    opened = OpenedDatabase(ctx, ready=True, agency_name=agency_title(ctx))
    preloading = _preload_desk_modules()
    password = os.environ.get("ENFORCEMENT_DESK_PASSWORD")
    if user and password:
        from enforcement_desk.admin.auth import login

        try:
            opened.actor = login(ctx, user, password)
        except DomainError as exc:
            opened.sign_in_refusal = exc.message
        preloading.join()
    return opened


def _preload_desk_modules() -> threading.Thread:
    """The desk's views and the services behind them load while the user types the password (or the
    password hash runs, which leaves the interpreter free): the desk then opens at once."""

    def load() -> None:
        try:
            import enforcement_desk.procedure.desk.case_list_view  # noqa: F401
            import enforcement_desk.procedure.desk.today_view  # noqa: F401
        except Exception:  # noqa: BLE001, S110 - the GUI thread imports them again and reports the error
            pass

    thread = threading.Thread(target=load, name="desk-preload", daemon=True)
    thread.start()
    return thread


class _Relay(QObject):
    done = Signal()


def wait_off_gui_thread(work: Callable[[], T], name: str) -> T:
    """Run `work` on a thread while the GUI keeps painting and answering; its result, or its error
    raised here. (The signal crosses threads, so it arrives queued in this thread's loop.)"""
    loop = QEventLoop()
    relay = _Relay()
    relay.done.connect(loop.quit)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - raised again on the GUI thread
            outcome["error"] = exc
        finally:
            relay.done.emit()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    loop.exec()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
