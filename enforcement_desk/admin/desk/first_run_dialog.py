"""First start on an empty database: the agency and its first administrator."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from enforcement_desk.admin.setup import AdminDraft, AgencyDraft, initialize
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.desk.forms_compiled.ui_first_run import Ui_FirstRunDialog
from enforcement_desk.desk.messages import error_text
from enforcement_desk.desk.operations import Changes, run_write


class FirstRunDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_FirstRunDialog()
        self.ui.setupUi(self)
        self.ctx = ctx
        self.admin: Actor | None = None
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("建立")
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)

    def accept(self) -> None:
        ui = self.ui
        if ui.adminPasswordEdit.text() != ui.adminPassword2Edit.text():
            ui.errorLabel.setText("两次输入的管理员密码不一致")
            return
        agency = AgencyDraft(
            name=ui.agencyNameEdit.text().strip(),
            short_name=ui.shortNameEdit.text().strip(),
            uscc=ui.usccEdit.text().strip() or None,
            address=ui.addressEdit.text().strip(),
            phone=ui.phoneEdit.text().strip(),
            reconsideration_body=ui.reconsiderationEdit.text().strip(),
            court=ui.courtEdit.text().strip(),
        )
        admin = AdminDraft(
            ui.adminLoginEdit.text().strip(), ui.adminNameEdit.text().strip(), ui.adminPasswordEdit.text()
        )
        ctx = self.ctx
        # Before the desk opens: no view to tell of it.
        run_write(self, "建立机构", lambda: initialize(ctx, agency, admin), changes=Changes(),
                  on_done=self._initialized, on_refused=lambda exc: ui.errorLabel.setText(error_text(exc)))  # fmt: skip

    def _initialized(self, admin: Actor) -> None:
        self.admin = admin
        super().accept()
