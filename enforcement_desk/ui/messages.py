"""Telling the user what went wrong: a rule's message as it is, anything unexpected with a reference."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from enforcement_desk.app_logging import log_file, log_unexpected_error
from enforcement_desk.core.errors import DomainError


def error_text(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    reference = log_unexpected_error(type(exc), exc, exc.__traceback__)
    return f"程序发生未预期的错误，操作未完成（参考编号 {reference}）。\n详情已写入日志：{log_file()}"


def show_error(parent: QWidget | None, exc: BaseException, title: str = "无法完成") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.open()
