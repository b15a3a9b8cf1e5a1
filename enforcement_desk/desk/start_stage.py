"""The start's work that needs no widget, on a thread while the window shows: opening the database,
checking its schema, the unattended sign-in, and loading the desk's modules."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEventLoop

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
            opened.sign_in_refusal = str(exc)
        preloading.join()
    return opened


def _preload_desk_modules() -> threading.Thread:
    """The desk's views and the services behind them load while the user types the password (or the
    password hash runs, which leaves the interpreter free): the desk then opens at once.

    A plain thread, not the desk's workers: it is started from the start's own worker thread, which
    joins it there; it hands nothing to the screen thread and touches no Qt object, so it needs no
    signal and no event loop."""

    def load() -> None:
        try:
            import enforcement_desk.procedure.desk.case_list_view
            import enforcement_desk.procedure.desk.today_view  # noqa: F401 - preloading: the import is the point
        except Exception:  # the GUI thread imports them again and reports the error
            pass

    thread = threading.Thread(target=load, name="desk-preload", daemon=True)
    thread.start()
    return thread


def wait_off_gui_thread(work: Callable[[], T], name: str) -> T:
    """Run `work` on a worker thread (desk/workers) while the GUI keeps painting and answering; its
    result, or its error raised here."""
    from enforcement_desk.desk.workers import BackgroundJob

    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finish(key: str, value: object) -> None:
        outcome[key] = value
        loop.quit()

    job = BackgroundJob(None, name, lambda _control: work(), lambda result: finish("result", result),
                        lambda exc: finish("error", exc), cancellable=False, show_after_ms=None)  # fmt: skip
    job.start()
    loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
