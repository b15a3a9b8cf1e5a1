"""Telling the user what went wrong: a rule's message as it is, anything unexpected with a reference."""

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
    if isinstance(exc, DomainError):
        return exc.message
    reference = log_unexpected_error(type(exc), exc, exc.__traceback__)
    return f"程序发生未预期的错误，操作未完成（参考编号 {reference}）。\n详情已写入日志：{log_file()}"


def show_error(parent: QWidget | None, exc: BaseException, title: str = "无法完成") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.open()
