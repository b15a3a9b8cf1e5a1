"""Accepting a new case from any source (受理): party, two handlers, dates, first facts."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from enforcement_desk.admin.users import list_users
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CATEGORY_LABELS, CaseSource
from enforcement_desk.desk.forms_compiled.ui_new_case import Ui_NewCaseDialog
from enforcement_desk.desk.messages import error_text
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.cases import CaseDraft, create_case
from enforcement_desk.procedure.desk.party_dialog import PartyDialog
from enforcement_desk.procedure.parties import search_parties


def to_qdate(day) -> QDate:  # datetime.date
    return QDate(day.year, day.month, day.day)


class NewCaseDialog(QDialog):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_NewCaseDialog()
        self.ui.setupUi(self)
        self.ctx, self.actor = ctx, actor
        self.case: CaseDetail | None = None
        ui = self.ui
        for source in CaseSource:
            ui.sourceCombo.addItem(source.label, source.value)
        for code, label in CATEGORY_LABELS.items():
            ui.categoryCombo.addItem(f"{code} · {label}", code)
        officers = list_users(ctx, actor, Role.OFFICER)
        for combo in (ui.handler1Combo, ui.handler2Combo):
            combo.addItem("（请选择）", None)
            for officer in officers:
                suffix = f"（执法证 {officer.cert_no}）" if officer.cert_no else "（无执法证）"
                combo.addItem(officer.name + suffix, officer.id)
        own = ui.handler1Combo.findData(actor.user_id)
        if own >= 0:
            ui.handler1Combo.setCurrentIndex(own)
        today = to_qdate(ctx.today())
        for edit in (ui.discoveredEdit, ui.actDateEdit):
            edit.setDate(today)
            edit.setMaximumDate(today)
        self._load_parties("")
        ui.partyCombo.lineEdit().setPlaceholderText("输入名称或证件号码查找")
        ui.partyCombo.lineEdit().textEdited.connect(self._load_parties)
        ui.newPartyButton.clicked.connect(self._new_party)
        ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("受理")
        ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        ui.buttonBox.accepted.connect(self.accept)
        ui.buttonBox.rejected.connect(self.reject)

    def _load_parties(self, text: str) -> None:
        combo = self.ui.partyCombo
        parties = search_parties(self.ctx, self.actor, text, limit=30)
        combo.blockSignals(True)
        combo.clear()
        for party in parties:
            combo.addItem(f"{party.name}　{party.id_number or ''}".rstrip(), party.id)
        combo.setEditText(text)
        combo.blockSignals(False)

    def _new_party(self) -> None:
        dialog = PartyDialog(self.ctx, self.actor, self)
        dialog.accepted.connect(lambda: self._party_added(dialog))
        dialog.open()

    def _party_added(self, dialog: PartyDialog) -> None:
        party = dialog.party
        if party is None:
            return
        self.ui.partyCombo.insertItem(0, f"{party.name}　{party.id_number or ''}".rstrip(), party.id)
        self.ui.partyCombo.setCurrentIndex(0)

    def _selected_party(self) -> int | None:
        combo = self.ui.partyCombo
        index = combo.findText(combo.currentText())
        if index >= 0:
            return combo.itemData(index)
        return combo.currentData() if combo.currentText() == combo.itemText(combo.currentIndex()) else None

    def accept(self) -> None:
        ui = self.ui
        party_id = self._selected_party()
        if party_id is None:
            ui.errorLabel.setText("请从列表中选择当事人，或点击“新增当事人…”登记")
            return
        handlers = tuple(h for h in (ui.handler1Combo.currentData(), ui.handler2Combo.currentData()) if h)
        draft = CaseDraft(
            source=CaseSource(ui.sourceCombo.currentData()),
            party_id=party_id,
            cause=ui.causeEdit.text().strip(),
            handler_ids=handlers,
            discovered_on=ui.discoveredEdit.date().toPython(),
            category=ui.categoryCombo.currentData(),
            source_detail=ui.sourceDetailEdit.text().strip(),
            act_date=ui.actDateEdit.date().toPython(),
            location=ui.locationEdit.text().strip(),
            facts=ui.factsEdit.toPlainText().strip(),
        )
        ctx, actor = self.ctx, self.actor
        run_write(self, "受理案件", lambda: create_case(ctx, actor, draft),
                  changes=lambda case: Changes.to_case(case.id), on_done=self._created,
                  on_refused=lambda exc: ui.errorLabel.setText(error_text(exc)))  # fmt: skip

    def _created(self, case: CaseDetail) -> None:
        self.case = case
        super().accept()
