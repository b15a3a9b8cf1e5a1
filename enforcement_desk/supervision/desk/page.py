"""The pieces the 监督 pages share: a form dialog whose write runs off the screen thread and whose
refusals stay in it, a page base that follows the other views' writes, buttons allowed by role, dates
and rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.desk.messages import PROBLEM_STYLE, error_text, say
from enforcement_desk.desk.operations import Changes, comes_from, keep_fresh, run_write
from enforcement_desk.desk.permissions import service_refusal

# What the pages' writes change: their own lists, and the figures (overdue replies and publications).
SUPERVISION = Changes(supervision=True, statistics=True)


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
    """A refusal with its rule and details (e.g. the objects not yet inspected); anything else with a
    reference."""
    return error_text(exc)


def refusal(actor: Actor, service: Callable) -> str:
    """The service's own words when this user's role may not call it (its @allowed rule); empty when
    it may. The pages keep no role rules of their own."""
    return service_refusal(actor, service)


def allow(button: QAbstractButton, reason: str, hint: str = "") -> None:
    """Enabled when there is no reason against it; otherwise disabled, the reason as tooltip."""
    button.setEnabled(not reason)
    button.setToolTip(reason or hint)


def selected_row(table: QTableWidget, count: int) -> int | None:
    row = table.currentRow()
    return row if 0 <= row < count and table.selectionModel().isRowSelected(row) else None


def field_value(widget: QWidget) -> Any:
    """What a form field holds, read on the screen thread: an editable choice's data only when the
    typed text is one of its items (None otherwise)."""
    if isinstance(widget, QComboBox):
        if widget.isEditable():
            index = widget.findText(widget.currentText())
            return widget.itemData(index) if index >= 0 else None
        return widget.currentData()
    if isinstance(widget, QDateEdit):
        return widget.date().toPython()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    raise TypeError(f"no value to read from {type(widget).__name__}")


class SupervisionForm(QDialog):
    """A form of named fields (`field_<key>`). OK reads their values and runs `submit(values)` off the
    screen thread with the dialog open: a refusal is shown in it with its rule; success stores the
    result in `result_value`, closes it and announces `changes` (or `changes(result)`)."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        confirm_text: str,
        submit: Callable[[dict[str, Any]], Any],
        hint: str = "",
        changes: Changes | Callable[[Any], Changes] = SUPERVISION,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit, self.changes = submit, changes
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

    def values(self) -> dict[str, Any]:
        return {key: field_value(widget) for key, widget in self.fields.items()}

    def accept(self) -> None:
        submit, values = self.submit, self.values()
        run_write(self, self.windowTitle(), lambda: submit(values), changes=self.changes, on_done=self._saved,
                  on_refused=lambda exc: self.ui.errorLabel.setText(problem_text(exc)))  # fmt: skip

    def _saved(self, result: Any) -> None:
        self.result_value = result
        super().accept()


class SupervisionPage(QWidget):
    """A page of the tab: a one-line result under its buttons, its open form; fresh when shown, and
    after another view's write that it `follows` (its own writes it shows itself)."""

    open_case = Signal(int)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialog: SupervisionForm | None = None
        self.message = QLabel(self)
        self.message.setObjectName("pageMessage")
        self.message.setWordWrap(True)
        # No catching up when shown: a page refreshes on every show (showEvent below).
        keep_fresh(self, lambda changes, source: self.follows(changes) and not comes_from(source, self),
                   self.refresh, catch_up_when_shown=False)  # fmt: skip

    def follows(self, changes: Changes) -> bool:
        """Whether a write with these changes alters what the page shows."""
        return changes.supervision or changes.case_list

    def refresh(self) -> None:
        raise NotImplementedError

    def showEvent(self, event) -> None:  # others may have changed things meanwhile
        super().showEvent(event)
        self.refresh()

    def need(self, item: object, what: str) -> bool:
        """False, with a word to the user, when nothing is selected."""
        if item is None:
            say(self.message, f"请先选择{what}", ok=False)
        return item is not None

    def attempt(self, work: Callable[[], Any]) -> Any:
        """`work()`'s result (a quick read on the screen thread), or None after showing why it was
        refused."""
        try:
            return work()
        except Exception as exc:  # a refusal as is, anything else with a reference
            self.refused(exc)
            return None

    def refused(self, exc: BaseException) -> None:
        say(self.message, problem_text(exc), ok=False)
