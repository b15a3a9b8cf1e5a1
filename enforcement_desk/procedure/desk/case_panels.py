"""The panels of a case workspace where the handlers edit the case (facts, proposal); each shows one
side of the case and refreshes from a CaseDetail. The read-only records are in case_record_panels."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import ConcurrentChange, DomainError
from enforcement_desk.core.money import amount_in_capitals, parse_amount
from enforcement_desk.core.penalty_kinds import split_kinds
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import PRE_DECISION_STAGES, Outcome, Stage
from enforcement_desk.desk.messages import error_text, say
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.cases import (
    UNDER_REVIEW_STAGES,
    Proposal,
    get_case,
    set_proposal,
    update_case,
)

FACTS_STAGES = PROPOSAL_STAGES = PRE_DECISION_STAGES - UNDER_REVIEW_STAGES


def edit_refusal(case: CaseDetail, actor: Actor, stages: frozenset[Stage], action: str) -> str:
    """Why this user may not edit now ("" when they may). The services decide and refuse on their own;
    this mirrors their rule so the controls are disabled with the reason instead of failing on save."""
    if actor.role is not Role.OFFICER or actor.user_id not in {h.user_id for h in case.handlers}:
        return f"只有本案承办人可以{action}"
    if case.stage not in stages:
        return f"案件处于“{case.stage.label}”阶段，不能{action}"
    return ""


def _show_refusal(message: QLabel, refusal: str) -> None:
    message.setText(f"只读：{refusal}" if refusal else "")
    message.setStyleSheet("color: #6b6b6b;")


def _decision_period_text(case: CaseDetail) -> str:
    """The decision period's last day, or that it stands still while a period not counted runs (卫生健康行政处罚
    程序规定 art. 42(3)), with the days not counted so far."""
    running = next((p for p in case.decision_pauses if p.ended_on is None), None)
    if running is not None:
        return f"暂停计算（{escape(running.kind)}，自 {running.started_on} 起）"
    counted = sum(p.days for p in case.decision_pauses)
    return str(case.decision_deadline or "—") + (f"（已扣除不计入期间 {counted} 日）" if counted else "")


class KeepsUnsavedEdits:
    """A panel whose fields the user edits. The case is shown afresh often (another tab, the window
    coming to the front, a change on the shared server): what is typed and not yet saved stays, and
    its save carries the version it was typed against, so a change by someone else meanwhile is
    refused as a conflict instead of overwritten."""

    case: CaseDetail | None
    message: QLabel
    loaded: tuple | None = None  # the fields as last filled from the case; None: nothing to keep
    edit_version = 0
    saved_note = ""  # said again once the saved case is shown (showing it resets the message)

    def form_values(self) -> tuple:
        raise NotImplementedError

    def has_unsaved_edits(self) -> bool:
        return self.loaded is not None and self.form_values() != self.loaded

    def keeps_edits_over(self, case: CaseDetail, refusal: str) -> bool:
        """Whether to leave the fields as typed when `case` is shown; says so when edits are lost."""
        if self.case is None or self.case.id != case.id or not self.has_unsaved_edits():
            return False
        if refusal:
            self.loaded = None
            say(self.message, f"未保存的修改未能保存：{refusal}", ok=False)
            return False
        return True

    def note_loaded(self, case: CaseDetail) -> None:
        self.loaded, self.edit_version = self.form_values(), case.version

    def note_saved(self, note: str) -> None:
        self.loaded = None  # the saved case is shown next and becomes the new starting point
        self.saved_note = note
        say(self.message, note)

    def show_state(self, refusal: str) -> None:
        """Once the fields are filled from the case: the note of the save just made, or why the fields
        are read-only (a notice that typed edits were lost stays)."""
        if self.saved_note and not refusal:
            say(self.message, self.saved_note)
        elif not self.message.text().startswith("未保存的修改"):
            _show_refusal(self.message, refusal)
        self.saved_note = ""

    def refused(self, exc: BaseException) -> None:
        """Say why the save was refused, with the rule behind it; the typed fields stay. After a
        conflict the next save is made against the case as it is now, so it knowingly replaces the
        other change."""
        if isinstance(exc, ConcurrentChange) and self.case is not None:
            fresh = get_case(self.ctx, self.actor, self.case.id)  # type: ignore[attr-defined]
            self.edit_version = fresh.version
            say(self.message, f"{error_text(exc)}\n（您填写的内容仍保留在此；确认无误后再次保存，将以您的内容为准。）", ok=False)
            return
        say(self.message, error_text(exc), ok=False)


def execution_rows(execution) -> list[tuple[str, str]]:
    """The execution at a glance: the 催告书's service, the periods for review and suit, the window to apply to
    the court, review or suit, the court's replies, and how each sum ended."""
    if execution is None:
        return []
    rows = []
    if execution.reminder_issued_on:
        rows.append(("催告书", f"{execution.reminder_issued_on} 出具；" + (
            f"{execution.reminder_served_on} {execution.reminder_method}（{execution.reminder_receiver}），"
            f"十个工作日至 {execution.reminder_ends_on}" if execution.reminder_served_on else "尚未登记送达")))  # fmt: skip
    if execution.suit_ends_on:
        rows.append(("复议、诉讼期限", f"申请行政复议至 {execution.review_ends_on}；提起行政诉讼至 {execution.suit_ends_on}"))
    if execution.apply_by:
        start = f"{execution.apply_from} 起" if execution.apply_from else "催告书送达满十个工作日后"
        rows.append(("申请强制执行", f"{start}，至 {execution.apply_by} 止"
                     + (f"（已于 {execution.applied_on} 申请）" if execution.applied_on else "")))  # fmt: skip
    for c in execution.challenges:
        rows.append((c.label, f"{c.filed_on} 向{c.body}提出；"
                     + (f"{c.decided_on} {c.outcome}（{c.document_no}）" if c.outcome else "尚无结果，其间加处罚款不予计算")))  # fmt: skip
    for r in execution.court_replies:
        rows.append(("人民法院", f"{r.replied_on} {r.kind}（{r.document_no}）"))
    for item in execution.sums:
        rows.append((item.label, f"{item.imposed:,.2f} 元：{item.ended}"))
    return rows


class SummaryPanel(KeepsUnsavedEdits, QWidget):
    """The case at a glance; the handlers can edit the facts until the decision."""

    def __init__(self, ctx: AppContext, actor: Actor, parent=None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.case: CaseDetail | None = None
        layout = QVBoxLayout(self)
        self.info = QTextBrowser(self)
        self.facts = QPlainTextEdit(self)
        self.facts.setObjectName("factsEdit")
        self.facts.setPlaceholderText("调查认定的违法事实（时间、地点、行为、后果、证据）")
        self.save = QPushButton("保存违法事实", self)
        self.save.setObjectName("saveFactsButton")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.credit = QLabel(self)
        self.credit.setObjectName("creditWarning")
        self.credit.setWordWrap(True)
        self.credit.setStyleSheet("color: #8a5300; font-weight: bold;")
        self.credit.setVisible(False)
        layout.addWidget(self.credit)
        layout.addWidget(self.info, 3)
        layout.addWidget(QLabel("违法事实", self))
        layout.addWidget(self.facts, 2)
        layout.addWidget(self.save)
        layout.addWidget(self.message)
        self.save.clicked.connect(self._save)

    def show_case(self, case: CaseDetail) -> None:
        handlers = "、".join(
            f"{h.name}（执法证 {h.cert_no or '无'}，有效期至 {h.cert_valid_until or '—'}）"
            for h in case.handlers
        )
        party = case.party
        rows = [
            ("受理编号", case.case_no),
            ("立案文号", case.filing_no or "—"),
            ("决定书文号", case.decision_no or "—"),
            ("案件来源", f"{case.source_label}　{case.source_detail}".strip()),
            ("执法类别", case.category_label),
            ("当事人", f"{party.name}　{party.id_number or ''}　{party.address}"),
            ("承办人", handlers),
            ("发现日期", str(case.discovered_on)),
            ("违法行为发生日期", str(case.act_date or "—")),
            ("地点", case.location or "—"),
            ("重大执法决定", "是：" + "；".join(case.major.reasons) if case.major.is_major else "否"),
            ("集体讨论", "须经负责人集体讨论决定：" + escape("；".join(case.discussion.grounds)) if case.discussion.needed
             else "否"),
            ("听证权利", "有" if case.hearing_right else "无"),
            ("办案期限", _decision_period_text(case)),
        ]
        if case.late_decision_reason:
            rows.append(("超过办案期限作出决定", escape(case.late_decision_reason)))
        if case.decided_outcome is not None and case.fine_amount:
            rows.append(("尚欠", f"罚款 {case.fine_due:,.2f} 元　加处罚款 {case.surcharge_due:,.2f} 元　"
                                 f"没收违法所得 {case.confiscation_due:,.2f} 元"
                                 + ("（加处罚款每日按罚款数额的 3% 计，不超过罚款数额）" if case.surcharge_due else "")))  # fmt: skip
        rows += execution_rows(case.execution)
        self.info.setHtml(
            "<table cellspacing=4>"
            + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
            + "</table>"
        )
        warning = self._credit_warning(case)
        self.credit.setText(f"当事人信用提示：{warning}" if warning else "")
        self.credit.setVisible(bool(warning))
        refusal = edit_refusal(case, self.actor, FACTS_STAGES, "修改违法事实")
        keep = self.keeps_edits_over(case, refusal)
        self.case = case
        if not keep:
            self.facts.setPlainText(case.facts)
            self.note_loaded(case)
            self.show_state(refusal)
        self.facts.setReadOnly(bool(refusal))
        self.save.setEnabled(not refusal)
        self.save.setToolTip(refusal)

    def form_values(self) -> tuple:
        return (self.facts.toPlainText(),)

    def _credit_warning(self, case: CaseDetail) -> str:
        """Blacklist, credit points and recent penalties of the party: they bear on the discretion,
        so they are shown until the decision (after it, the case itself would count among them)."""
        if case.stage not in PRE_DECISION_STAGES:
            return ""
        from enforcement_desk.supervision.credit import credit_summary

        return credit_summary(self.ctx, self.actor, case.party.id).warning

    def _save(self) -> None:
        if self.case is None:
            return
        ctx, actor, case_id, version = self.ctx, self.actor, self.case.id, self.edit_version
        facts = self.facts.toPlainText().strip()
        run_write(self, "保存违法事实", lambda: update_case(ctx, actor, case_id, version, facts=facts),
                  changes=Changes.to_case(case_id), on_done=lambda _case: self.note_saved("已保存"),
                  on_refused=self.refused)  # fmt: skip


class ProposalPanel(KeepsUnsavedEdits, QWidget):
    """处理意见: outcome, penalty kinds, amounts and the discretion reasons."""

    def __init__(self, ctx: AppContext, actor: Actor, parent=None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.case: CaseDetail | None = None
        form = QFormLayout(self)
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("outcomeCombo")
        for outcome in Outcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.kinds = QLineEdit(self)
        self.kinds.setObjectName("kindsEdit")
        self.kinds.setPlaceholderText("如：警告、罚款、没收违法所得（用顿号分隔）")
        self.fine = QLineEdit(self)
        self.fine.setObjectName("fineEdit")
        self.fine_capitals = QLabel(self)
        self.confiscation = QLineEdit(self)
        self.mitigated = QCheckBox("减轻处罚（低于法定最低限度，属重大执法决定）", self)
        self.level = QLineEdit(self)
        self.level.setPlaceholderText("不予处罚 / 免予处罚 / 减轻 / 从轻 / 一般 / 从重")
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("reasonEdit")
        # The notice and the decision quote these two (行政处罚法 arts. 44, 59; 2025 rule art. 41): typed here,
        # or filled by adopting a benchmark in the 裁量 tab.
        self.violated = QLineEdit(self)
        self.violated.setObjectName("violatedEdit")
        self.violated.setPlaceholderText("如：《公共场所卫生管理条例》第八条")
        self.basis = QLineEdit(self)
        self.basis.setObjectName("basisEdit")
        self.basis.setPlaceholderText("如：《公共场所卫生管理条例实施细则》第三十五条第一款")
        self.save = QPushButton("保存处理意见", self)
        self.save.setObjectName("saveProposalButton")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        for label, widget in (
            ("处理结果", self.outcome),
            ("处罚种类", self.kinds),
            ("罚款（元）", self.fine),
            ("", self.fine_capitals),
            ("没收违法所得（元）", self.confiscation),
            ("", self.mitigated),
            ("裁量阶次", self.level),
            ("裁量理由", self.reason),
            ("违反条款", self.violated),
            ("处罚依据", self.basis),
            ("", self.save),
            ("", self.message),
        ):
            form.addRow(label, widget)
        self.fine.textChanged.connect(self._show_capitals)
        self.save.clicked.connect(self._save)

    def _show_capitals(self, text: str) -> None:
        try:
            self.fine_capitals.setText(amount_in_capitals(parse_amount(text)) if text.strip() else "")
        except DomainError as exc:
            self.fine_capitals.setText(error_text(exc))

    def show_case(self, case: CaseDetail) -> None:
        refusal = edit_refusal(case, self.actor, PROPOSAL_STAGES, "修改处理意见")
        keep = self.keeps_edits_over(case, refusal)
        self.case = case
        if not keep:
            if case.proposed_outcome:
                self.outcome.setCurrentIndex(self.outcome.findData(case.proposed_outcome.value))
            self.kinds.setText("、".join(case.penalty_kinds))
            self.fine.setText("" if case.fine_amount is None else str(case.fine_amount))
            self.confiscation.setText("" if case.confiscation_amount is None else str(case.confiscation_amount))
            self.mitigated.setChecked(case.mitigated)
            self.level.setText(str(case.discretion.get("level", "")))
            self.reason.setPlainText(str(case.discretion.get("reason", "")))
            self.violated.setText(case.proposal.violated_provision if case.proposal else "")
            self.basis.setText(case.proposal.legal_basis if case.proposal else "")
            self.note_loaded(case)
            self.show_state(refusal)
        for widget in (self.outcome, self.kinds, self.fine, self.confiscation, self.mitigated, self.level,
                       self.violated, self.basis):  # fmt: skip
            widget.setEnabled(not refusal)
        self.reason.setReadOnly(bool(refusal))
        self.save.setEnabled(not refusal)
        self.save.setToolTip(refusal)

    def form_values(self) -> tuple:
        return (self.outcome.currentData(), self.kinds.text(), self.fine.text(), self.confiscation.text(),
                self.mitigated.isChecked(), self.level.text(), self.reason.toPlainText(), self.violated.text(),
                self.basis.text())  # fmt: skip

    def _amount(self, edit: QLineEdit) -> Decimal | None:
        return parse_amount(edit.text()) if edit.text().strip() else None

    def _save(self) -> None:
        if self.case is None:
            return
        try:
            kinds = split_kinds(self.kinds.text())
            proposal = Proposal(
                outcome=Outcome(self.outcome.currentData()),
                penalty_kinds=kinds,
                fine=self._amount(self.fine),
                confiscation=self._amount(self.confiscation),
                mitigated=self.mitigated.isChecked(),
                level=self.level.text().strip(),
                reason=self.reason.toPlainText().strip(),
                violated_provision=self.violated.text().strip(),
                legal_basis=self.basis.text().strip(),
            )
        except DomainError as exc:
            self.refused(exc)
            return
        ctx, actor, case_id, version = self.ctx, self.actor, self.case.id, self.edit_version
        run_write(self, "保存处理意见", lambda: set_proposal(ctx, actor, case_id, version, proposal),
                  changes=Changes.to_case(case_id), on_done=lambda _case: self.note_saved("已保存处理意见"),
                  on_refused=self.refused)  # fmt: skip
