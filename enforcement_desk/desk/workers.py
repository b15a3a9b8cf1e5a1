"""Long work off the GUI thread, with a progress dialog and a cancel button."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


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
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which shows it
            self.failed.emit((exc, sys.exc_info()[2]))
        else:
            self.finished.emit(result)


class BackgroundJob(QObject):
    """Runs `job(control)` in a QThread; `done(result)` or `error(exc)` are called on the GUI thread."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        job: Callable[[JobControl], Any],
        done: Callable[[Any], None],
        error: Callable[[BaseException], None],
        *,
        cancellable: bool = True,
    ):
        super().__init__(parent)
        self.thread = QThread(self)
        self.worker = _Worker(job)
        self.worker.moveToThread(self.thread)
        self.dialog = QProgressDialog(title, "取消" if cancellable else "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self._cancel)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progress)
        self.worker.finished.connect(self._finish)
        self.worker.failed.connect(self._fail)
        self._done, self._error = done, error
        self.result: Any = None
        self.finished_flag = False

    def start(self) -> None:
        self.thread.start()

    def _cancel(self) -> None:
        self.worker.control.cancel_requested = True
        self.dialog.setLabelText("正在取消…")

    def _progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text:
            self.dialog.setLabelText(text)

    def _stop(self) -> None:
        self.finished_flag = True
        self.thread.quit()
        self.thread.wait()
        self.dialog.reset()
        self.dialog.hide()

    def _finish(self, result: Any) -> None:
        self.result = result
        self._stop()
        self._done(result)

    def _fail(self, payload: tuple[BaseException, Any]) -> None:
        self._stop()
        self._error(payload[0])
