"""Telling the user what went wrong: a refusal with the rule and article behind it, anything unexpected
with a reference."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from enforcement_desk.app_logging import log_file, log_unexpected_error
from enforcement_desk.core.errors import DomainError

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
