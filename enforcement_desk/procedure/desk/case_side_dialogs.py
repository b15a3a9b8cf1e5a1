"""Records that belong to a stage without moving the case: hearing, waiver, discussion, extension; and the
service of the decision, whose fields follow the method chosen."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from enforcement_desk.commands.arguments import parse_opinions
from enforcement_desk.context import Actor, AppContext, split_list
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.major import DISCUSSION_FLAG_LABELS, DISCUSSION_RULE
from enforcement_desk.core.procedure.periods import (
    DECISION_EXTENSION_RULE,
    DECISION_PAUSE_KINDS,
    DECISION_PAUSE_RULE,
)
from enforcement_desk.core.procedure.workflow import TERMINATION_REASONS
from enforcement_desk.core.roles import Role
from enforcement_desk.procedure import steps as procedure
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.desk.action_dialog import Field, FormDialog

# 听证结果 as the dialog offers it → the art. 64(六) ground recorded ("" for a hearing held).
HEARING_OUTCOMES = {"听证已举行": "", **{f"终止听证：{reason}": reason for reason in TERMINATION_REASONS}}


def hearing_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (
        Field("held_on", "听证日期", "date", True),
        # 行政处罚法 art. 64(六): the party or its agents refused to attend without good reason or left without
        # leave — 视为放弃听证权利, the hearing is terminated and the case goes on to the decision.
        Field("outcome", "听证结果", "choice", True, tuple(HEARING_OUTCOMES)),
        Field("place", "听证地点"),
        Field("host", "听证主持人（非本案调查人员）", required=True),
        Field("recorder", "记录人（非本案调查人员）"),
        Field("public", "公开举行", "choice", True, ("公开", "不公开")),
        Field("agents", "委托代理人（一至二人）"),
        Field("attendees", "参加人员（以顿号或逗号分隔）"),
        Field("party_statements", "当事人的陈述、申辩和质证意见", "multiline"),
        Field("record", "听证笔录要点", "multiline", True),
        Field("opinion", "听证意见"),
        # No preset: whether the party signed is a fact the officer states, never a default (art. 64(八)).
        Field("party_signature", "当事人签名情况", "choice", True, ("", *procedure.PARTY_SIGNATURES)),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        minutes = procedure.HearingMinutes(
            held_on=v["held_on"], host=v["host"], record=v["record"], opinion=v.get("opinion", ""),
            recorder=v.get("recorder", ""), place=v.get("place", ""), public=v.get("public") == "公开",
            attendees=tuple(split_list(v.get("attendees", ""))), party_statements=v.get("party_statements", ""),
            party_signature=v.get("party_signature", ""), agents=tuple(split_list(v.get("agents", ""))),
            terminated=HEARING_OUTCOMES.get(v.get("outcome", ""), ""),
        )  # fmt: skip
        return procedure.record_hearing(ctx, actor, case.id, minutes)

    dialog = FormDialog(ctx, case, "登记听证", fields, submit, parent)
    outcome = dialog.inputs["outcome"]
    assert isinstance(outcome, QComboBox)
    outcome.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    outcome.setToolTip(
        "当事人及其代理人无正当理由拒不出席或者未经许可中途退出听证的，视为放弃听证权利，终止听证（《行政处罚法》第六十四条第（六）项）"
    )
    agents = dialog.inputs["agents"]
    assert isinstance(agents, QLineEdit)
    agents.setPlaceholderText("以顿号或逗号分隔，至多二人（《行政处罚法》第六十四条第（五）项）")
    record = dialog.inputs["record"]
    assert isinstance(record, QPlainTextEdit)
    record.setPlaceholderText("听证的经过和要点；终止听证的，写明当事人未出席或中途退出的经过")
    return dialog


def hearing_notice_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """听证通知书: time, place, host, recorder and whether the hearing is public (行政处罚法 art. 64(二)(三))."""
    fields = (
        Field("served_on", "通知书送达日期", "date", True),
        Field("day", "听证日期", "later_date", True),
        Field("time", "听证时间（时:分）", required=True, preset=("09:30",)),
        Field("place", "听证地点", required=True),
        Field("host", "听证主持人（非本案调查人员）", required=True),
        Field("recorder", "记录人（非本案调查人员）"),
        Field("public", "公开举行", "choice", True, ("公开", "不公开")),
        Field("not_public_reason", "不公开的理由（国家秘密、商业秘密或者个人隐私）"),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        try:
            at = datetime.combine(v["day"], time.fromisoformat(str(v["time"]).strip().replace("：", ":")))
        except ValueError:
            raise DomainError(f"听证时间格式不正确：“{v['time']}”（应为 时:分，如 09:30）") from None
        return procedure.arrange_hearing(
            ctx, actor, case.id, scheduled_at=at, place=v["place"], host=v["host"], recorder=v.get("recorder", ""),
            public=v.get("public") != "不公开", not_public_reason=v.get("not_public_reason", ""),
            served_on=v["served_on"],
        )  # fmt: skip

    return FormDialog(ctx, case, "安排听证", fields, submit, parent)


def waiver_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (Field("note", "放弃陈述申辩的书面材料", "multiline", True),)
    return FormDialog(
        ctx,
        case,
        "当事人书面放弃陈述申辩",
        fields,
        lambda v: procedure.waive_defence(ctx, actor, case.id, note=v["note"]),
        parent,
    )


def discussion_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (
        Field("held_on", "讨论日期", "date", True),
        Field("participants", "参加人员（用顿号分隔）", required=True),
        Field("opinions", "各人意见（每行 姓名：意见）", "multiline", True),
        Field("conclusion", "讨论结论", "multiline", True),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        participants = [
            p.strip()
            for p in v["participants"].replace(",", "、").replace("，", "、").split("、")
            if p.strip()
        ]
        return procedure.record_discussion(
            ctx, actor, case.id, held_on=v["held_on"], participants=participants,
            opinions=parse_opinions(v["opinions"].splitlines()), conclusion=v["conclusion"],
        )  # fmt: skip

    return FormDialog(ctx, case, "登记集体讨论", fields, submit, parent)


def discussion_grounds_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """集体讨论的事由 a person judges (卫生健康行政处罚程序规定 art. 40(三)(五)); the grounds that follow from the
    proposal and the review are shown above them."""
    flags = set(case.flags)
    fields = tuple(
        Field(key, f"{DISCUSSION_FLAG_LABELS[key]}（第四十条第一款第（{item}）项）", "bool")
        for key, item in (("major_safety", "三"), ("social_impact", "三"), ("head_referral", "五"))
    ) + (Field("note", "标记的理由", "multiline", True),)

    def submit(v: dict[str, Any]) -> CaseDetail:
        grounds = {key for key in DISCUSSION_FLAG_LABELS if v.get(key)}
        return procedure.mark_discussion_grounds(ctx, actor, case.id, grounds=grounds, note=v["note"])

    dialog = FormDialog(ctx, case, "集体讨论的事由", fields, submit, parent)
    for key in DISCUSSION_FLAG_LABELS:
        box = dialog.inputs[key]
        assert isinstance(box, QCheckBox)
        box.setChecked(key in flags)
    dialog.inputs["head_referral"].setEnabled(actor.role is Role.HEAD)  # 负责人认为应当提交的 (art. 40(五))
    shown = QLabel("；".join(case.discussion.grounds) if case.discussion.needed else "目前不属于应当集体讨论的情形", dialog)
    shown.setObjectName("discussion_grounds")
    shown.setWordWrap(True)
    dialog.ui.formLayout.insertRow(0, "现有事由", shown)
    rule = QLabel(f"依据：{DISCUSSION_RULE}：对情节复杂或者重大违法行为给予行政处罚的五类案件，由负责人集体讨论决定", dialog)
    rule.setWordWrap(True)
    dialog.ui.formLayout.addRow(rule)
    return dialog


def extension_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """延期审批 of the decision period (卫生健康行政处罚程序规定 art. 42(2)): the current last day, which extension
    this is and what it allows, and, as the days are typed, the new last day (moved off a holiday) — all shown
    before saving. The second extension asks for the collective discussion that decided it."""
    terms = procedure.extension_terms(ctx, actor, case.id, "decision")
    limit = terms.max_days
    fields: tuple[Field, ...] = (
        Field("days", f"延长日数（本次最多 {limit} 日）", required=True, preset=(str(limit),) if limit else ()),
        Field("reason", "延期理由（案情复杂或者其他原因；再次延长的，写明案情重大或者特别复杂的情况）", "multiline", True),
    )
    if terms.needs_discussion:
        fields += (
            Field("discussion_date", "集体讨论日期", "date", True),
            Field("participants", "参加讨论的负责人（至少两人，以顿号分隔）", required=True),
            Field("conclusion", "集体讨论结论", "multiline", True),
        )

    def submit(v: dict[str, Any]) -> CaseDetail:
        try:
            days = int(v["days"])
        except ValueError:
            raise DomainError(f"延长日数应为整数，收到“{v['days']}”", rule=DECISION_EXTENSION_RULE) from None
        discussion = None
        if terms.needs_discussion:
            discussion = procedure.ExtensionDiscussion(
                v["discussion_date"], tuple(split_list(v["participants"])), v["conclusion"]
            )
        return procedure.extend_decision_deadline(
            ctx, actor, case.id, days=days, reason=v["reason"], discussion=discussion
        )

    dialog = FormDialog(ctx, case, "延长办案期限", fields, submit, parent)
    _show_terms(dialog, terms, "办案期限", dialog.inputs["days"])
    return dialog


PAUSE_RUNNING = "尚未结束"


def pause_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """不计入办案期限的期间 (卫生健康行政处罚程序规定 art. 42(3)): the time a hearing, a test, an expert opinion and
    the like needed. With a running one open, the dialog records its end instead."""
    running = next((p for p in case.decision_pauses if p.ended_on is None), None)
    if running is not None:
        fields: tuple[Field, ...] = (
            Field("ended_on", "结束日期", "date", True),
            Field("note", "说明（如收到检验报告）"),
        )
        dialog = FormDialog(
            ctx, case, "登记不计入期间的结束", fields,
            lambda v: procedure.end_decision_pause(ctx, actor, case.id, ended_on=v["ended_on"], note=v.get("note", "")),
            parent,
        )  # fmt: skip
        shown = QLabel(running.text, dialog)
        shown.setObjectName("pause_running")
        shown.setWordWrap(True)
        dialog.ui.formLayout.insertRow(0, "进行中的期间", shown)
    else:
        fields = (
            Field("kind", "事项", "choice", True, DECISION_PAUSE_KINDS),
            Field("started_on", "开始日期", "date", True),
            Field("state", "结束", "choice", True, (PAUSE_RUNNING, "已结束")),
            Field("ended_on", "结束日期（已结束的）", "date"),
            Field("note", "说明（如送检的样品和检验机构）"),
        )

        def submit(v: dict[str, Any]) -> CaseDetail:
            ended_on = v.get("ended_on") if v.get("state") == "已结束" else None
            return procedure.record_decision_pause(ctx, actor, case.id, kind=v["kind"], started_on=v["started_on"],
                                                   ended_on=ended_on, note=v.get("note", ""))  # fmt: skip

        dialog = FormDialog(ctx, case, "登记不计入办案期限的期间", fields, submit, parent)
        state = dialog.inputs["state"]
        assert isinstance(state, QComboBox)
        state.currentTextChanged.connect(
            lambda text: dialog.ui.formLayout.setRowVisible(dialog.inputs["ended_on"], text != PAUSE_RUNNING)
        )
        dialog.ui.formLayout.setRowVisible(dialog.inputs["ended_on"], False)
    rule = QLabel(
        f"依据：{DECISION_PAUSE_RULE}：听证、招标、拍卖、公示、公告和检测、检验、检疫、鉴定、专家评审、协助调查等所需时间"
        "不计入案件办理期限（开始和结束之日均不计入；尚未结束的，办案期限暂停计算）",
        dialog,
    )
    rule.setWordWrap(True)
    rule.setObjectName("pause_rule")
    dialog.ui.formLayout.addRow(rule)
    return dialog


def filing_extension_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """立案期限延长 (卫生健康行政处罚程序规定 art. 32): once, by the head, before the filing period runs out."""
    terms = procedure.extension_terms(ctx, actor, case.id, "filing")
    fields = (Field("reason", "延长立案期限的理由", "multiline", True),)
    dialog = FormDialog(
        ctx, case, "延长立案期限", fields,
        lambda v: procedure.extend_filing_deadline(ctx, actor, case.id, reason=v["reason"]), parent,
    )  # fmt: skip
    _show_terms(dialog, terms, "立案期限", None)
    return dialog


def _show_terms(
    dialog: FormDialog, terms: procedure.ExtensionTerms, name: str, days: QLineEdit | None
) -> None:
    """Rows above the fields: the current last day, what may be granted, the new last day (following the days
    typed), and the rule it rests on."""
    new_due = QLabel(dialog)
    new_due.setObjectName("extension_new_due")

    def follow(text: str = "") -> None:
        try:
            count = int(text.strip()) if days is not None else terms.max_days
        except ValueError:
            count = 0
        if terms.key == "decision" and count > terms.max_days > 0:
            new_due.setText(f"超过本次最多可延长的 {terms.max_days} 日")
            return
        blocked = terms.expired or terms.exhausted or terms.paused_since is not None
        due = None if blocked else terms.new_due(count)
        new_due.setText(f"<b>{due}</b>" if due else "—")

    rows = (
        ("current_due", f"{name}现届满日", str(terms.current_due or "—")),
        ("which", "本次", terms.which_text()),
        ("allowed", "可以批准", terms.allowed_text()),
    )
    for index, (key, label, text) in enumerate(rows):
        shown = QLabel(text, dialog)
        shown.setObjectName(f"extension_{key}")
        shown.setWordWrap(True)
        dialog.ui.formLayout.insertRow(index, label, shown)
    dialog.ui.formLayout.insertRow(len(rows), "延长后届满日", new_due)
    rule = QLabel(f"依据：{terms.rule}", dialog)
    rule.setWordWrap(True)
    rule.setObjectName("extension_rule")
    dialog.ui.formLayout.addRow(rule)
    if days is not None:
        days.textChanged.connect(follow)
        follow(days.text())
    else:
        follow()


# ---- 送达决定书 (卫生健康行政处罚程序规定 arts. 53–58) ------------------------------------------------------

# The fields each method asks for, beyond the method itself (the service refuses what is missing, with the
# article); the others are hidden and not sent.
SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    "直接送达": ("served_on", "recipient"),
    "留置送达": ("served_on", "recipient", "refusal_reason", "witnesses", "evidence"),
    "邮寄送达": ("served_on", "recipient", "receipt_ref"),
    "委托送达": ("served_on", "recipient", "receipt_ref"),
    "电子送达": ("served_on", "recipient", "consent_ref", "evidence"),
    "公告送达": ("notice_reason", "publication", "published_on"),
}
SERVED_ON_LABELS = {
    "直接送达": "送达日期（签收日期）",
    "留置送达": "送达日期（留置之日）",
    "邮寄送达": "回执上注明的收件日期",
    "委托送达": "回执上注明的收件日期",
    "电子送达": "送达信息到达受送达人的日期",
}
SERVICE_RULES = {
    "留置送达": "《卫生健康行政处罚程序规定》第五十五条：记明拒收事由和日期，由见证人签名或盖章，或拍照、录像记录送达过程。",
    "邮寄送达": "《卫生健康行政处罚程序规定》第五十六条：以回执上注明的收件日期为送达日期。",
    "委托送达": "《卫生健康行政处罚程序规定》第五十六条：以回执上注明的收件日期为送达日期。",
    "电子送达": "《卫生健康行政处罚程序规定》第五十七条：受送达人同意并签订确认书；以拍照、截屏、录音、录像等方式记录。",
    "公告送达": "《卫生健康行政处罚程序规定》第五十八条：自发出公告之日起经过三十日视为送达（送达日期由程序计算）。",
}


class ServiceDialog(FormDialog):
    """送达决定书: the fields shown follow the method chosen, and 公告送达's date of service is computed."""

    def __init__(self, ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None):
        from enforcement_desk.evidence.service import list_evidence

        self.evidence_labels = {
            f"#{e.id} {e.evidence_type} {e.original_name}": e.id
            for e in list_evidence(ctx, actor, case.id) if not e.voided
        }  # fmt: skip
        fields = (
            Field("method", "送达方式", "choice", True, procedure.SERVICE_METHODS),
            Field("served_on", "送达日期", "date"),
            Field("recipient", "受送达人/签收人"),
            Field("refusal_reason", "拒收事由", "multiline"),
            Field("witnesses", "见证人（基层组织或所在单位的代表，以顿号分隔）"),
            Field("evidence", "记录送达过程的证据（照片、录像、截屏等）", "checks", False, tuple(self.evidence_labels)),
            Field("receipt_ref", "回执（邮件号或回执编号）"),
            Field("consent_ref", "电子送达确认书（编号或签署日期）"),
            Field("notice_reason", "公告送达的原因（下落不明或其他方式无法送达）", "multiline"),
            Field("publication", "公告的方式和载体（张贴地点，或报纸、网站）"),
            Field("published_on", "公告发出日期", "date"),
        )  # fmt: skip
        super().__init__(ctx, case, "送达决定书", fields, self._submit, parent)
        self.actor = actor
        for key in ("refusal_reason", "notice_reason"):  # a sentence or two; the form stays compact
            self.inputs[key].setMaximumHeight(self.fontMetrics().height() * 4)
        self.ui.errorLabel.setWordWrap(True)
        self.deemed = QLabel(self)
        self.deemed.setObjectName("deemedServedOn")
        self.deemed.setWordWrap(True)
        self.ui.formLayout.addRow("视为送达日期", self.deemed)
        self.rule = QLabel(self)
        self.rule.setObjectName("serviceRule")
        self.rule.setWordWrap(True)
        self.ui.formLayout.addRow(self.rule)
        if not self.evidence_labels:
            self.inputs["evidence"].setToolTip("本案尚无证据；请先在“证据”中登记送达过程的照片或录像")
        self.inputs["method"].currentTextChanged.connect(self.show_method)
        self.inputs["published_on"].dateChanged.connect(lambda _day: self._show_deemed())
        self.show_method(self.method())

    def method(self) -> str:
        return self.inputs["method"].currentText()

    def show_method(self, method: str) -> None:
        wanted = SERVICE_FIELDS.get(method, ())
        for field in self.fields[1:]:
            self.ui.formLayout.setRowVisible(self.inputs[field.key], field.key in wanted)
        label = self.ui.formLayout.labelForField(self.inputs["served_on"])
        if label is not None:
            label.setText(SERVED_ON_LABELS.get(method, "送达日期"))
        self.ui.formLayout.setRowVisible(self.deemed, method == "公告送达")
        self.rule.setText(
            SERVICE_RULES.get(
                method, "《卫生健康行政处罚程序规定》第五十四条：在送达回执上签收的日期为送达日期。"
            )
        )
        self._show_deemed()
        self.adjustSize()

    def _show_deemed(self) -> None:
        if self.method() != "公告送达":
            return
        from enforcement_desk.admin.agency_settings import get_settings
        from enforcement_desk.procedure.calendars import calendar_for, deadline

        settings = get_settings(self.ctx, self.actor).settings
        published = self.inputs["published_on"].date().toPython()
        served = deadline("public_notice_service", published, settings, calendar_for(settings)).due
        self.deemed.setText(f"{served}（自 {published} 发出公告起经过三十日）")

    def values(self) -> dict[str, Any]:
        values = super().values()
        wanted = {"method", *SERVICE_FIELDS.get(self.method(), ())}
        kept = {key: value for key, value in values.items() if key in wanted}
        if "evidence" in kept:
            kept["evidence"] = [self.evidence_labels[label] for label in kept["evidence"]]
        return kept

    def _submit(self, values: dict[str, Any]) -> CaseDetail:
        return procedure.advance(self.ctx, self.actor, self.case.id, "serve", values)


def service_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> ServiceDialog:
    return ServiceDialog(ctx, actor, case, parent)


# ---- execution beside the workflow (行政强制法 arts. 53–58; 行政处罚法 arts. 72, 73) ------------------------

MONEY_LABELS = {"罚款": "fine", "加处罚款": "surcharge", "没收违法所得": "confiscation"}


def _amount(text: Any, label: str) -> Decimal | None:
    from enforcement_desk.core.money import parse_amount

    text = str(text or "").strip()
    if not text:
        return None
    try:
        return parse_amount(text)
    except DomainError as exc:
        raise DomainError(f"{label}：{exc.message}") from None


def reminder_service_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """催告书的送达: the ten working days before the agency may apply to the court run from this day."""
    fields = (
        Field("served_on", "催告书送达日期", "date", True),
        Field("method", "送达方式", "choice", True, procedure.SERVICE_METHODS),
        Field("receiver", "受送达人/签收人", required=True),
        Field("consent", "电子送达：受送达人已同意并签订确认书", "bool"),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        return procedure.record_reminder_service(ctx, actor, case.id, served_on=v["served_on"], method=v["method"],
                                                 receiver=v["receiver"], consent=bool(v.get("consent")))  # fmt: skip

    return FormDialog(ctx, case, "登记催告书的送达", fields, submit, parent)


def challenge_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """The party's 行政复议 or 行政诉讼: while it is pending no surcharge accrues and the application waits."""
    fields = (
        Field("kind", "种类", "choice", True, ("复议", "诉讼")),
        Field("filed_on", "申请复议或起诉日期", "date", True),
        Field("body", "复议机关或人民法院", required=True),
        Field("note", "说明"),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        return procedure.record_challenge(ctx, actor, case.id, kind=v["kind"], filed_on=v["filed_on"], body=v["body"],
                                          note=v.get("note", ""))  # fmt: skip

    return FormDialog(ctx, case, "登记复议或诉讼", fields, submit, parent)


def challenge_outcome_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    fields = (
        Field(
            "outcome",
            "结果",
            "choice",
            True,
            ("维持", "驳回", "变更", "撤销", "确认违法", "确认无效", "撤回"),
        ),
        Field("decided_on", "复议决定或裁判日期", "date", True),
        Field("document_no", "复议决定书或裁判文书文号", required=True),
        Field("note", "说明"),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        return procedure.record_challenge_outcome(ctx, actor, case.id, outcome=v["outcome"], decided_on=v["decided_on"],
                                                  document_no=v["document_no"], note=v.get("note", ""))  # fmt: skip

    return FormDialog(ctx, case, "登记复议或诉讼的结果", fields, submit, parent)


def court_reply_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """The court's answer: 受理/不予受理, 准予执行/不予执行, then 执行完毕/终结执行 with the sums recovered."""
    fields = (
        Field(
            "kind",
            "答复",
            "choice",
            True,
            ("受理", "不予受理", "准予执行", "不予执行", "执行完毕", "终结执行"),
        ),
        Field("replied_on", "答复或裁定日期", "date", True),
        Field("document_no", "案号或裁定书文号", required=True),
        Field("fine", "执行到位的罚款（元）"),
        Field("surcharge", "执行到位的加处罚款（元）"),
        Field("confiscation", "执行到位的没收违法所得（元）"),
        Field("note", "说明"),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        recovered = {key: _amount(v.get(key), label) for key, label in
                     (("fine", "罚款"), ("surcharge", "加处罚款"), ("confiscation", "没收违法所得"))}  # fmt: skip
        return procedure.record_court_reply(
            ctx, actor, case.id, kind=v["kind"], replied_on=v["replied_on"], document_no=v["document_no"],
            recovered={k: a for k, a in recovered.items() if a is not None}, note=v.get("note", ""),
        )  # fmt: skip

    return FormDialog(ctx, case, "登记人民法院的答复", fields, submit, parent)


def execution_waiver_dialog(
    ctx: AppContext, actor: Actor, case: CaseDetail, parent: QWidget | None = None
) -> FormDialog:
    """A sum waived or reduced by a decision (head only)."""
    fields = (
        Field("kind", "减免的款项", "choice", True, tuple(MONEY_LABELS)),
        Field("amount", "减免金额（元）", required=True),
        Field("decision_no", "减免决定的文号", required=True),
        Field("decided_on", "减免决定日期", "date", True),
        Field("reason", "减免理由", "multiline", True),
    )

    def submit(v: dict[str, Any]) -> CaseDetail:
        amount = _amount(v["amount"], "减免金额")
        return procedure.record_execution_waiver(
            ctx, actor, case.id, kind=MONEY_LABELS[v["kind"]], amount=amount if amount is not None else Decimal(0),
            decision_no=v["decision_no"], decided_on=v["decided_on"], reason=v["reason"],
        )  # fmt: skip

    return FormDialog(ctx, case, "登记减免", fields, submit, parent)
