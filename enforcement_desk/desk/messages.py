"""Telling the user what went wrong: a refusal with the rule and article behind it, a database kept busy
by another user's save with the choice to try again, anything unexpected with a reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from enforcement_desk.app_logging import log_file, log_unexpected_error
from enforcement_desk.core.errors import DatabaseBusy, DomainError

RETRY = "重试"

OK_STYLE = "color: #1b6e20;"
PROBLEM_STYLE = "color: #b3261e;"


def say(label: QLabel, text: str, ok: bool = True) -> None:
    """A panel's one-line result: green when done, red when refused."""
    label.setText(text)
    label.setStyleSheet(OK_STYLE if ok else PROBLEM_STYLE)


def error_text(exc: BaseException) -> str:
    """A refusal's full text — the message, then its rule ("依据：…") and details — or, for anything
    unexpected, a reference to the log."""
    if isinstance(exc, DomainError):
        return str(exc)
    reference = log_unexpected_error(type(exc), exc, exc.__traceback__)
    return f"程序发生未预期的错误，操作未完成（参考编号 {reference}）。\n详情已写入日志：{log_file()}"


def show_error(parent: QWidget | None, exc: BaseException, title: str = "无法完成") -> None:
    """The error in a message box over `parent` (not blocking)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.open()


def offer_retry(
    parent: QWidget | None,
    exc: DatabaseBusy,
    title: str,
    retry: Callable[[], Any],
    on_cancel: Callable[[], Any] | None = None,
) -> QMessageBox:
    """The busy message with 重试 (run the same operation again) and 取消 (`on_cancel`), not blocking:
    nothing was saved, and the other user's save is usually over within seconds."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, str(exc), QMessageBox.StandardButton.NoButton, parent
    )
    box.setObjectName("busyBox")
    again = box.addButton(RETRY, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(again)

    def chosen(button) -> None:
        if button is again:
            retry()
        elif on_cancel is not None:
            on_cancel()

    box.buttonClicked.connect(chosen)
    box.open()
    return box
