"""Moving a case through the procedure: one service call per action of the workflow table.

Each call locks the case row, rebuilds the workflow state, lets the core refuse or allow, applies
the action's effects (numbers, deadlines, records) and appends the audit event — all in one
transaction, so a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text, split_list
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar
from enforcement_desk.core.procedure.execution import (
    ANNULLING_OUTCOMES,
    CHALLENGE_KINDS,
    CHALLENGE_OUTCOMES,
    COURT_RECOVERY_REPLIES,
    COURT_REPLY_AFTER,
    COURT_REPLY_KINDS,
    REMINDER_RULE,
    Balance,
)
from enforcement_desk.core.procedure.execution import KINDS as EXECUTION_KINDS
from enforcement_desk.core.procedure.major import DISCUSSION_FLAG_LABELS, DISCUSSION_RULE, hearing_right
from enforcement_desk.core.procedure.periods import (
    DECISION_EXTENSION_DAYS,
    DECISION_EXTENSION_RULE,
    DECISION_PAUSE_RULE,
    FILING_EXTENSION_RULE,
    PausePeriod,
    decision_extension_limit,
    decision_extension_refusal,
    decision_pause_refusal,
    extended_decision_due,
)
from enforcement_desk.core.procedure.workflow import (
    HEARING_HELD,
    HEARING_TERMINATED,
    LATE_DECISION_PREFIX,
    Action,
    check,
    discussion_refusal,
    hearing_record_refusal,
    target_stage,
    termination_reason,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import PRE_DECISION_STAGES, Outcome, Stage
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.calendars import calendar_for, deadline
from enforcement_desk.procedure.case_records import (
    case_balance,
    current_reminder,
    execution_view,
    history,
    latest,
)
from enforcement_desk.procedure.cases import (
    _detail,
    actor_info,
    audit,
    load_case,
    record_stage_change,
    refresh_search_text,
)
from enforcement_desk.procedure.deadlines import (
    agency_settings,
    close_deadlines,
    extend_deadline,
    move_application_window,
    open_deadline,
    open_execution_periods,
    resume_deadline,
)
from enforcement_desk.procedure.numbers import issue_wenhao
from enforcement_desk.procedure.review_package import build_review_package
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.store.models import (
    Agency,
    Base,
    Case,
    CollectiveDiscussion,
    Deadline,
    DecisionExtension,
    LegalReview,
    Payment,
    User,
)
from enforcement_desk.store.models_steps import (
    Challenge,
    ChallengeOutcome,
    CourtReply,
    DecisionPause,
    DecisionService,
    EnforcementApplication,
    ExecutionWaiver,
    FilingExtension,
    HearingNotice,
    HearingRecord,
    PaymentPlan,
    PoliceAnswer,
    ReminderService,
    TransferDecision,
)
from enforcement_desk.supervision.publicity import record_decision_publicity

SERVICE_METHODS = ("直接送达", "留置送达", "邮寄送达", "委托送达", "公告送达", "电子送达")
REVIEW_CHECKS = ("主体", "事实", "证据", "定性", "依据", "程序", "裁量")
CHECK_PASSED = "通过"
CHECK_PROBLEM = "有问题"


class _Step:
    """What an action's effect function receives."""

    def __init__(
        self,
        session: Session,
        case: Case,
        actor: Actor,
        agency: Agency,
        settings: AgencySettings,
        calendar: WorkingDayCalendar,
        today: date,
        params: dict[str, Any],
    ):
        self.session, self.case, self.actor, self.agency = session, case, actor, agency
        self.settings, self.calendar, self.today, self.params = settings, calendar, today, params
        # The business moment of this step (the pinned date of a replayed timeline, at this time of day).
        self.now = datetime.now() if today == date.today() else datetime.combine(today, datetime.now().time())
        self.records: list[Base] = []  # step records this action writes; their content goes into its audit event
        self.note: str | None = None  # the stage change's note, when the effect words it (a late decision's reason)

    def record(self, row: Base) -> None:
        self.records.append(row)

    def date_param(self, key: str) -> date:
        value = self.params.get(key) or self.today
        if value > self.today:
            raise DomainError(f"日期 {value} 晚于今天，不能登记将来发生的事项")
        return value

    def open(self, key: str, start: date | datetime, **kwargs: Any) -> None:
        open_deadline(self.session, self.case.id, key, start, self.settings, self.calendar, **kwargs)

    def close(self, *keys: str) -> None:
        close_deadlines(self.session, self.case.id, *keys, on=self.today)


def _file(step: _Step) -> dict:
    case = step.case
    case.filed_on = step.today
    case.filing_approver_id = step.actor.user_id
    case.filing_no = issue_wenhao(step.session, step.agency, case.category, "立", step.today.year)
    refresh_search_text(case, case.party)
    step.close("filing")
    step.open("decision", step.today)
    return {"filing_no": case.filing_no, "opinion": step.params.get("opinion", "")}


def _terminal(step: _Step) -> dict:
    step.close("filing", "decision", "defence", "hearing_request", "legal_review")
    return {"reason": step.params["reason"]}


def _send_prior_notice(step: _Step) -> dict:
    served_on = step.date_param("served_on")
    step.case.prior_notice_served_on = served_on
    step.open("defence", served_on)
    qualifies, reasons = hearing_right(views.proposed_penalty(step.case), step.settings)
    if qualifies:
        step.open("hearing_request", served_on)
    return {"served_on": served_on, "hearing_right": qualifies, "hearing_reasons": list(reasons)}


def _request_hearing(step: _Step) -> dict:
    step.case.hearing_requested_on = step.date_param("requested_on")
    step.close("hearing_request")
    return {"requested_on": step.case.hearing_requested_on}


def _submit_review(step: _Step) -> dict:
    case = step.case
    previous = step.session.scalars(select(LegalReview.round).where(LegalReview.case_id == case.id))
    round_no = max(previous, default=0) + 1
    case.review_return_stage = case.stage
    step.close("defence", "hearing_request")
    step.open("legal_review", step.today)
    review = LegalReview(
        case_id=case.id,
        round=round_no,
        submitted_by=step.actor.user_id,
        submitted_at=step.now,
        package=build_review_package(step.session, case, step.settings, step.today),
        due_on=views.open_deadline_due(step.session, case.id, "legal_review"),
        checks=[],
        opinion="",
    )
    step.session.add(review)
    return {"round": round_no, "note": step.params.get("note", "")}


def validate_review_checks(outcome: str, checks: list[dict], params: dict[str, Any]) -> list[dict]:
    """The seven checks of a review round: all passed to agree; a named problem to return or refuse."""
    by_item = {c.get("item"): c for c in checks}
    unknown = [item for item in by_item if item not in REVIEW_CHECKS]
    if unknown:
        raise DomainError(
            f"未知的审核事项：{'、'.join(map(str, unknown))}（应为 {'、'.join(REVIEW_CHECKS)}）"
        )
    missing = [item for item in REVIEW_CHECKS if item not in by_item]
    if missing:
        raise DomainError(f"须逐项审核七个事项，尚缺：{'、'.join(missing)}", rule="《行政处罚法》第五十八条")
    problems = [c for c in checks if c.get("result") != CHECK_PASSED]
    if outcome == "approved" and problems:
        items = "、".join(c["item"] for c in problems)
        raise DomainError(f"审核事项“{items}”未通过，不能审核同意；请退回修改或不同意")
    if outcome != "approved":
        if not problems:
            raise DomainError("退回修改或不同意时，须至少指出一个有问题的审核事项")
        silent = [c["item"] for c in problems if not str(c.get("comment") or "").strip()]
        if silent:
            raise DomainError(f"请写明审核事项“{'、'.join(silent)}”存在的问题")
    return [
        {"item": item, "result": by_item[item].get("result"), "comment": by_item[item].get("comment") or ""}
        for item in REVIEW_CHECKS
    ]


def _review_outcome(outcome: str) -> Callable[[_Step], dict]:
    def effect(step: _Step) -> dict:
        review = views.latest_review(step.session, step.case.id)
        if review is None or review.outcome is not None:
            raise DomainError("没有待审核的法制审核申请")
        checks = validate_review_checks(outcome, step.params.get("checks") or [], step.params)
        review.reviewer_id = step.actor.user_id
        review.reviewed_at = step.now
        review.outcome = outcome
        review.checks = checks
        review.opinion = step.params.get("reason") or step.params.get("opinion") or ""
        step.close("legal_review")
        return {"round": review.round, "outcome": outcome, "opinion": review.opinion, "checks": checks}

    return effect


def _decide(step: _Step) -> dict:
    case = step.case
    # Past the decision period (卫生健康行政处罚程序规定 art. 42), the workflow let the head decide only with the
    # written reason for the delay: it goes into the stage change's note and the audit event, and the period
    # is closed as late.
    due = views.open_deadline_due(step.session, case.id, "decision")
    late_reason = str(step.params.get("late_reason") or "").strip() if due and step.today > due else ""
    if late_reason:
        step.note = f"{LATE_DECISION_PREFIX}{late_reason}"
    outcome = Outcome(case.proposed_outcome)
    case.decided_outcome = outcome.value
    case.decided_on = step.today
    nature = "罚" if outcome is Outcome.PENALTY else "决"
    if outcome is Outcome.PENALTY:
        case.decision_no = issue_wenhao(step.session, step.agency, case.category, nature, step.today.year)
        step.open("publicity", step.today)
        record_decision_publicity(step.session, case, step.agency, step.today, step.settings)
    refresh_search_text(case, case.party)
    close_deadlines(step.session, case.id, "decision", on=step.today, status="late" if late_reason else "met")
    step.close("defence", "hearing_request")
    step.open("service", step.today)
    late = {"late_reason": late_reason, "decision_due": due} if late_reason else {}
    return {"outcome": outcome.value, "decision_no": case.decision_no, "fine": case.fine_amount, **late}


SERVICE_RULE = "《卫生健康行政处罚程序规定》"
PUBLIC_NOTICE_RULE = "《中华人民共和国民事诉讼法》第九十五条（《卫生健康行政处罚程序规定》的公告送达条文未核实）"


def _service_evidence(step: _Step, raw: Any) -> list[int]:
    """The case's evidence items a service refers to (photos, video, screenshots): ids typed as 12, #12
    or a list; each must be a current (not voided) item of this case."""
    from enforcement_desk.store.models import Evidence, EvidenceVoid

    texts = raw if isinstance(raw, list | tuple) else split_list(str(raw or "").replace(" ", ","))
    ids: list[int] = []
    for text in texts:
        try:
            ids.append(int(str(text).strip().lstrip("#")))
        except ValueError:
            raise DomainError(f"证据编号应为数字（如 12 或 #12），收到“{text}”") from None
    for evidence_id in dict.fromkeys(ids):
        row = step.session.get(Evidence, evidence_id)
        voided = step.session.scalar(select(EvidenceVoid.id).where(EvidenceVoid.evidence_id == evidence_id))
        if row is None or row.case_id != step.case.id or voided is not None:
            raise DomainError(f"证据 #{evidence_id} 不是本案现存的证据")
    return list(dict.fromkeys(ids))


def _service_requirements(step: _Step, method: str, witnesses: list[str], evidence_ids: list[int]) -> None:
    """What 卫生健康行政处罚程序规定 arts. 55–57 ask to be on record for 留置, 委托/邮寄 and 电子送达."""

    def text(key: str) -> str:
        return str(step.params.get(key) or "").strip()

    if method == "留置送达":
        rule = f"{SERVICE_RULE}第五十五条"
        if not text("refusal_reason"):
            raise DomainError("留置送达须在送达回执上记明拒收事由和日期，请填写拒收事由", rule=rule)
        if not witnesses and not evidence_ids:
            raise DomainError(
                "留置送达须由送达人、见证人签名或者盖章，或者采用拍照、录像等方式记录送达过程："
                "请填写见证人姓名，或关联本案记录送达过程的照片、录像证据", rule=rule,
            )  # fmt: skip
    elif method in ("邮寄送达", "委托送达"):
        rule = f"{SERVICE_RULE}第五十六条"
        if not text("receipt_ref"):
            raise DomainError(f"{method}以回执上注明的收件日期为送达日期，请登记回执（邮件号或回执编号）", rule=rule)
        if not step.params.get("served_on"):
            raise DomainError("请填写回执上注明的收件日期（即送达日期）", rule=rule)
    elif method == "电子送达":
        rule = f"{SERVICE_RULE}第五十七条"
        if not text("consent_ref"):
            raise DomainError("电子送达须经受送达人同意并签订确认书，请登记确认书（编号或签署日期）", rule=rule)
        if not evidence_ids:
            raise DomainError(
                "电子送达应当通过拍照、截屏、录音、录像等方式予以记录，请关联本案记录送达的证据", rule=rule
            )


def _public_notice_days(step: _Step) -> tuple[date, date]:
    """公告送达: the day the notice was published and the day it counts as served, thirty days later
    (民事诉讼法 art. 95; a last day on a holiday moves to the next working day, its art. 85) — computed,
    never typed."""
    params = step.params
    if not str(params.get("notice_reason") or "").strip():
        raise DomainError(
            "受送达人下落不明，或者用其他方式无法送达的，才可公告送达：请写明原因", rule=PUBLIC_NOTICE_RULE
        )
    if not str(params.get("publication") or "").strip():
        raise DomainError("请写明公告的方式和载体（张贴的地点，或刊登的报纸、网站）", rule=PUBLIC_NOTICE_RULE)
    if not params.get("published_on"):
        raise DomainError("请填写公告发出的日期", rule=PUBLIC_NOTICE_RULE)
    published_on = step.date_param("published_on")
    if step.case.decided_on and published_on < step.case.decided_on:
        raise DomainError(f"公告日期 {published_on} 早于决定日期 {step.case.decided_on}")
    served_on = deadline("public_notice_service", published_on, step.settings, step.calendar).due
    typed = params.get("served_on")
    if typed and typed != served_on:
        raise DomainError(
            f"公告送达自发出公告之日起经过三十日视为送达：{published_on} 发出的公告，送达日期为 {served_on}，"
            f"不能填写为 {typed}", rule=PUBLIC_NOTICE_RULE,
        )  # fmt: skip
    return published_on, served_on


def _serve(step: _Step) -> dict:
    """送达决定书 by one of the methods of 卫生健康行政处罚程序规定 arts. 53–57 and 民事诉讼法 art. 95, with what
    each requires on record (a DecisionService row): nothing is saved when any of it is missing."""
    method = step.params.get("method") or "直接送达"
    if method not in SERVICE_METHODS:
        raise DomainError(f"送达方式应为：{'、'.join(SERVICE_METHODS)}")

    def text(key: str) -> str:
        return str(step.params.get(key) or "").strip()

    witnesses = split_list(text("witnesses")) if method == "留置送达" else []
    evidence_ids = _service_evidence(step, step.params.get("evidence"))
    _service_requirements(step, method, witnesses, evidence_ids)
    if method == "公告送达":
        published_on, served_on = _public_notice_days(step)
    else:
        published_on, served_on = None, step.date_param("served_on")
    if step.case.decided_on and served_on < step.case.decided_on:
        raise DomainError("送达日期不能早于决定日期")
    step.case.served_on = served_on
    step.case.service_method = method
    step.close("service")
    owed = (step.case.fine_amount or 0) + (step.case.confiscation_amount or 0)
    if step.case.decided_outcome == Outcome.PENALTY.value and owed > 0:
        step.open("payment", served_on)
    if step.case.decided_outcome == Outcome.PENALTY.value:
        open_execution_periods(step.session, step.case.id, served_on, step.settings, step.calendar, money_owed=owed > 0)
    step.record(DecisionService(
        case_id=step.case.id, method=method, served_on=served_on, recipient=text("recipient"),
        refusal_reason=text("refusal_reason") if method == "留置送达" else "", witnesses=witnesses,
        evidence_ids=evidence_ids, receipt_ref=text("receipt_ref") if method in ("邮寄送达", "委托送达") else "",
        consent_ref=text("consent_ref") if method == "电子送达" else "", published_on=published_on,
        publication=text("publication") if published_on else "", notice_reason=text("notice_reason") if published_on else "",
        recorded_by=step.actor.user_id, recorded_at=step.now,
    ))  # fmt: skip
    return {"served_on": served_on, "method": method, "recipient": text("recipient"), "published_on": published_on}


def _payment_amount(raw: object) -> Decimal:
    from enforcement_desk.core.money import parse_amount

    return parse_amount(str(raw if raw is not None else ""))


def _record_payment(step: _Step) -> dict:
    """缴款: a payment of the fine, of the late-payment surcharge or of confiscated illegal gains, never more
    than what is owed of that kind on the day it was paid, never before the decision was served."""
    case = step.case
    kind = str(step.params.get("kind") or "fine")
    kind = {label: key for key, label in EXECUTION_KINDS.items()}.get(kind, kind)  # 罚款 / 加处罚款 / 没收违法所得
    if kind not in EXECUTION_KINDS:
        raise DomainError(f"缴款种类应为：{'、'.join(f'{k}（{v}）' for k, v in EXECUTION_KINDS.items())}")
    amount = _payment_amount(step.params.get("amount"))
    if amount <= 0:
        raise DomainError("缴款金额必须大于零")
    paid_on = step.date_param("paid_on")
    served = case.served_on or case.decided_on
    if served is not None and paid_on < served:
        raise DomainError(f"缴款日期 {paid_on} 早于处罚决定书送达日期 {served}", rule="《行政处罚法》第六十七条")
    _check_within_owed(step.session, case, kind, amount, paid_on, "缴款")
    after = add_payment(step.session, case, step.actor, kind, amount, paid_on, str(step.params.get("receipt_no", "")),
                        today=step.today)  # fmt: skip
    return {"kind": kind, "amount": amount, "paid_on": paid_on, "fine_due": after.fine_due,
            "surcharge_due": after.surcharge_due, "confiscation_due": after.confiscation_due}  # fmt: skip


def _check_within_owed(session: Session, case: Case, kind: str, amount: Decimal, on: date, what: str) -> None:
    """Bad input: a sum paid, recovered or waived that is more than what is owed of that kind on its day."""
    due = case_balance(session, case, on).due(kind)
    if amount > due:
        raise DomainError(
            f"{what}金额 {amount:,.2f} 元超过截至 {on} 尚欠的{EXECUTION_KINDS[kind]} {due:,.2f} 元",
            rule="《行政处罚法》第七十二条" if kind == "surcharge" else None,
        )


def add_payment(
    session: Session, case: Case, actor: Actor, kind: str, amount: Decimal, paid_on: date, receipt_no: str, *,
    today: date,
) -> Balance:  # fmt: skip
    """A payment row of its kind (paid by the party, or recovered by the court); closes the periods it meets.
    Returns the balance on `today` after it."""
    session.add(Payment(
        case_id=case.id, kind=kind, amount=amount, surcharge=Decimal(0), paid_on=paid_on, receipt_no=receipt_no[:60],
        recorded_by=actor.user_id, recorded_at=datetime.now(),
    ))  # fmt: skip
    if kind == "fine":
        case.paid_amount = (case.paid_amount or Decimal(0)) + amount
        if case.paid_amount >= (case.fine_amount or Decimal(0)):
            close_deadlines(session, case.id, "payment", on=today)
    session.flush()
    after = case_balance(session, case, today)
    if after.settled:
        close_deadlines(session, case.id, "payment", "reminder", "enforcement_application", on=today)
    return after


def _apply_enforcement(step: _Step) -> dict:
    """申请人民法院强制执行 (行政强制法 arts. 53–55): its conditions are the workflow's guard (the reminder's ten
    working days, the periods for review and suit, the three months); the application records all that is owed."""
    step.case.enforcement_applied_on = step.today
    owed = case_balance(step.session, step.case, step.today)  # the fine, the surcharge and the confiscation
    outstanding = owed.fine_due + owed.surcharge_due + owed.confiscation_due
    step.record(EnforcementApplication(
        case_id=step.case.id, applied_on=step.today, court=step.agency.court or "", amount=outstanding,
        reason=str(step.params["reason"]).strip(), recorded_by=step.actor.user_id, recorded_at=step.now,
    ))  # fmt: skip
    step.close("payment", "reminder", "enforcement_application")
    return {"reason": step.params["reason"], "amount": outstanding}


def _close(step: _Step) -> dict:
    """结案: the guard has checked that every sum has ended; the agency's execution periods end with the case."""
    step.case.closed_on = step.today
    step.case.closing_summary = str(step.params.get("summary", ""))
    step.close("payment", "reminder", "enforcement_application")
    return {"summary": step.case.closing_summary}


def _archive(step: _Step) -> dict:
    step.case.archived_on = step.today
    return {}


def _transfer_police(step: _Step) -> dict:
    """The principal or presiding head approved the transfer (国务院令第310号 art. 5): to the police at the
    same level within 24 hours of this moment, with a copy to the procuratorate; both are named on the
    涉嫌犯罪案件移送书."""
    police = str(step.params.get("police_unit") or "").strip()
    procuratorate = str(step.params.get("procuratorate") or "").strip()
    step.case.resume_stage = step.case.stage
    step.close("transfer_approval")  # the head's 3 days (art. 5) are answered by this approval
    decision = _transfer_decision(step, approved=True, police_unit=police, procuratorate=procuratorate)
    step.record(decision)
    step.open("crime_transfer", step.now)
    return {"reason": step.params["reason"], "police_unit": police, "procuratorate": procuratorate,
            "resume_stage": step.case.stage, "capacity": decision.capacity}  # fmt: skip


def _transfer_decision(step: _Step, *, approved: bool, police_unit: str = "", procuratorate: str = "") -> TransferDecision:
    from enforcement_desk.transfer.approvers import capacity_of

    capacity = capacity_of(step.session, step.actor.agency_id, step.settings, step.actor.user_id)
    return TransferDecision(
        case_id=step.case.id, approved=approved, reason=str(step.params["reason"]).strip(), police_unit=police_unit,
        procuratorate=procuratorate, decided_on=step.today, decided_by=step.actor.user_id,
        decided_by_name=step.actor.name, decided_at=step.now, capacity=capacity,
    )  # fmt: skip


def _refuse_transfer(step: _Step) -> dict:
    decision = _transfer_decision(step, approved=False)
    step.record(decision)
    step.close("transfer_approval")  # a refusal with its reasons answers the report as well
    return {"reason": step.params["reason"], "capacity": decision.capacity}


def _police_answered(accepted: bool) -> Callable[[_Step], dict]:
    """The police's written notice (310号 art. 8), recorded on the day the agency received it: it answers
    their 3 days of review; 立案 starts the agency's 3 days to hand over the items (art. 12), 不予立案 its 3
    days to ask them to reconsider (art. 9)."""

    def effect(step: _Step) -> dict:
        answered_on = step.date_param("answered_on")
        approval = latest(step.session, TransferDecision, step.case.id)
        if approval is not None and answered_on < approval.decided_on:
            raise DomainError(f"收到公安机关书面通知的日期 {answered_on} 早于批准移送的日期 {approval.decided_on}")
        if accepted:
            step.case.closed_on = step.today
            step.close("decision", "defence", "hearing_request", "legal_review")
        resumed = step.case.resume_stage
        step.case.resume_stage = None
        step.close("police_review")
        follow_up = "transfer_items" if accepted else "transfer_reconsideration"
        step.open(follow_up, answered_on)
        step.record(PoliceAnswer(
            case_id=step.case.id, accepted=accepted, reason=str(step.params.get("reason") or "").strip(),
            answered_on=answered_on, recorded_by=step.actor.user_id, recorded_at=step.now,
        ))  # fmt: skip
        return {
            "accepted": accepted,
            "reason": step.params.get("reason", ""),
            "resumed": None if accepted else resumed,
            "answered_on": answered_on,
            follow_up + "_due": views.open_deadline_due(step.session, step.case.id, follow_up),
        }

    return effect


def _report_onsite(step: _Step) -> dict:
    """备案 of an on-the-spot decision (行政处罚法 art. 52): it closes the case only when nothing is owed; a fine
    not collected on the spot goes through the same execution as any other (art. 53)."""
    settled = case_balance(step.session, step.case, step.today).settled
    if settled:
        step.case.closed_on = step.today
    return {"note": step.params.get("note", ""), "closed": settled}


def _nothing(step: _Step) -> dict:
    return {}


EFFECTS: dict[str, Callable[[_Step], dict]] = {
    "file": _file,
    "not_file": _terminal,
    "transfer_agency": _terminal,
    "revoke_filing": _terminal,
    "close_investigation": _nothing,
    "deliberate": _nothing,
    "send_prior_notice": _send_prior_notice,
    "request_hearing": _request_hearing,
    "submit_review": _submit_review,
    "approve_review": _review_outcome("approved"),
    "return_review": _review_outcome("returned"),
    "reject_review": _review_outcome("rejected"),
    "decide": _decide,
    "serve": _serve,
    "record_payment": _record_payment,
    "apply_enforcement": _apply_enforcement,
    "close": _close,
    "archive": _archive,
    "transfer_police": _transfer_police,
    "refuse_transfer": _refuse_transfer,
    "police_accepted": _police_answered(True),
    "police_declined": _police_answered(False),
    "report_onsite": _report_onsite,
}


def _parse_date_params(params: dict[str, Any]) -> dict[str, Any]:
    """Dates arrive as text from the CLI and forms; the guards compare real dates."""
    parsed = dict(params)
    for key, value in params.items():
        if key.endswith("_on") and isinstance(value, str) and value:
            try:
                parsed[key] = date.fromisoformat(value.strip())
            except ValueError:
                raise DomainError(f"日期格式不正确：“{value}”（应为 年-月-日，如 2026-11-22）") from None
    return parsed


def advance(
    ctx: AppContext, actor: Actor, case_id: int, action_key: str, params: dict[str, Any] | None = None
) -> views.CaseDetail:
    """Take a workflow action on the case: check it is allowed now, apply its effects, move the stage and
    record the step with its audit event, all in one transaction."""
    params = _parse_date_params(params or {})
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        agency, settings = agency_settings(session, actor.agency_id)
        state = views.build_state(session, case, settings, today)
        action: Action = check(action_key, state, actor_info(actor), params)
        destination = target_stage(action, state)
        step = _Step(session, case, actor, agency, settings, calendar_for(settings), today, params)
        effect_payload = EFFECTS[action.key](step)
        from_stage = case.stage
        note = step.note or str(params.get("reason") or params.get("note") or "")
        record_stage_change(session, case, actor, action.key, destination, note, at=step.now)
        session.flush()
        record_step(
            session, actor, case, f"stage:{action.key}", *step.records,
            payload={"from": from_stage, "to": destination.value, "label": action.label, **effect_payload},
        )  # fmt: skip
        return _detail(session, case, actor, settings, today)


def _locked_handler_case(session: Session, actor: Actor, case_id: int, stage: Stage, what: str) -> Case:
    case = load_case(session, actor, case_id, lock=True)
    if Stage(case.stage) is not stage:
        raise DomainError(f"案件当前处于“{Stage(case.stage).label}”阶段，只有在“{stage.label}”阶段才能{what}")
    return case


PARTY_SIGNATURES = ("已签名", "拒绝签名", "未到场")
HEARING_NOTICE_RULE = "《卫生健康行政处罚程序规定》第四十六条第一款、第六十九条；《行政处罚法》第六十四条第（二）项"
# Art. 47: "卫生健康行政机关的听证人员包括听证主持人、听证员和听证记录员，由卫生健康行政机关指定的非本案调查人员担任。"
HEARING_STAFF_RULE = "《卫生健康行政处罚程序规定》第四十七条；《行政处罚法》第六十四条第（四）项"
HEARING_NOTICE_WORKING_DAYS = 7


def earliest_hearing_day(notice_served_on: date, settings: AgencySettings) -> date:
    """The first day a hearing may be held after its notice: seven working days later (卫生健康行政处罚程序规定
    art. 46(1), its art. 69(2) making them working days; 行政处罚法 art. 64(二), 85; the day of service is not
    counted)."""
    return calendar_for(settings).add_working_days(notice_served_on, HEARING_NOTICE_WORKING_DAYS)


@dataclass(frozen=True)
class HearingMinutes:
    """What the 听证笔录 and 听证意见书 hold (行政处罚法 art. 64(五)–(八), 65): a hearing held, or one terminated
    because the party or its agents refused to attend without good reason or left without leave (art. 64(六):
    视为放弃听证权利) — then `record` says what happened and `terminated` names the ground."""

    held_on: date
    host: str
    record: str
    opinion: str = ""
    recorder: str = ""
    place: str = ""
    public: bool | None = None
    attendees: tuple[str, ...] = ()
    party_statements: str = ""
    party_signature: str = ""
    agents: tuple[str, ...] = ()  # the party's agents, one or two (art. 64(五))
    terminated: str = ""  # 无正当理由拒不出席 | 未经许可中途退出 (中途退出 is read as the latter); "" held


@allowed(Role.OFFICER, Role.HEAD, action="登记听证")
def record_hearing(ctx: AppContext, actor: Actor, case_id: int, minutes: HearingMinutes) -> views.CaseDetail:
    """听证笔录 (art. 64–65): the hearing is hosted by someone who did not investigate the case. A second
    call records a corrected version; the earlier one stays in the history. A terminated hearing (art. 64(六))
    is recorded as such: the case goes on to the decision, and it is not a hearing held (art. 58(二))."""
    host = minutes.host.strip()
    if not host or not minutes.record.strip():
        raise DomainError("请填写听证主持人和听证笔录要点（终止听证的，写明当事人未出席或中途退出的经过）")
    if minutes.party_signature and minutes.party_signature not in PARTY_SIGNATURES:
        raise DomainError(f"当事人签名情况应为：{'、'.join(PARTY_SIGNATURES)}", rule="《行政处罚法》第六十四条第（八）项")
    reason = termination_reason(minutes.terminated) if minutes.terminated.strip() else None
    outcome = HEARING_TERMINATED if reason else HEARING_HELD
    agents = tuple(dict.fromkeys(a.strip() for a in minutes.agents if a.strip()))
    refused = hearing_record_refusal(outcome, reason, agents, minutes.party_signature)
    if refused:
        raise DomainError(str(refused), rule=refused.rule)
    today = ctx.today()
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.HEARING, "登记听证")
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以登记听证笔录")
        _, settings = agency_settings(session, actor.agency_id)
        handler_names = {h.user.name for h in case.handlers}
        if host in handler_names:
            raise DomainError("听证主持人不能是本案调查人员（承办人）：听证人员由非本案调查人员担任", rule=HEARING_STAFF_RULE)
        if minutes.recorder.strip() in handler_names:
            raise DomainError("听证记录人不能是本案调查人员（承办人）：听证人员由非本案调查人员担任", rule=HEARING_STAFF_RULE)
        if minutes.held_on > today:
            raise DomainError("听证日期不能晚于今天")
        if case.hearing_requested_on and minutes.held_on < case.hearing_requested_on:
            raise DomainError("听证日期不能早于当事人提出听证申请的日期")
        notice = latest(session, HearingNotice, case.id)
        if notice is None:
            raise DomainError(
                "尚未登记听证通知书的送达：行政机关应当在举行听证的七日前通知当事人听证的时间、地点，"
                "请先登记听证安排（安排听证）", rule=HEARING_NOTICE_RULE,
            )  # fmt: skip
        earliest = earliest_hearing_day(notice.served_on, settings)
        if minutes.held_on < earliest:
            raise DomainError(
                f"听证通知书于 {notice.served_on} 送达，七个工作日后（{earliest} 起）方可举行听证",
                rule=HEARING_NOTICE_RULE,
            )
        # A terminated hearing is no hearing held: not 经过听证程序 for the major-decision list (art. 58(二)).
        case.hearing_held_on = minutes.held_on if outcome == HEARING_HELD else None
        case.updated_at = datetime.now()
        row = HearingRecord(
            case_id=case.id, held_on=minutes.held_on, place=minutes.place.strip() or (notice.place if notice else ""),
            host=host, recorder=minutes.recorder.strip(),
            public=minutes.public if minutes.public is not None else (notice.public if notice else None),
            attendees=[a.strip() for a in minutes.attendees if a.strip()],
            party_statements=minutes.party_statements.strip(), record_text=minutes.record.strip(),
            opinion=minutes.opinion.strip(), party_signature=minutes.party_signature, recorded_by=actor.user_id,
            recorded_at=ctx.now(), outcome=outcome, termination_reason=reason, agents=list(agents),
        )  # fmt: skip
        record_step(session, actor, case, "hearing_recorded", row)
        return _detail(session, case, actor, settings, today)


@allowed(Role.OFFICER, Role.HEAD, action="安排听证")
def arrange_hearing(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    scheduled_at: datetime,
    place: str,
    host: str,
    recorder: str = "",
    public: bool = True,
    not_public_reason: str = "",
    served_on: date,
) -> views.CaseDetail:
    """听证通知书: the time, place, host and whether the hearing is public, served on the party
    (行政处罚法 art. 64(二)(三))."""
    place = require_text(place, "听证地点")
    host = require_text(host, "听证主持人")
    if not public and not not_public_reason.strip():
        raise DomainError(
            "不公开举行听证须写明理由（涉及国家秘密、商业秘密或者个人隐私）", rule="《行政处罚法》第六十四条第（三）项"
        )
    today = ctx.today()
    if served_on > today:
        raise DomainError("送达日期不能晚于今天")
    if scheduled_at.date() < served_on:
        raise DomainError("听证时间不能早于听证通知书的送达日期")
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.HEARING, "安排听证")
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以安排听证")
        _, settings = agency_settings(session, actor.agency_id)
        handler_names = {h.user.name for h in case.handlers}
        if host in handler_names or recorder.strip() in handler_names:
            raise DomainError("听证主持人和记录人不能是本案调查人员（承办人）：听证人员由非本案调查人员担任", rule=HEARING_STAFF_RULE)
        if case.hearing_requested_on and served_on < case.hearing_requested_on:
            raise DomainError("听证通知书的送达日期不能早于当事人提出听证申请的日期")
        earliest = earliest_hearing_day(served_on, settings)
        if scheduled_at.date() < earliest:
            raise DomainError(
                f"听证应当在通知送达七个工作日后举行：{served_on} 送达的通知，听证最早安排在 {earliest}",
                rule=HEARING_NOTICE_RULE,
            )
        row = HearingNotice(
            case_id=case.id, scheduled_at=scheduled_at, place=place, host=host, recorder=recorder.strip(),
            public=public, not_public_reason=not_public_reason.strip(), served_on=served_on,
            arranged_by=actor.user_id, arranged_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "hearing_arranged", row)
        return _detail(session, case, actor, settings, today)


def waive_defence(ctx: AppContext, actor: Actor, case_id: int, *, note: str) -> views.CaseDetail:
    """The party's written waiver of the defence period ends it early (陈述申辩放弃书)."""
    if not note.strip():
        raise DomainError("请注明当事人书面放弃陈述申辩的材料（如放弃书的日期和签名情况）")
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.PRIOR_NOTICE, "登记放弃陈述申辩")
        if actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人可以登记当事人放弃陈述申辩")
        _, settings = agency_settings(session, actor.agency_id)
        case.defence_waived = True
        close_deadlines(session, case.id, "defence", on=ctx.today())
        session.flush()
        audit(session, actor, "defence_waived", case, {"note": note})
        return _detail(session, case, actor, settings, ctx.today())


@allowed(Role.HEAD, action="登记集体讨论")
def record_discussion(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    held_on: date,
    participants: list[str],
    opinions: list[dict[str, str]],
    conclusion: str,
) -> views.CaseDetail:
    """集体讨论记录 (卫生健康行政处罚程序规定 art. 40; 行政处罚法 art. 57(2)): the heads decide collectively on the
    cases art. 40 names. After a passed review the case waits for it in its own stage; a case that needs the
    discussion but no review has it in the prior-notice or hearing stage once the party has been heard
    (workflow.discussion_refusal)."""
    if len([p for p in participants if p.strip()]) < 2:
        raise DomainError("集体讨论须有两名以上负责人参加")
    if not conclusion.strip():
        raise DomainError("请填写集体讨论结论")
    today = ctx.today()
    if held_on > today:
        raise DomainError("讨论日期不能晚于今天")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        refused = discussion_refusal(views.build_state(session, case, settings, today))
        if refused:
            raise DomainError(f"不能登记集体讨论：{refused}", rule=getattr(refused, "rule", None))
        session.add(
            CollectiveDiscussion(
                case_id=case.id,
                held_on=held_on,
                participants=[p.strip() for p in participants if p.strip()],
                opinions=opinions,
                conclusion=conclusion.strip(),
                recorded_by=actor.user_id,
                recorded_at=ctx.now(),
            )
        )
        case.updated_at = datetime.now()
        session.flush()
        audit(
            session,
            actor,
            "discussion_recorded",
            case,
            {
                "held_on": held_on,
                "participants": participants,
                "opinions": opinions,
                "conclusion": conclusion,
            },
        )
        return _detail(session, case, actor, settings, today)


# 集体讨论的事由 a person judges (卫生健康行政处罚程序规定 art. 40(三)(五)), as typed in the CLI and shown in the desk.
DISCUSSION_GROUND_WORDS = {"重大安全问题": "major_safety", "重大社会影响": "social_impact", "负责人提交": "head_referral"}


@allowed(Role.OFFICER, Role.HEAD, action="标记集体讨论的事由")
def mark_discussion_grounds(
    ctx: AppContext, actor: Actor, case_id: int, *, grounds: set[str], note: str
) -> views.CaseDetail:
    """The grounds of art. 40 only a person can judge, set as the case's flags (the others follow from the
    proposal and the review): (三) 涉及重大安全问题 / 有重大社会影响, marked by a handler or a head; (五) a head's
    referral (负责人认为应当提交集体讨论), given or withdrawn by a head only. `grounds` is the whole set wanted."""
    unknown = set(grounds) - DISCUSSION_FLAG_LABELS.keys()
    if unknown:
        raise DomainError(f"未知的集体讨论事由：{'、'.join(sorted(unknown))}", rule=DISCUSSION_RULE)
    note = require_text(note, "标记的理由")
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if Stage(case.stage) not in PRE_DECISION_STAGES:
            raise DomainError("案件已作出决定或已终结，不能再标记集体讨论的事由", rule=DISCUSSION_RULE)
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以标记集体讨论的事由")
        flags = set(case.major_flags or ())
        before = flags & DISCUSSION_FLAG_LABELS.keys()
        if "head_referral" in before ^ set(grounds) and actor.role is not Role.HEAD:
            raise DomainError("负责人认为应当提交集体讨论的案件，由负责人提交或撤回", rule=f"{DISCUSSION_RULE}第一款第（五）项")
        case.major_flags = sorted((flags - before) | set(grounds))
        case.updated_at = datetime.now()
        session.flush()
        audit(session, actor, "discussion_grounds_set", case, {
            "before": sorted(before), "after": sorted(grounds), "note": note, "rule": DISCUSSION_RULE,
        })  # fmt: skip
        return _detail(session, case, actor, settings, today)


@allowed(Role.HEAD, action="批准暂缓或分期缴纳罚款")
def approve_payment_plan(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    instalments: list[tuple[date, Decimal]],
    reason: str,
    applied_on: date,
) -> views.CaseDetail:
    """暂缓或者分期缴纳 (行政处罚法 art. 66): on the party's written application for economic hardship,
    the head approves new last days for the unpaid fine; the surcharge then runs from each part's day."""
    reason = require_text(reason, "当事人确有经济困难的情况（申请理由）")
    if not instalments:
        raise DomainError("请列出暂缓或分期缴纳的期限和金额")
    today = ctx.today()
    if applied_on > today:
        raise DomainError("申请日期不能晚于今天")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if Stage(case.stage) not in (Stage.SERVED, Stage.EXECUTING) or case.decided_outcome != Outcome.PENALTY.value:
            raise DomainError("只有已送达、尚在执行中的罚款决定可以暂缓或分期缴纳", rule=PAYMENT_PLAN_RULE)
        if actor.user_id in {h.user_id for h in case.handlers}:
            raise DomainError("承办人不得批准本人承办案件的暂缓或分期缴纳", rule=PAYMENT_PLAN_RULE)
        if case.enforcement_applied_on is not None:
            raise DomainError("已申请人民法院强制执行，不能再批准暂缓或分期缴纳", rule=PAYMENT_PLAN_RULE)
        if latest(session, PaymentPlan, case.id) is not None:
            raise DomainError("本案已批准过暂缓或分期缴纳；批准后的期限不能再次变更", rule=PAYMENT_PLAN_RULE)
        due = views.open_deadline_due(session, case.id, "payment")
        if due is None or applied_on > due:
            raise DomainError(f"暂缓或分期缴纳须在缴款期限（{due}）届满前申请", rule=PAYMENT_PLAN_RULE)
        owed = case_balance(session, case, today).fine_due
        total = sum((amount for _, amount in instalments), Decimal(0))
        if total != owed:
            raise DomainError(f"各期金额合计 {total:,.2f} 元，应等于尚未缴纳的罚款 {owed:,.2f} 元", rule=PAYMENT_PLAN_RULE)
        days = [day for day, _ in instalments]
        if any(amount <= 0 for _, amount in instalments) or days != sorted(set(days)) or days[0] <= due:
            raise DomainError(f"各期金额须大于零，期限须逐期推后且晚于原缴款期限 {due}", rule=PAYMENT_PLAN_RULE)
        plan = PaymentPlan(
            case_id=case.id, instalments=[{"due_on": d.isoformat(), "amount": str(a)} for d, a in instalments],
            reason=reason, applied_on=applied_on, approved_by=actor.user_id, approved_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "payment_plan_approved", plan)
        # 行政处罚法 art. 72(2): the time to apply to the court runs from the end of the deferral or instalments.
        move_application_window(session, case.id, days[-1], settings, calendar_for(settings), on=today)
        return _detail(session, case, actor, settings, today)


PAYMENT_PLAN_RULE = "《行政处罚法》第六十六条第二款"


@dataclass(frozen=True)
class ExtensionTerms:
    """What an extension shows before it is saved: the period's current last day, which extension this would
    be and what the rule allows for it, and the new last day for a given length."""

    key: str  # decision (calendar days, 卫生健康行政处罚程序规定 art. 42(2)) | filing (working days, art. 32)
    current_due: date | None
    today: date
    max_days: int  # decision: the most days this extension may add (60, 30; 0 when both are used); filing: fixed
    extensions_so_far: int
    rule: str
    calendar: WorkingDayCalendar = field(compare=False, repr=False)
    paused_since: date | None = None  # decision: a period not counted (art. 42(3)) is running since this day

    @property
    def expired(self) -> bool:
        """True when the period has already run out: it can no longer be extended."""
        return self.current_due is not None and self.today > self.current_due

    @property
    def exhausted(self) -> bool:
        """True when no further extension is possible: the filing period's one, the decision period's two."""
        return self.extensions_so_far >= (len(DECISION_EXTENSION_DAYS) if self.key == "decision" else 1)

    @property
    def needs_discussion(self) -> bool:
        """True when this decision extension is the second: only for a case 案情重大或者特别复杂, decided by the
        collective discussion (art. 42(2))."""
        return self.key == "decision" and self.extensions_so_far == 1

    def new_due(self, days: int) -> date | None:
        """The last day after extending by `days` (decision) or by the fixed working days (filing)."""
        if self.current_due is None or days < 1:
            return None
        if self.key == "filing":
            return self.calendar.add_working_days(self.current_due, self.max_days)
        return extended_decision_due(self.current_due, days, self.calendar)

    def which_text(self) -> str:
        """Which extension this would be, in words."""
        if self.key == "filing":
            return "立案期限的延长（案情复杂的，经负责人批准，一次）"
        return {0: "第一次延长：经负责人批准", 1: "第二次延长：案情重大或者特别复杂，经集体讨论决定"}.get(
            self.extensions_so_far, f"已延长 {self.extensions_so_far} 次"
        )

    def allowed_text(self) -> str:
        """What the rule allows now, in words."""
        if self.paused_since is not None:
            return f"办案期限自 {self.paused_since} 起暂停计算（不计入期间尚未结束），结束后再批准延期"
        if self.current_due is None:
            return "本案没有进行中的期限，不能延长"
        if self.exhausted:
            if self.key == "filing":
                return "立案期限已延长过一次，不能再次延长"
            return "已延长六十日并经集体讨论再延长三十日，不能再次延长"
        if self.expired:
            return f"期限已于 {self.current_due} 届满，届满后不能补批延期"
        if self.key == "filing":
            return f"经负责人批准可延长一次，延长 {self.max_days} 个工作日"
        if self.needs_discussion:
            return (
                f"本案已经负责人批准延长一次；案情重大或者特别复杂的，经集体讨论决定可再延长，最多 {self.max_days} 日"
                "（须登记集体讨论的日期、参加的负责人和结论）；此后不能再延长"
            )
        return f"因案情复杂或者其他原因，经负责人批准可延长，最多 {self.max_days} 日（不得由本案承办人批准）"


@dataclass(frozen=True)
class ExtensionDiscussion:
    """The collective discussion that decided the second extension (art. 42(2)): its day, the heads taking
    part (by name, at least two) and its conclusion."""

    held_on: date
    participants: tuple[str, ...]
    conclusion: str


def _open_deadline_row(session: Session, case_id: int, key: str) -> Deadline | None:
    return session.scalars(
        select(Deadline).where(Deadline.case_id == case_id, Deadline.key == key, Deadline.status == "open")
        .order_by(Deadline.id.desc())
    ).first()  # fmt: skip


def _extension_terms(session: Session, case: Case, key: str, settings: AgencySettings, today: date) -> ExtensionTerms:
    row = _open_deadline_row(session, case.id, key)
    if key == "filing":
        done = len(history(session, FilingExtension, case.id))
        return ExtensionTerms(key, row.due_on if row else None, today, settings.filing_extension_working_days, done,
                              FILING_EXTENSION_RULE, calendar_for(settings))  # fmt: skip
    done = len(session.scalars(select(DecisionExtension.id).where(DecisionExtension.case_id == case.id)).all())
    running = next((p for p in views.current_pauses(session, case.id) if p.ended_on is None), None)
    return ExtensionTerms(key, row.due_on if row else None, today, decision_extension_limit(done), done,
                          DECISION_EXTENSION_RULE, calendar_for(settings),
                          paused_since=running.started_on if running else None)  # fmt: skip


def extension_terms(ctx: AppContext, actor: Actor, case_id: int, key: str = "decision") -> ExtensionTerms:
    """The terms an extension of the case's decision (or filing) period is under today, for the dialog that
    shows them before saving."""
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        _, settings = agency_settings(session, actor.agency_id)
        return _extension_terms(session, case, key, settings, ctx.today())


def _discussion_record(session: Session, case: Case, discussion: ExtensionDiscussion, today: date) -> dict[str, Any]:
    """The collective discussion as the extension keeps it, after checking it: dated between filing and
    today, at least two of the agency's heads taking part by name, a conclusion."""
    if discussion.held_on > today:
        raise DomainError("集体讨论的日期不能晚于今天", rule=DECISION_EXTENSION_RULE)
    if case.filed_on and discussion.held_on < case.filed_on:
        raise DomainError(f"集体讨论的日期早于立案日期 {case.filed_on}", rule=DECISION_EXTENSION_RULE)
    participants = tuple(dict.fromkeys(p.strip() for p in discussion.participants if p.strip()))
    heads = set(session.scalars(select(User.name).where(
        User.agency_id == case.agency_id, User.role == Role.HEAD.value, User.active.is_(True))))  # fmt: skip
    taking_part = [p for p in participants if p in heads]
    if len(taking_part) < 2:
        named = "、".join(participants) or "无"
        raise DomainError(
            f"再次延长须经集体讨论决定，参加讨论的本机关负责人应不少于两人（登记的参加人：{named}；"
            f"其中负责人 {len(taking_part)} 人）", rule=DECISION_EXTENSION_RULE,
        )  # fmt: skip
    conclusion = discussion.conclusion.strip()
    if not conclusion:
        raise DomainError("请填写集体讨论的结论（案情重大或者特别复杂、同意再延长的理由）", rule=DECISION_EXTENSION_RULE)
    return {"held_on": discussion.held_on.isoformat(), "participants": list(participants), "heads": taking_part,
            "conclusion": conclusion}  # fmt: skip


@allowed(Role.HEAD, action="批准延期")
def extend_decision_deadline(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    days: int,
    reason: str,
    discussion: ExtensionDiscussion | None = None,
) -> views.CaseDetail:
    """延期审批 of the decision period under 卫生健康行政处罚程序规定 art. 42(2): the first extension, because the
    case is complex or for another reason, at most 60 days on the approval of a head who does not handle the
    case; one further extension, at most 30 days, only for a case 案情重大或者特别复杂 and decided by the collective
    discussion (`discussion`: its day, the heads by name, the conclusion, kept with the extension); no third.
    Each is approved before the current last day has passed; the new last day is the current one plus `days`,
    moved off a holiday like every calendar-day period. Not while a period not counted (art. 42(3)) runs."""
    reason = require_text(reason, "延期的理由")
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if case.decided_on or case.filed_on is None or Stage(case.stage).is_terminal:
            raise DomainError("只有已立案、尚未作出决定的案件可以延长办案期限")
        if actor.user_id in {h.user_id for h in case.handlers}:
            raise DomainError("承办人不得批准本人承办案件的延期", rule=DECISION_EXTENSION_RULE)
        terms = _extension_terms(session, case, "decision", settings, today)
        if terms.paused_since is not None:
            raise DomainError(terms.allowed_text(), rule=DECISION_PAUSE_RULE)
        if terms.current_due is None:
            raise DomainError("本案没有进行中的作出处理决定期限，不能延长")
        refused = decision_extension_refusal(
            days=days, today=today, current_due=terms.current_due, extensions_so_far=terms.extensions_so_far,
            discussed=discussion is not None,
        )  # fmt: skip
        if refused:
            raise DomainError(refused, rule=DECISION_EXTENSION_RULE)
        record = _discussion_record(session, case, discussion, today) if terms.needs_discussion and discussion else None
        new_due = extended_decision_due(terms.current_due, days, terms.calendar)
        number = terms.extensions_so_far + 1
        session.add(DecisionExtension(
            case_id=case.id, days=days, reason=reason, approved_by=actor.user_id, approved_at=ctx.now(),
            previous_due=terms.current_due, new_due=new_due, discussion_record=record,
        ))  # fmt: skip
        how = "经负责人批准" if number == 1 else "经集体讨论决定再"
        extend_deadline(session, case.id, "decision", new_due, terms.calendar, on=today, note=f"{how}延长 {days} 日",
                        basis=DECISION_EXTENSION_RULE)  # fmt: skip
        case.updated_at = datetime.now()
        session.flush()
        audit(session, actor, "decision_extended", case, {
            "days": days, "reason": reason, "previous_due": terms.current_due, "new_due": new_due,
            "extension_no": number, "discussion": record, "rule": DECISION_EXTENSION_RULE,
        })  # fmt: skip
        return _detail(session, case, actor, settings, today)


@allowed(Role.HEAD, action="批准延长立案期限")
def extend_filing_deadline(ctx: AppContext, actor: Actor, case_id: int, *, reason: str) -> views.CaseDetail:
    """立案期限延长 (卫生健康行政处罚程序规定 art. 32(1): 七日内立案，案情复杂的，经负责人批准，可以延长七日; art. 69(2):
    working days): a head who does not handle the case approves, before the filing period runs out, its one
    extension by `filing_extension_working_days` working days."""
    reason = require_text(reason, "延长立案期限的理由")
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if Stage(case.stage) is not Stage.ACCEPTED or case.filed_on is not None:
            raise DomainError("只有已受理、尚未决定是否立案的案件可以延长立案期限", rule=FILING_EXTENSION_RULE)
        if actor.user_id in {h.user_id for h in case.handlers}:
            raise DomainError("承办人不得批准本人承办案件的立案期限延长", rule=FILING_EXTENSION_RULE)
        terms = _extension_terms(session, case, "filing", settings, today)
        if terms.current_due is None:
            raise DomainError("本案没有进行中的立案期限，不能延长", rule=FILING_EXTENSION_RULE)
        if terms.expired:
            raise DomainError(f"立案期限已于 {terms.current_due} 届满，延长须在期限届满前批准", rule=FILING_EXTENSION_RULE)
        if terms.exhausted:
            raise DomainError("立案期限已延长过一次，不能再次延长", rule=FILING_EXTENSION_RULE)
        if terms.max_days < 1:
            raise DomainError("本机关未设立案期限的延长（立案延长期限为 0 个工作日）", rule=FILING_EXTENSION_RULE)
        new_due = terms.calendar.add_working_days(terms.current_due, terms.max_days)
        row = FilingExtension(
            case_id=case.id, working_days=terms.max_days, previous_due=terms.current_due, new_due=new_due,
            reason=reason, approved_by=actor.user_id, approved_at=ctx.now(),
        )  # fmt: skip
        extend_deadline(session, case.id, "filing", new_due, terms.calendar, on=today,
                        note=f"经负责人批准延长 {terms.max_days} 个工作日", basis=FILING_EXTENSION_RULE)  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "filing_extended", row)
        return _detail(session, case, actor, settings, today)


# ---- time not counted in the decision period (卫生健康行政处罚程序规定 art. 42(3)) ------------------------------

DECISION_PERIOD_STAGES = PRE_DECISION_STAGES - {Stage.ACCEPTED}


def _pause_case(session: Session, actor: Actor, case_id: int, what: str) -> Case:
    case = load_case(session, actor, case_id, lock=True)
    if case.filed_on is None or case.decided_on or Stage(case.stage) not in DECISION_PERIOD_STAGES:
        raise DomainError(f"只有已立案、尚未作出决定的案件可以{what}", rule=DECISION_PAUSE_RULE)
    if actor.user_id not in {h.user_id for h in case.handlers}:
        raise DomainError(f"只有本案承办人可以{what}")
    return case


def _as_period(row: DecisionPause) -> PausePeriod:
    return PausePeriod(row.kind, row.started_on, row.ended_on)


@allowed(Role.OFFICER, action="登记不计入办案期限的期间")
def record_decision_pause(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    kind: str,
    started_on: date,
    ended_on: date | None = None,
    note: str = "",
) -> views.CaseDetail:
    """A period not counted in the decision period (art. 42(3): 听证、招标、拍卖、公示、公告和检测、检验、检疫、鉴定、
    专家评审、协助调查等所需时间不计入案件办理期限), recorded by a handler: with its last day, the decision period's last
    day moves by its days (first and last day included, then off a holiday); still running, the period stops
    (its deadline shown as 暂停计算) until `end_decision_pause` records the end."""
    kind = kind.strip()
    today = ctx.today()
    with ctx.db.write() as session:
        case = _pause_case(session, actor, case_id, "登记不计入办案期限的期间")
        _, settings = agency_settings(session, actor.agency_id)
        calendar = calendar_for(settings)
        period = _open_deadline_row(session, case.id, "decision")
        pause = PausePeriod(kind, started_on, ended_on)
        pauses = views.current_pauses(session, case.id)
        running = next((p for p in pauses if p.ended_on is None), None)
        if running is not None:
            raise DomainError(
                f"尚有未结束的不计入期间（{running.kind}，自 {running.started_on} 起），请先登记其结束日期，再登记其他期间",
                rule=DECISION_PAUSE_RULE,
            )
        others = tuple(_as_period(p) for p in pauses)
        assert case.filed_on is not None
        refused = decision_pause_refusal(pause, today=today, filed_on=case.filed_on,
                                         current_due=period.due_on if period else None, others=others)  # fmt: skip
        if refused:
            raise DomainError(refused, rule=DECISION_PAUSE_RULE)
        if period is None:
            raise DomainError("本案没有进行中的作出处理决定期限", rule=DECISION_PAUSE_RULE)
        previous_due, new_due = period.due_on, None
        close_deadlines(session, case.id, "decision", on=today, status="paused")
        if ended_on is not None:  # over already: the period runs again at once, later by the pause's days
            new_due = extended_decision_due(previous_due, pause.days(), calendar)
            resume_deadline(session, case.id, "decision", new_due, calendar, on=today,
                            note=f"{kind}{pause.days()}日不计入", basis=DECISION_PAUSE_RULE)  # fmt: skip
        row = DecisionPause(
            case_id=case.id, kind=kind, started_on=started_on, ended_on=ended_on, ends_id=None, days=pause.days(),
            previous_due=previous_due, new_due=new_due, note=note.strip(), recorded_by=actor.user_id,
            recorded_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "decision_paused", row, payload={"rule": DECISION_PAUSE_RULE})
        return _detail(session, case, actor, settings, today)


@allowed(Role.OFFICER, action="登记不计入期间的结束")
def end_decision_pause(
    ctx: AppContext, actor: Actor, case_id: int, *, ended_on: date, note: str = ""
) -> views.CaseDetail:
    """The end of the running period not counted (art. 42(3)): the decision period runs again, its last day
    the one it had when the pause began plus the pause's days (first and last day included), off a holiday."""
    today = ctx.today()
    with ctx.db.write() as session:
        case = _pause_case(session, actor, case_id, "登记不计入期间的结束")
        _, settings = agency_settings(session, actor.agency_id)
        calendar = calendar_for(settings)
        pauses = views.current_pauses(session, case.id)
        running = next((p for p in pauses if p.ended_on is None), None)
        if running is None:
            raise DomainError("本案没有尚未结束的不计入期间", rule=DECISION_PAUSE_RULE)
        pause = PausePeriod(running.kind, running.started_on, ended_on)
        others = tuple(_as_period(p) for p in pauses if p.id != running.id)
        assert case.filed_on is not None
        refused = decision_pause_refusal(pause, today=today, filed_on=case.filed_on, current_due=None, others=others)
        if refused:
            raise DomainError(refused, rule=DECISION_PAUSE_RULE)
        previous_due = running.previous_due  # the last day when the pause began; the period stood still since
        assert previous_due is not None
        new_due = extended_decision_due(previous_due, pause.days(), calendar)
        resume_deadline(session, case.id, "decision", new_due, calendar, on=today,
                        note=f"{running.kind}{pause.days()}日不计入", basis=DECISION_PAUSE_RULE)  # fmt: skip
        row = DecisionPause(
            case_id=case.id, kind=running.kind, started_on=running.started_on, ended_on=ended_on, ends_id=running.id,
            days=pause.days(), previous_due=previous_due, new_due=new_due, note=note.strip() or running.note,
            recorded_by=actor.user_id, recorded_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "decision_pause_ended", row, payload={"rule": DECISION_PAUSE_RULE})
        return _detail(session, case, actor, settings, today)


# ---- execution beside the workflow: the 催告书's service, review and suit, the court's replies, waivers ----------

EXECUTION_STAGES = frozenset({Stage.SERVED, Stage.EXECUTING})
CHALLENGE_STAGES = frozenset({Stage.SERVED, Stage.EXECUTING, Stage.CLOSED})
COURT_REPLY_RULE = "《中华人民共和国行政强制法》第五十六条、第五十七条、第五十八条"
SURCHARGE_WAIVER_RULE = "《中华人民共和国行政强制法》第四十二条"


def _execution_case(session: Session, actor: Actor, case_id: int, what: str, stages: frozenset[Stage]) -> Case:
    case = load_case(session, actor, case_id, lock=True)
    if Stage(case.stage) not in stages or case.decided_outcome != Outcome.PENALTY.value or case.served_on is None:
        allowed_stages = "、".join(s.label for s in sorted(stages, key=list(Stage).index))
        raise DomainError(
            f"案件当前处于“{Stage(case.stage).label}”阶段；只有已送达的行政处罚决定，在“{allowed_stages}”阶段才能{what}"
        )
    if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
        raise DomainError(f"只有本案承办人或负责人可以{what}")
    return case


def _not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise DomainError(f"{what} {day} 晚于今天，不能登记将来发生的事项")


@allowed(Role.OFFICER, action="登记催告书的送达")
def record_reminder_service(
    ctx: AppContext, actor: Actor, case_id: int, *, served_on: date, method: str, receiver: str, consent: bool = False
) -> views.CaseDetail:
    """催告书的送达 (行政强制法 arts. 35, 38, 54): the party's ten working days (art. 69) before the agency may
    apply to the court run from this day, not from the day the 催告书 was issued. Recording it again corrects
    it (a new row of the current 催告书; the earlier one stays in the history)."""
    receiver = require_text(receiver, "受送达人/签收人")
    if method not in SERVICE_METHODS:
        raise DomainError(f"送达方式应为：{'、'.join(SERVICE_METHODS)}")
    if method == "电子送达" and not consent:
        raise DomainError("电子送达须经受送达人同意并签订确认书", rule=f"{SERVICE_RULE}第五十七条")
    today = ctx.today()
    _not_future(served_on, today, "送达日期")
    with ctx.db.write() as session:
        case = _execution_case(session, actor, case_id, "登记催告书的送达", EXECUTION_STAGES)
        _, settings = agency_settings(session, actor.agency_id)
        document = current_reminder(session, case.id)
        if document is None:
            raise DomainError("尚未出具催告书，没有可登记送达的催告书", rule=REMINDER_RULE)
        issued_on = document.issued_at.date()
        if served_on < issued_on:
            raise DomainError(f"催告书的送达日期 {served_on} 早于催告书的出具日期 {issued_on}", rule=REMINDER_RULE)
        row = ReminderService(
            case_id=case.id, document_id=document.id, served_on=served_on, method=method, receiver=receiver,
            recorded_by=actor.user_id, recorded_at=ctx.now(),
        )  # fmt: skip
        close_deadlines(session, case.id, "reminder", on=today, status="moved")
        period = open_deadline(session, case.id, "reminder", served_on, settings, calendar_for(settings))
        case.updated_at = datetime.now()
        record_step(session, actor, case, "reminder_served", row,
                    payload={"document_no": document.number, "ends_on": period.due_on})  # fmt: skip
        return _detail(session, case, actor, settings, today)


@allowed(Role.OFFICER, Role.HEAD, action="登记复议或诉讼")
def record_challenge(
    ctx: AppContext, actor: Actor, case_id: int, *, kind: str, filed_on: date, body: str, note: str = ""
) -> views.CaseDetail:
    """The party applied for 行政复议 or brought a 行政诉讼 against the decision: while it is pending no surcharge
    accrues (行政处罚法 art. 73(3)) and the agency waits for its outcome before applying to the court."""
    if kind not in CHALLENGE_KINDS:
        raise DomainError(f"种类应为：{'、'.join(CHALLENGE_KINDS)}")
    body = require_text(body, "复议机关或人民法院")
    today = ctx.today()
    _not_future(filed_on, today, "申请复议或起诉的日期")
    with ctx.db.write() as session:
        case = _execution_case(session, actor, case_id, "登记当事人申请复议或起诉", CHALLENGE_STAGES)
        _, settings = agency_settings(session, actor.agency_id)
        if filed_on < case.served_on:
            raise DomainError(f"申请复议或起诉的日期 {filed_on} 早于处罚决定书的送达日期 {case.served_on}")
        record = execution_view(session, case, settings, today)
        if record is not None and record.record.pending:
            raise DomainError(f"当事人{record.record.pending}，尚未登记结果；请先登记其结果")
        if record is not None and record.record.annulled_by:
            raise DomainError(f"处罚决定已被{record.record.annulled_by}")
        row = Challenge(case_id=case.id, kind=kind, filed_on=filed_on, body=body, note=note.strip(),
                        recorded_by=actor.user_id, recorded_at=ctx.now())  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "challenge_filed", row)
        return _detail(session, case, actor, settings, today)


@allowed(Role.OFFICER, Role.HEAD, action="登记复议或诉讼的结果")
def record_challenge_outcome(
    ctx: AppContext, actor: Actor, case_id: int, *, outcome: str, decided_on: date, document_no: str, note: str = ""
) -> views.CaseDetail:
    """How the pending 复议 or 诉讼 ended (维持, 变更, 撤销, 确认违法 …): the surcharge runs again from the next day;
    撤销 or 确认无效 ends every sum under the decision; a 变更 that reduces a sum is recorded by the head as a
    waiver (减免) citing this document's number."""
    if outcome not in CHALLENGE_OUTCOMES:
        raise DomainError(f"结果应为：{'、'.join(CHALLENGE_OUTCOMES)}")
    document_no = require_text(document_no, "复议决定书或裁判文书的文号")
    today = ctx.today()
    _not_future(decided_on, today, "结果日期")
    with ctx.db.write() as session:
        case = _execution_case(session, actor, case_id, "登记复议或诉讼的结果", CHALLENGE_STAGES)
        _, settings = agency_settings(session, actor.agency_id)
        answered = set(session.scalars(select(ChallengeOutcome.challenge_id).where(ChallengeOutcome.case_id == case.id)))
        pending = [c for c in session.scalars(select(Challenge).where(Challenge.case_id == case.id)) if c.id not in answered]
        if not pending:
            raise DomainError("没有尚待结果的行政复议或行政诉讼，请先登记当事人的申请或起诉")
        challenge = pending[-1]
        if decided_on < challenge.filed_on:
            raise DomainError(f"结果日期 {decided_on} 早于申请复议或起诉的日期 {challenge.filed_on}")
        row = ChallengeOutcome(case_id=case.id, challenge_id=challenge.id, outcome=outcome, decided_on=decided_on,
                               document_no=document_no, note=note.strip(), recorded_by=actor.user_id,
                               recorded_at=ctx.now())  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "challenge_decided", row)
        if outcome in ANNULLING_OUTCOMES:
            close_deadlines(session, case.id, "payment", "reminder", "enforcement_application", on=today,
                            status="cancelled")  # fmt: skip
        else:
            move_application_window(session, case.id, decided_on, settings, calendar_for(settings), on=today)
        return _detail(session, case, actor, settings, today)


@allowed(Role.OFFICER, Role.HEAD, action="登记人民法院的答复")
def record_court_reply(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    kind: str,
    replied_on: date,
    document_no: str,
    recovered: dict[str, Decimal] | None = None,
    note: str = "",
) -> views.CaseDetail:
    """The court's answer to the application (行政强制法 arts. 56–58): 受理 or 不予受理, then the ruling 准予执行
    or 不予执行, then the end of its execution (执行完毕, 终结执行) with the sums it recovered, which are kept as
    payments of their kind so the balance holds."""
    if kind not in COURT_REPLY_KINDS:
        raise DomainError(f"人民法院的答复应为：{'、'.join(COURT_REPLY_KINDS)}")
    document_no = require_text(document_no, "人民法院的案号或裁定书文号")
    sums = {k: v for k, v in (recovered or {}).items() if v is not None}
    unknown = [k for k in sums if k not in EXECUTION_KINDS]
    if unknown:
        raise DomainError(f"执行到位款项的种类应为：{'、'.join(EXECUTION_KINDS.values())}")
    if any(v <= 0 for v in sums.values()):
        raise DomainError("执行到位的金额必须大于零")
    if sums and kind not in COURT_RECOVERY_REPLIES:
        raise DomainError("执行到位的款项在人民法院执行完毕或终结执行时登记")
    today = ctx.today()
    _not_future(replied_on, today, "答复日期")
    with ctx.db.write() as session:
        case = _execution_case(session, actor, case_id, "登记人民法院的答复", EXECUTION_STAGES)
        _, settings = agency_settings(session, actor.agency_id)
        application = latest(session, EnforcementApplication, case.id)
        if application is None:
            raise DomainError("尚未申请人民法院强制执行，没有可登记的答复", rule="《中华人民共和国行政强制法》第五十三条")
        if replied_on < application.applied_on:
            raise DomainError(f"人民法院的答复日期 {replied_on} 早于申请强制执行的日期 {application.applied_on}",
                              rule=COURT_REPLY_RULE)  # fmt: skip
        replies = list(session.scalars(
            select(CourtReply).where(CourtReply.application_id == application.id).order_by(CourtReply.id)
        ))  # fmt: skip
        previous = replies[-1] if replies else None
        needed = COURT_REPLY_AFTER[kind]
        if needed is None and previous is not None:
            raise DomainError(f"本次申请已登记人民法院的“{previous.kind}”，不能再登记“{kind}”")
        if needed is not None and (previous is None or previous.kind != needed):
            raise DomainError(f"登记“{kind}”前须先登记人民法院的“{needed}”", rule=COURT_REPLY_RULE)
        if previous is not None and replied_on < previous.replied_on:
            raise DomainError(f"答复日期 {replied_on} 早于前一答复“{previous.kind}”的日期 {previous.replied_on}")
        for money_kind, amount in sums.items():
            _check_within_owed(session, case, money_kind, amount, replied_on, "执行到位")
        row = CourtReply(
            case_id=case.id, application_id=application.id, kind=kind, replied_on=replied_on, document_no=document_no,
            recovered_fine=sums.get("fine", Decimal(0)), recovered_surcharge=sums.get("surcharge", Decimal(0)),
            recovered_confiscation=sums.get("confiscation", Decimal(0)), note=note.strip(), recorded_by=actor.user_id,
            recorded_at=ctx.now(),
        )  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "court_replied", row)
        for money_kind, amount in sums.items():
            add_payment(session, case, actor, money_kind, amount, replied_on, f"法院执行 {document_no}", today=today)
        return _detail(session, case, actor, settings, today)


@allowed(Role.HEAD, action="登记减免")
def record_execution_waiver(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    *,
    kind: str,
    amount: Decimal,
    decision_no: str,
    decided_on: date,
    reason: str,
) -> views.CaseDetail:
    """A sum waived or reduced by a decision (its number, day and reason), approved by a head who does not
    handle the case: the fine or confiscation changed on review, suit or the agency's own correction; the
    surcharge reduced under an execution agreement (行政强制法 art. 42)."""
    if kind not in EXECUTION_KINDS:
        raise DomainError(f"减免的款项应为：{'、'.join(f'{k}（{v}）' for k, v in EXECUTION_KINDS.items())}")
    if amount <= 0:
        raise DomainError("减免金额必须大于零")
    decision_no = require_text(decision_no, "减免决定（复议决定书、裁判文书或本机关决定）的文号")
    reason = require_text(reason, "减免的理由")
    today = ctx.today()
    _not_future(decided_on, today, "减免决定的日期")
    with ctx.db.write() as session:
        case = _execution_case(session, actor, case_id, "登记减免", EXECUTION_STAGES)
        if actor.user_id in {h.user_id for h in case.handlers}:
            raise DomainError("承办人不得批准本人承办案件的减免")
        _, settings = agency_settings(session, actor.agency_id)
        if decided_on < case.decided_on:
            raise DomainError(f"减免决定的日期 {decided_on} 早于处罚决定的日期 {case.decided_on}")
        _check_within_owed(session, case, kind, amount, decided_on, "减免")
        row = ExecutionWaiver(case_id=case.id, kind=kind, amount=amount, decision_no=decision_no, decided_on=decided_on,
                              reason=reason, approved_by=actor.user_id, approved_at=ctx.now())  # fmt: skip
        case.updated_at = datetime.now()
        record_step(session, actor, case, "sum_waived", row,
                    payload={"rule": SURCHARGE_WAIVER_RULE if kind == "surcharge" else ""})  # fmt: skip
        if case_balance(session, case, today).settled:
            close_deadlines(session, case.id, "payment", "reminder", "enforcement_application", on=today)
        return _detail(session, case, actor, settings, today)
