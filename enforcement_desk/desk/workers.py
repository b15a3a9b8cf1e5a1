"""Work off the GUI thread: the desk's one mechanism for it (a QThread per job), used by the operation
runner (desk/operations.py) for writes and slow reads, and directly for the long jobs with progress."""

from __future__ import annotations

import atexit
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid


class Cancelled(Exception):
    """Raised inside a job when the user pressed 取消."""


class JobControl:
    """Handed to a job: report progress, and ask whether the user cancelled."""

    def __init__(self, worker: _Worker):
        self._worker = worker
        self.cancel_requested = False

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._worker.progressed.emit(int(done), int(total), text)

    def cancelled(self) -> bool:
        return self.cancel_requested

    def check(self) -> None:
        if self.cancel_requested:
            raise Cancelled()


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, job: Callable[[JobControl], Any]):
        super().__init__()
        self.job = job
        self.control = JobControl(self)

    def run(self) -> None:
        try:
            result = self.job(self.control)
        except BaseException as exc:  # handed to the GUI thread, which shows it
            self.failed.emit((exc, sys.exc_info()[2]))
        else:
            self.finished.emit(result)
        finally:
            # The thread ends with its work, not when the GUI thread gets round to its end: a GUI thread
            # that waits for the thread (finish_now, wait_for_jobs) would otherwise wait for itself.
            QThread.currentThread().quit()


class _InputHold(QObject):
    """Keyboard and mouse input is held back while a write is in flight: the second click of a double
    click, or a keystroke into the fields being saved, must not act on what is being changed. Input to
    the progress dialogs still goes through (their 取消)."""

    HELD = frozenset({
        QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
        QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Shortcut, QEvent.Type.Wheel,
        QEvent.Type.ContextMenu, QEvent.Type.InputMethod, QEvent.Type.TouchBegin,
    })  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.holders = 0

    def hold(self) -> None:
        app = QCoreApplication.instance()
        if self.holders == 0 and app is not None:
            app.installEventFilter(self)
        self.holders += 1

    def release(self) -> None:
        self.holders = max(0, self.holders - 1)
        app = QCoreApplication.instance()
        if self.holders == 0 and app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in self.HELD:
            return False
        return not (isinstance(watched, QWidget) and any(_within(watched, job.dialog) for job in _RUNNING))


def _within(widget: QWidget, dialog: QWidget | None) -> bool:
    return dialog is not None and isValid(dialog) and (widget is dialog or dialog.isAncestorOf(widget))


_RUNNING: set[BackgroundJob] = set()  # also what keeps a job alive when its caller drops it
_HOLD = _InputHold()


@atexit.register
def _let_running_jobs_finish() -> None:
    # A process that ends while a job's QThread still runs is aborted by Qt ("QThread: Destroyed while
    # thread is still running"); a count or a read has a moment to finish instead.
    for job in list(_RUNNING):
        job.thread.wait(10_000)


class BackgroundJob(QObject):
    """Runs `job(control)` in a QThread; `done(result)` or `error(exc)` are called on the GUI thread,
    unless `parent` was deleted meanwhile (a closed tab: there is nothing left to tell); `ended(ok)`
    follows them in any case.

    The progress dialog (window-modal over `parent`) shows after `show_after_ms`, or never when it is
    None; `hold_input` holds back the user's input until the job is over (writes)."""

    ended = Signal(bool)  # after done/error (or in their place): whether the job succeeded

    def __init__(
        self,
        parent: QObject | None,
        title: str,
        job: Callable[[JobControl], Any],
        done: Callable[[Any], None],
        error: Callable[[BaseException], None],
        *,
        cancellable: bool = True,
        show_after_ms: int | None = 300,
        hold_input: bool = False,
    ):
        # No QObject parent: a job outlives the tab that started it rather than be deleted running.
        super().__init__()
        self.parent_widget, self.title, self.cancellable = parent, title, cancellable
        self.thread = QThread(self)
        self.worker = _Worker(job)
        self.worker.moveToThread(self.thread)
        self.dialog: QProgressDialog | None = None
        self.show_after_ms, self.hold_input = show_after_ms, hold_input
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progress)
        self.worker.finished.connect(self._finish)
        self.worker.failed.connect(self._fail)
        self._done, self._error = done, error
        self.result: Any = None
        self.finished_flag = False

    def start(self) -> None:
        _RUNNING.add(self)
        if self.hold_input:
            _HOLD.hold()
        if self.show_after_ms == 0:
            self._show_dialog()
        elif self.show_after_ms is not None:
            QTimer.singleShot(self.show_after_ms, self, self._show_dialog)
        self.thread.start()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the work itself is over (its callbacks follow in the event loop)."""
        return self.thread.wait() if msecs < 0 else self.thread.wait(msecs)

    def finish_now(self, msecs: int = -1) -> bool:
        """Block until the work is over, then run its callbacks at once instead of in the event loop."""
        if not self.wait(msecs):
            return False
        QCoreApplication.sendPostedEvents(self, 0)  # the queued finished/failed signal
        if self in _RUNNING:
            # PySide may queue the signal to a receiver of its own rather than to this job: deliver every
            # event posted on this thread, so a caller looping until the job has ended cannot spin forever.
            QCoreApplication.sendPostedEvents(None, 0)
        return self not in _RUNNING

    def _show_dialog(self) -> None:
        parent = self.parent_widget
        if self.finished_flag or self.dialog is not None or (parent is not None and not isValid(parent)):
            return
        owner = parent if isinstance(parent, QWidget) else None
        dialog = QProgressDialog(self.title, "取消" if self.cancellable else "", 0, 0, owner)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self._cancel)
        self.dialog = dialog
        dialog.show()

    def _cancel(self) -> None:
        self.worker.control.cancel_requested = True
        if self.dialog is not None:
            self.dialog.setLabelText("正在取消…")

    def _progress(self, done: int, total: int, text: str) -> None:
        if self.dialog is None and self.show_after_ms is not None:
            self._show_dialog()  # a job that reports progress is a long one: show it now
        dialog = self.dialog
        if dialog is None or not isValid(dialog):
            return
        if text:
            dialog.setLabelText(text)
        dialog.setMaximum(max(total, 0))
        # Last: a modal progress dialog handles pending events in setValue, the job's end among them.
        dialog.setValue(min(done, total) if total else 0)

    def _stop(self) -> bool:
        """Whether the one who started the job is still there to be told."""
        self.finished_flag = True
        self.thread.quit()
        self.thread.wait()
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
        self.dialog = None
        if self.hold_input:
            _HOLD.release()
        return self.parent_widget is None or isValid(self.parent_widget)

    def _finish(self, result: Any) -> None:
        self.result = result
        try:
            if self._stop():
                self._done(result)
        finally:
            self.ended.emit(True)
            _RUNNING.discard(self)

    def _fail(self, payload: tuple[BaseException, Any]) -> None:
        try:
            if self._stop():
                self._error(payload[0])
        finally:
            self.ended.emit(False)
            _RUNNING.discard(self)


def jobs_running() -> int:
    """How many jobs have not yet finished, callbacks included."""
    return len(_RUNNING)


def wait_for_jobs(msecs: int = 5000) -> bool:
    """Block until every job's work is over, e.g. before the database is closed."""
    return all(job.wait(msecs) for job in list(_RUNNING))
