"""The desk's operation runner, after Anki's CollectionOp/QueryOp and OpChanges.

A write (`run_write`) calls its service on a worker thread while the user's input is held back, then,
on the screen thread, hands the result to the panel that asked and announces what changed on the
app-wide `ChangeBus`; every open view decides from the `Changes` whether it must show itself afresh
(`keep_fresh`). A slow read (`run_query`) runs the same way without the announcement. A refusal is
shown with the rule and article behind it (`error_text`), never as the bare message. A database kept
busy by another user's save (DatabaseBusy: nothing was saved) offers 重试, which runs the same operation
again; 取消 hands the refusal to the caller as any other.

Services open their own session per call (store/db.Database.write/read) and the engine's pool hands
each thread its own connection (SQLite files are opened with check_same_thread off), so a service may
run on any thread. The widgets may not: a write's arguments are read from them before it starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from enforcement_desk.core.errors import DatabaseBusy
from enforcement_desk.desk.messages import offer_retry, show_error
from enforcement_desk.desk.workers import BackgroundJob, jobs_running, wait_for_jobs

T = TypeVar("T")

# A write that takes longer than this shows a progress dialog; a quick one shows nothing.
PROGRESS_AFTER_MS = 400


@dataclass(frozen=True)
class Changes:
    """What a write changed, for the open views to decide whether to show themselves afresh."""

    cases: frozenset[int] = frozenset()  # cases whose own record changed: their workspaces reload
    case_list: bool = False  # a case came, or a column of the list (stage, party, fine) moved
    deadlines: bool = False  # a legal period started, stopped or moved
    evidence: bool = False
    documents: bool = False
    supervision: bool = False  # draws, inspection results, complaints
    credit: bool = False  # points and the blacklist; the cases show their party's credit warning
    statistics: bool = False
    parties: bool = False

    @classmethod
    def to_case(cls, case_id: int, **also: bool) -> Changes:
        """A step, record or edit of one case: its row in the list, its periods and the figures may
        move with it."""
        return cls(cases=frozenset({case_id}), case_list=True, deadlines=True, statistics=True, **also)

    def __or__(self, other: Changes) -> Changes:
        flags = {f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self) if f.name != "cases"}
        return Changes(cases=self.cases | other.cases, **flags)


class ChangeBus(QObject):
    """Application-wide: `changed(changes, source)` after every write; `source` is the widget that
    ran it (a view that showed the result itself may skip it)."""

    changed = Signal(object, object)


_BUS: list[ChangeBus] = []


def change_bus() -> ChangeBus:
    """The one bus of the application (made on first use, on the screen thread)."""
    if not _BUS:
        _BUS.append(ChangeBus())
    return _BUS[0]


def comes_from(source: object, view: QObject) -> bool:
    """Whether a write was run by `view` or by something of it (a panel in it, a dialog it opened)."""
    while isinstance(source, QObject):
        if source is view:
            return True
        source = source.parent()
    return False


def run_write(
    parent: QWidget,
    title: str,
    work: Callable[..., T],
    *,
    changes: Changes | Callable[[T], Changes],
    on_done: Callable[[T], Any] | None = None,
    on_refused: Callable[[BaseException], Any] | None = None,
    long: bool = False,
    changes_on_failure: bool = False,
) -> BackgroundJob:
    """Run `work()` (a service call whose arguments were read from the widgets beforehand) off the
    screen thread; then `on_done(result)` and the announcement of `changes` (or `changes(result)`).

    A refusal goes to `on_refused(exc)`, by default a message box with its rule. `long` work is
    called with a JobControl (progress, 取消) and shows its progress dialog at once; other work shows
    one only when it takes longer than PROGRESS_AFTER_MS. Work made of several transactions (files
    added one by one) announces `changes_on_failure` too: the steps before the failure stay.
    """

    def job(control):
        return work(control) if long else work()

    def announce(ok: bool) -> None:
        if ok or changes_on_failure:
            made = changes(runner.result) if callable(changes) and ok else changes
            if isinstance(made, Changes):  # the data changed even if the one who asked is gone
                change_bus().changed.emit(made, parent if isValid(parent) else None)

    refused = on_refused or (lambda exc: show_error(parent, exc, f"未能{title}"))

    def again() -> None:
        run_write(parent, title, work, changes=changes, on_done=on_done, on_refused=on_refused, long=long,
                  changes_on_failure=changes_on_failure)  # fmt: skip

    def busy_or_refused(exc: BaseException) -> None:
        # Work made of several transactions is not run again whole: the steps before the failure stay.
        if isinstance(exc, DatabaseBusy) and not changes_on_failure and isValid(parent):
            offer_retry(parent, exc, f"未能{title}", again, on_cancel=lambda: refused(exc))
        else:
            refused(exc)

    runner = BackgroundJob(
        parent, title, job, on_done or (lambda _result: None), busy_or_refused,
        cancellable=long, show_after_ms=0 if long else PROGRESS_AFTER_MS, hold_input=True,
    )  # fmt: skip
    runner.ended.connect(announce)
    runner.start()
    return runner


def run_query(
    parent: QObject,
    work: Callable[[], T],
    on_done: Callable[[T], Any],
    on_failed: Callable[[BaseException], Any] | None = None,
    *,
    title: str = "",
) -> BackgroundJob:
    """Run a slow read off the screen thread; `on_done(result)` on it. The user goes on working
    meanwhile; with a `title`, a progress dialog shows when it takes long."""
    failed = on_failed or (lambda exc: show_error(parent if isinstance(parent, QWidget) else None, exc))

    def again() -> None:
        run_query(parent, work, on_done, on_failed, title=title)

    def busy_or_failed(exc: BaseException) -> None:
        if isinstance(exc, DatabaseBusy) and isinstance(parent, QWidget) and isValid(parent):
            offer_retry(parent, exc, "无法读取", again, on_cancel=lambda: failed(exc))
        else:
            failed(exc)

    runner = BackgroundJob(
        parent, title, lambda _control: work(), on_done, busy_or_failed,
        cancellable=False, show_after_ms=PROGRESS_AFTER_MS if title else None,
    )  # fmt: skip
    runner.start()
    return runner


def operations_running() -> int:
    """Writes and reads not yet over, their callbacks and announcement included."""
    return jobs_running()


def wait_for_operations(msecs: int = 5000) -> bool:
    """Block until no operation is still using the database (before it is closed)."""
    return wait_for_jobs(msecs)


class _Freshness(QObject):
    def __init__(self, view: QWidget, wants: Callable[[Changes, object], bool], refresh: Callable[[], Any],
                 catch_up: bool):  # fmt: skip
        super().__init__(view)  # goes with the view, and its connection to the bus with it
        self.view, self.wants, self.refresh, self.catch_up = view, wants, refresh, catch_up
        self.stale = False
        change_bus().changed.connect(self._changed)
        view.installEventFilter(self)

    def _changed(self, changes: Changes, source: object) -> None:
        if not self.wants(changes, source):
            return
        if self.view.isVisible():
            self._refresh()
        elif self.catch_up:
            self.stale = True

    def _refresh(self) -> None:
        self.stale = False
        try:
            self.refresh()
        except Exception as exc:  # a view that cannot refresh says so and stays usable
            show_error(self.view, exc, "无法刷新")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.stale and watched is self.view and event.type() == QEvent.Type.Show:
            self._refresh()
        return False


def keep_fresh(
    view: QWidget,
    wants: Callable[[Changes, object], bool],
    refresh: Callable[[], Any],
    *,
    catch_up_when_shown: bool = True,
) -> None:
    """`refresh()` the view after each write whose changes it `wants(changes, source)`: at once while
    it is on screen; a hidden one the next time it shows (unless it refreshes on every show anyway)."""
    _Freshness(view, wants, refresh, catch_up_when_shown)
