"""The administrator names who approves a transfer to the police (国务院令第310号 art. 5): the agency's
正职负责人 and, while someone else presides over its work, the 主持工作的负责人."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.admin.agency_settings import get_settings, set_transfer_approvers
from enforcement_desk.admin.users import list_users
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.roles import Role
from enforcement_desk.desk.messages import error_text
from enforcement_desk.desk.operations import Changes, run_write

NOBODY = "（无）"


class TransferApproversDialog(QDialog):
    """Two choices among the agency's active heads, and a note that goes with the new settings version."""

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.setWindowTitle("移送审批负责人")
        current = get_settings(ctx, actor).settings
        heads = list_users(ctx, actor, Role.HEAD)
        self.principal = self._choice("principalHead", heads, current.transfer_principal_head)
        self.presiding = self._choice("presidingHead", heads, current.transfer_presiding_head)
        self.note = QLineEdit(self)
        self.note.setObjectName("approversNote")
        self.note.setPlaceholderText("如：局长外出学习期间由刘洋主持工作")
        explanation = QLabel(
            "《行政执法机关移送涉嫌犯罪案件的规定》第五条：移送涉嫌犯罪案件的书面报告，报经本机关正职负责人"
            "或者主持工作的负责人审批。只有这里指定的负责人可以批准或不批准移送；审批记录写明其身份。",
            self,
        )
        explanation.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        form = QFormLayout()
        form.addRow("正职负责人", self.principal)
        form.addRow("主持工作的负责人", self.presiding)
        form.addRow("修改说明", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 36)

    def _choice(self, name: str, heads: list, current: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(NOBODY, "")
        for head in heads:
            combo.addItem(f"{head.name}（{head.login}）", head.login)
        if current and combo.findData(current) < 0:  # named, but no longer an active head: shown as such
            combo.addItem(f"{current}（已不是在职负责人）", current)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        return combo

    def accept(self) -> None:
        ctx, actor = self.ctx, self.actor
        principal, presiding = self.principal.currentData(), self.presiding.currentData()
        note = self.note.text().strip()
        # The actions a head is offered on every case change with it: the list and open cases refresh.
        run_write(self, "指定移送审批负责人",
                  lambda: set_transfer_approvers(ctx, actor, principal, presiding, note=note),
                  changes=Changes(case_list=True), on_done=lambda _view: super(TransferApproversDialog, self).accept(),
                  on_refused=lambda exc: self.error.setText(error_text(exc)))  # fmt: skip
