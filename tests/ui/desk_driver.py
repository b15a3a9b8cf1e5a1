"""Driving the desk as a user does: windows per user, buttons by name, dialogs filled and confirmed."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from enforcement_desk.desk.main_window import MainWindow
from enforcement_desk.desk.operations import operations_running
from enforcement_desk.procedure.desk.case_workspace import CaseWorkspace


class Desk:
    def __init__(self, qtbot, office):
        self.qtbot, self.office = qtbot, office
        self.windows: dict[str, MainWindow] = {}

    def window(self, actor) -> MainWindow:
        if actor.login not in self.windows:
            window = MainWindow(self.office.ctx, actor, "沂水县卫生健康综合监督执法局")
            self.qtbot.addWidget(window)
            window.show()
            self.windows[actor.login] = window
        return self.windows[actor.login]

    def workspace(self, actor, case_id: int) -> CaseWorkspace:
        workspace = self.window(actor).open_case(case_id)
        assert workspace is not None
        workspace.reload()
        return workspace

    def button(self, workspace: CaseWorkspace, name: str) -> QPushButton:
        button = workspace.findChild(QPushButton, name)
        assert button is not None, (
            f"没有按钮 {name}；现有：{[b.objectName() for b in workspace.findChildren(QPushButton)]}"
        )
        return button

    def click(self, widget) -> None:
        """A click, and whatever write or read it started run to its end (writes run off the GUI thread)."""
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.settle()

    def settle(self, timeout: int = 20_000) -> None:
        """Until no operation is running: its result shown and its changes announced to the views."""
        self.qtbot.waitUntil(lambda: operations_running() == 0, timeout=timeout)

    def act(self, actor, case_id: int, name: str, **values) -> CaseWorkspace:
        """Click an action button, fill the dialog's fields, confirm; the dialog must close."""
        workspace = self.workspace(actor, case_id)
        button = self.button(workspace, name)
        assert button.isEnabled(), f"{name} 不可用：{button.toolTip()}"
        self.click(button)
        dialog = workspace.open_dialog
        assert dialog is not None and dialog.isVisible()
        self.fill(dialog, values)
        self.confirm(dialog)
        assert not dialog.isVisible(), dialog.ui.errorLabel.text()
        return workspace

    def fill(self, dialog, values: dict) -> None:
        for key, value in values.items():
            widget = dialog.findChild(object, f"field_{key}")
            assert widget is not None, f"对话框中没有字段 {key}"
            if isinstance(widget, QDateEdit):
                widget.setDate(QDate(value.year, value.month, value.day))
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(value)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                self.type_into(widget, value)

    def type_into(self, widget: QLineEdit, text: str) -> None:
        """ASCII as key presses; Chinese as an input method commits it (QTest cannot press 汉字 keys)."""
        widget.clear()
        widget.setFocus()
        for chunk in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
            if chunk.isascii():
                self.qtbot.keyClicks(widget, chunk)
            else:
                event = QInputMethodEvent()
                event.setCommitString(chunk)
                QApplication.sendEvent(widget, event)

    def confirm(self, dialog) -> None:
        self.click(dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok))

    def at(self, day: date) -> None:
        self.office.ctx.today_override = day
