"""Entering a party: the ID number is checked as it is typed, and likely duplicates are shown."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.identifiers import validate_resident_id, validate_uscc
from enforcement_desk.desk.forms_compiled.ui_party import Ui_PartyDialog
from enforcement_desk.desk.messages import OK_STYLE, PROBLEM_STYLE, error_text
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.procedure.parties import PartyDraft, PartyView, add_party, find_similar

KINDS = (("organisation", "单位（法人或其他组织）"), ("person", "自然人"))


class PartyDialog(QDialog):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_PartyDialog()
        self.ui.setupUi(self)
        self.ctx, self.actor = ctx, actor
        self.party: PartyView | None = None
        for value, label in KINDS:
            self.ui.kindCombo.addItem(label, value)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.idNumberEdit.textChanged.connect(self._check_id)
        self.ui.kindCombo.currentIndexChanged.connect(self._check_id)
        self.ui.kindCombo.currentIndexChanged.connect(self._check_duplicates)
        self.ui.nameEdit.editingFinished.connect(self._check_duplicates)
        self.ui.idNumberEdit.editingFinished.connect(self._check_duplicates)

    @property
    def kind(self) -> str:
        return self.ui.kindCombo.currentData()

    def _check_id(self) -> None:
        text = self.ui.idNumberEdit.text().strip()
        label = self.ui.idStatusLabel
        if not text:
            label.setText("")
            return
        try:
            if self.kind == "person":
                resident = validate_resident_id(text, today=self.ctx.today())
                label.setText(f"✓ 身份证号码有效：{resident.sex}，{resident.birth_date:%Y年%m月%d日}出生")
            else:
                validate_uscc(text)
                label.setText("✓ 统一社会信用代码有效")
            label.setStyleSheet(OK_STYLE)
        except DomainError as exc:
            label.setText(f"✗ {error_text(exc)}")
            label.setStyleSheet(PROBLEM_STYLE)

    def _check_duplicates(self) -> None:
        name, number = self.ui.nameEdit.text().strip(), self.ui.idNumberEdit.text().strip()
        if not name and not number:
            return
        similar = find_similar(self.ctx, self.actor, name, number or None, self.kind)
        if similar:
            names = "；".join(
                f"{s.party.name}（{s.party.id_number or '无证件号'}，{s.reason}）" for s in similar[:3]
            )
            self.ui.duplicateLabel.setText(f"可能已登记：{names}。如为同一当事人，请取消并在列表中选择。")
            self.ui.duplicateLabel.setStyleSheet(PROBLEM_STYLE)
        else:
            self.ui.duplicateLabel.setText("")

    def accept(self) -> None:
        ui = self.ui
        draft = PartyDraft(
            kind=self.kind,
            name=ui.nameEdit.text().strip(),
            id_number=ui.idNumberEdit.text().strip() or None,
            legal_representative=ui.legalRepEdit.text().strip(),
            address=ui.addressEdit.text().strip(),
            phone=ui.phoneEdit.text().strip(),
            business_type=ui.businessTypeEdit.text().strip(),
        )
        ctx, actor = self.ctx, self.actor
        run_write(self, "登记当事人", lambda: add_party(ctx, actor, draft), changes=Changes(parties=True),
                  on_done=self._added, on_refused=lambda exc: ui.errorLabel.setText(error_text(exc)))  # fmt: skip

    def _added(self, party: PartyView) -> None:
        self.party = party
        super().accept()
