"""Taking a step of the procedure: the fields the step needs, then the service decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.money import parse_amount
from enforcement_desk.core.procedure.workflow import Action
from enforcement_desk.desk.forms_compiled.ui_action import Ui_ActionDialog
from enforcement_desk.desk.messages import error_text
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.review import ReviewCheck, record_review, review_history
from enforcement_desk.procedure.steps import (
    CHECK_PASSED,
    CHECK_PROBLEM,
    REVIEW_CHECKS,
    SERVICE_METHODS,
    advance,
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text | multiline | date | later_date | choice | money | bool | checks | file
    required: bool = False
    choices: tuple[str, ...] = ()
    preset: tuple[str, ...] = ()  # text: the first is the starting value; checks: the ones ticked


ACTION_FIELDS: dict[str, tuple[Field, ...]] = {
    "file": (Field("opinion", "审批意见"),),
    "send_prior_notice": (Field("served_on", "告知书送达日期", "date", True),),
    "request_hearing": (Field("requested_on", "当事人申请听证日期", "date", True),),
    "submit_review": (Field("note", "提请说明"),),
    "serve": (
        Field("served_on", "送达日期", "date", True),
        Field("method", "送达方式", "choice", True, SERVICE_METHODS),
        Field("recipient", "受送达人/签收人", required=True),
        Field("consent", "当事人已签署电子送达确认书", "bool"),
    ),
    "record_payment": (
        Field("kind", "缴纳的款项", "choice", True, ("罚款", "加处罚款", "没收违法所得")),
        Field("amount", "缴纳金额（元）", "money", True),
        Field("paid_on", "缴纳日期", "date", True),
        Field("receipt_no", "缴款书/票据号"),
    ),
    "close": (Field("summary", "结案说明", "multiline", True),),
    "police_accepted": (
        Field("answered_on", "收到立案通知书的日期", "date", True),
        Field("note", "公安机关立案情况"),
    ),
    "police_declined": (Field("answered_on", "收到不予立案通知书的日期", "date", True),),
    "transfer_police": (
        Field("police_unit", "接收的公安机关", required=True),
        Field("procuratorate", "抄送的人民检察院", required=True),
        Field("reason", "移送理由（涉嫌的罪名和依据）", "multiline", True),
    ),
}


def fields_for(action: Action) -> tuple[Field, ...]:
    fields = ACTION_FIELDS.get(action.key, ())
    if action.needs_reason and not any(f.key == "reason" for f in fields):
        fields = (*fields, Field("reason", "理由", "multiline", True))
    return fields


class FormDialog(QDialog):
    """A titled form of fields. On OK the values are read, then `submit(values)` runs off the screen
    thread while the dialog stays open: a refusal is shown in it with its rule, success closes it and
    announces `changes` (by default: the case changed)."""

    def __init__(
        self,
        ctx: AppContext,
        case: CaseDetail,
        title: str,
        fields: tuple[Field, ...],
        submit: Callable[[dict[str, Any]], CaseDetail],
        parent: QWidget | None = None,
        *,
        confirm_text: str = "确认办理",
        changes: Changes | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_ActionDialog()
        self.ui.setupUi(self)
        self.ctx, self.case, self.fields, self.submit = ctx, case, fields, submit
        self.title, self.changes = title, changes or Changes.to_case(case.id)
        self.result_case: CaseDetail | None = None
        self.setWindowTitle(f"{title} · {case.filing_no or case.case_no}")
        self.ui.titleLabel.setText(f"<b>{title}</b>　{case.party.name}　{case.cause}")
        self.ui.hintLabel.setText("确认后将记入案件流程和审计记录，不能撤销。")
        self.inputs: dict[str, QWidget] = {}
        for field in fields:
            widget = self._make_input(field)
            widget.setObjectName(f"field_{field.key}")
            self.inputs[field.key] = widget
            label = field.label + ("（必填）" if field.required and field.kind != "bool" else "")
            self.ui.formLayout.addRow(label, widget)
        # Wide enough for a name with its certificate number, or a sentence of reasons, at any scaling.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 46)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText(confirm_text)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)

    def _make_input(self, field: Field) -> QWidget:
        if field.kind in ("date", "later_date"):
            edit = QDateEdit(self)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            today = self.ctx.today()
            edit.setDate(QDate(today.year, today.month, today.day))
            if field.kind == "date":  # a date of something done; a later_date (a hearing's day) may lie ahead
                edit.setMaximumDate(QDate(today.year, today.month, today.day))
            return edit
        if field.kind == "choice":
            combo = QComboBox(self)
            combo.addItems(list(field.choices))
            return combo
        if field.kind == "bool":
            return QCheckBox(self)
        if field.kind == "multiline":
            text = QPlainTextEdit(self)
            text.setMinimumHeight(80)
            return text
        if field.kind == "checks":
            return self._checks(field)
        if field.kind == "file":
            return self._file_chooser(field)
        edit = QLineEdit(self)
        if field.kind == "money" and self.case.fine_amount is not None:
            edit.setText(str(self.case.fine_amount - self.case.paid_amount))
        elif field.preset:
            edit.setText(field.preset[0])
        return edit

    def _checks(self, field: Field) -> QListWidget:
        listing = QListWidget(self)
        for choice in field.choices:
            item = QListWidgetItem(choice, listing)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice in field.preset else Qt.CheckState.Unchecked)
        listing.setMaximumHeight(listing.sizeHintForRow(0) * min(len(field.choices), 6) + 8)
        return listing

    def _file_chooser(self, field: Field) -> QWidget:
        row = QWidget(self)
        path = QLineEdit(row)
        path.setObjectName(f"field_{field.key}_path")
        path.setPlaceholderText("选择扫描件或照片")
        browse = QPushButton("浏览…", row)

        def choose() -> None:
            chosen, _ = QFileDialog.getOpenFileName(self, field.label, "", "扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)")
            if chosen:
                path.setText(chosen)

        browse.clicked.connect(choose)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(path, 1)
        layout.addWidget(browse)
        row.path = path  # type: ignore[attr-defined]
        return row

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in self.fields:
            widget = self.inputs[field.key]
            if isinstance(widget, QDateEdit):
                value: Any = widget.date().toPython()
            elif isinstance(widget, QComboBox):
                value = widget.currentText()
            elif isinstance(widget, QCheckBox):
                value = widget.isChecked()
            elif isinstance(widget, QPlainTextEdit):
                value = widget.toPlainText().strip()
            elif isinstance(widget, QListWidget):
                value = tuple(
                    widget.item(i).text() for i in range(widget.count())
                    if widget.item(i).checkState() == Qt.CheckState.Checked
                ) or None  # fmt: skip
            elif field.kind == "file":
                value = widget.path.text().strip()  # type: ignore[attr-defined]
            else:
                value = widget.text().strip()
            if field.required and value in ("", None):
                verb = {"checks": "勾选", "file": "选择"}.get(field.kind, "填写")
                raise DomainError(f"请{verb}“{field.label}”")
            if field.kind == "money" and value:
                value = str(parse_amount(value))
            if value not in ("", None, False):
                values[field.key] = value
        return values

    def accept(self) -> None:
        try:
            values = self.values()
        except DomainError as exc:
            self.refused(exc)
            return
        submit = self.submit
        run_write(self, self.title, lambda: submit(values), changes=self.changes, on_done=self.saved,
                  on_refused=self.refused)  # fmt: skip

    def saved(self, case: CaseDetail) -> None:
        self.result_case = case
        super().accept()

    def refused(self, exc: BaseException) -> None:
        self.ui.errorLabel.setText(error_text(exc))


# 卫生健康行政处罚程序规定 art. 42: past the decision period the head decides only with the reason for the delay.
LATE_REASON = Field("late_reason", "超过办案期限作出决定的理由", "multiline", True)


def _decided_late(ctx: AppContext, case: CaseDetail) -> bool:
    running = any(p.ended_on is None for p in case.decision_pauses)
    return not running and case.decision_deadline is not None and ctx.today() > case.decision_deadline


def action_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, action: Action, parent: QWidget | None = None
) -> FormDialog:
    fields = fields_for(action)
    late = "late_reason" in action.excuses and _decided_late(ctx, case)
    if late:
        fields = (*fields, LATE_REASON)
    dialog = FormDialog(
        ctx,
        case,
        action.label,
        fields,
        lambda values: advance(ctx, actor, case.id, action.key, values),
        parent,
    )
    if late:
        dialog.ui.hintLabel.setText(
            f"办案期限已于 {case.decision_deadline} 届满（《卫生健康行政处罚程序规定》第四十二条），届满后不能再批准延期。"
            "确需作出决定的，请写明超过办案期限的理由：将记入办理过程和审计记录，并在案件中显示。"
        )
        dialog.ui.hintLabel.setWordWrap(True)
    return dialog


OUTCOMES = (("approved", "同意"), ("returned", "建议修改（退回承办人）"), ("rejected", "不同意"))


def review_basis_html(ctx: AppContext, actor: Actor, case: CaseDetail) -> str:
    """The proposal under review and the provisions it cites, from the package of the latest round (what
    was submitted), or from the case's current proposal before anything was submitted."""
    from enforcement_desk.procedure.desk.case_record_panels import basis_html

    rounds = review_history(ctx, actor, case.id)
    if rounds and rounds[-1].package:
        package = rounds[-1].package
        draft = package.get("draft_decision", {})
        outcome = f"{draft.get('outcome', '')}：{'、'.join(draft.get('penalty_kinds', []))}；罚款 {draft.get('fine') or '—'}"
        note = "（提交审核时固定）"
    elif case.proposal is not None:
        package = {
            "violated_provision": case.proposal.violated_provision,
            "legal_basis": case.proposal.legal_basis,
            "discretion": case.discretion,
        }
        outcome = f"{'、'.join(case.proposal.penalty_kinds)}；罚款 {case.proposal.fine or '—'} 元"
        note = "（尚未提交审核，显示当前处理意见）"
    else:
        return "<p style='color:#b3261e'>本案尚无处理意见，无可审核的依据。</p>"
    level = (package.get("discretion") or {}).get("level", "")
    return (
        f"<p><b>拟处理{escape(note)}：</b>{escape(outcome)}"
        + (f"　裁量阶次：{escape(str(level))}" if level else "")
        + "</p>"
        + basis_html(package)
    )


class ReviewDialog(QDialog):
    """The reviewer's seven checks, each passed or with a problem and comment, and the verdict."""

    def __init__(self, ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_ActionDialog()
        self.ui.setupUi(self)
        self.ctx, self.actor, self.case = ctx, actor, case
        self.result_case: CaseDetail | None = None
        self.setWindowTitle(f"法制审核 · {case.filing_no or case.case_no}")
        self.ui.titleLabel.setText(f"<b>法制审核</b>　{case.party.name}　{case.cause}")
        self.ui.hintLabel.setText("逐项审核；同意须七项全部通过，退回或不同意须写明问题。")
        # What was submitted for review (fixed at submission): the proposal, its 违反条款 and 处罚依据 with
        # where their texts were checked, so the 依据 check is made against what the decision will cite.
        self.basis = QTextBrowser(self)
        self.basis.setObjectName("reviewBasis")
        self.basis.setMinimumHeight(150)
        self.basis.setHtml(review_basis_html(ctx, actor, case))
        self.ui.formLayout.addRow("审核材料", self.basis)
        self.results: dict[str, QComboBox] = {}
        self.comments: dict[str, QLineEdit] = {}
        for item in REVIEW_CHECKS:
            combo = QComboBox(self)
            combo.addItems([CHECK_PASSED, CHECK_PROBLEM])
            combo.setObjectName(f"check_{item}")
            comment = QLineEdit(self)
            comment.setPlaceholderText("问题或说明")
            comment.setObjectName(f"comment_{item}")
            self.results[item], self.comments[item] = combo, comment
            row = QWidget(self)
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(combo)
            layout.addWidget(comment, 1)
            self.ui.formLayout.addRow(f"{item}", row)
        self.outcome = QComboBox(self)
        for value, label in OUTCOMES:
            self.outcome.addItem(label, value)
        self.opinion = QPlainTextEdit(self)
        self.opinion.setMinimumHeight(70)
        self.ui.formLayout.addRow("审核结论", self.outcome)
        self.ui.formLayout.addRow("审核意见（必填）", self.opinion)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("提交审核意见")
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)

    def checks(self) -> list[ReviewCheck]:
        return [
            ReviewCheck(
                item, self.results[item].currentText() == CHECK_PASSED, self.comments[item].text().strip()
            )
            for item in REVIEW_CHECKS
        ]

    def accept(self) -> None:
        ctx, actor, case_id = self.ctx, self.actor, self.case.id
        outcome, checks, opinion = self.outcome.currentData(), self.checks(), self.opinion.toPlainText()
        run_write(self, "法制审核", lambda: record_review(ctx, actor, case_id, outcome, checks, opinion),
                  changes=Changes.to_case(case_id), on_done=self.saved, on_refused=self.refused)  # fmt: skip

    def saved(self, case: CaseDetail) -> None:
        self.result_case = case
        super().accept()

    def refused(self, exc: BaseException) -> None:
        self.ui.errorLabel.setText(error_text(exc))
