"""The pieces the 监督 pages share: a form dialog whose refusals stay in it, a page base, buttons
allowed by role, dates and rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.roles import Role
from enforcement_desk.desk.messages import PROBLEM_STYLE, error_text, say


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def day_text(day: date | None) -> str:
    return day.isoformat() if day else ""


def stacked(parent: QWidget, *parts: QWidget | QLayout) -> QWidget:
    """A margin-less column of widgets and rows, e.g. one pane of a splitter."""
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    return box


def problem_text(exc: BaseException) -> str:
    """A refusal with its details (e.g. the objects not yet inspected); anything else with a reference."""
    return str(exc) if isinstance(exc, DomainError) else error_text(exc)


def refusal(actor: Actor, *roles: Role, action: str) -> str:
    """The service's own words when this role may not do `action`; empty when it may."""
    try:
        actor.require(*roles, action=action)
    except PermissionDenied as exc:
        return exc.message
    return ""


def allow(button: QAbstractButton, reason: str, hint: str = "") -> None:
    """Enabled when there is no reason against it; otherwise disabled, the reason as tooltip."""
    button.setEnabled(not reason)
    button.setToolTip(reason or hint)


def selected_row(table: QTableWidget, count: int) -> int | None:
    row = table.currentRow()
    return row if 0 <= row < count and table.selectionModel().isRowSelected(row) else None


class SupervisionForm(QDialog):
    """A form of named fields (`field_<key>`); OK calls `submit()`, a refusal is shown in the dialog
    and keeps it open, success stores the result in `result_value` and closes it."""

    def __init__(
        self, parent: QWidget, title: str, confirm_text: str, submit: Callable[[], Any], hint: str = ""
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit = submit
        self.result_value: Any = None
        self.fields: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{title}</b>", self)
        layout.addWidget(heading)
        if hint:
            note = QLabel(hint, self)
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        layout.addLayout(form)
        error = QLabel(self)
        error.setObjectName("errorLabel")
        error.setWordWrap(True)
        error.setStyleSheet(PROBLEM_STYLE)
        layout.addWidget(error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(confirm_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # The same names as the designer forms, so the desk's test driver confirms these dialogs too.
        self.ui = SimpleNamespace(formLayout=form, errorLabel=error, buttonBox=buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 36)

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        widget.setObjectName(f"field_{key}")
        self.fields[key] = widget
        self.ui.formLayout.addRow(label, widget)
        return widget

    def date(self, key: str, label: str, day: date, latest: date | None = None) -> QDateEdit:
        edit = self.add(key, label, QDateEdit(to_qdate(day)))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        if latest is not None:
            edit.setMaximumDate(to_qdate(latest))
        return edit

    def choice(self, key: str, label: str, items: Iterable[tuple[str, Any]]) -> QComboBox:
        combo = self.add(key, label, QComboBox())
        for text, data in items:
            combo.addItem(text, data)
        return combo

    def show_then(self, done: Callable[[Any], object]) -> SupervisionForm:
        """Opens it (window-modal, not blocking); `done(result)` once the service accepted."""
        self.accepted.connect(lambda: done(self.result_value))
        self.open()
        return self

    def accept(self) -> None:
        try:
            self.result_value = self.submit()
        except Exception as exc:  # noqa: BLE001 - a refusal as is, anything else with a reference
            self.ui.errorLabel.setText(problem_text(exc))
            return
        super().accept()


class SupervisionPage(QWidget):
    """A page of the tab: a one-line result under its buttons, its open form, fresh when shown."""

    open_case = Signal(int)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialog: SupervisionForm | None = None
        self.message = QLabel(self)
        self.message.setObjectName("pageMessage")
        self.message.setWordWrap(True)

    def refresh(self) -> None:
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - others may have changed things meanwhile
        super().showEvent(event)
        self.refresh()

    def need(self, item: object, what: str) -> bool:
        """False, with a word to the user, when nothing is selected."""
        if item is None:
            say(self.message, f"请先选择{what}", ok=False)
        return item is not None

    def attempt(self, work: Callable[[], Any]) -> Any:
        """`work()`'s result, or None after showing why it was refused."""
        try:
            return work()
        except Exception as exc:  # noqa: BLE001 - a refusal as is, anything else with a reference
            self.refused(exc)
            return None

    def refused(self, exc: BaseException) -> None:
        say(self.message, problem_text(exc), ok=False)
