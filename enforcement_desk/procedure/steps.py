"""Moving a case through the procedure: one service call per action of the workflow table.

Each call locks the case row, rebuilds the workflow state, lets the core refuse or allow, applies
the action's effects (numbers, deadlines, records) and appends the audit event — all in one
transaction, so a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar
from enforcement_desk.core.procedure.execution import KINDS as EXECUTION_KINDS
from enforcement_desk.core.procedure.major import hearing_right
from enforcement_desk.core.procedure.workflow import Action, check, target_stage
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.calendars import calendar_for
from enforcement_desk.procedure.case_records import case_balance, latest
from enforcement_desk.procedure.cases import (
    _detail,
    actor_info,
    audit,
    load_case,
    record_stage_change,
    refresh_search_text,
)
from enforcement_desk.procedure.deadlines import agency_settings, close_deadlines, open_deadline
from enforcement_desk.procedure.numbers import issue_wenhao
from enforcement_desk.procedure.review_package import build_review_package
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.store.models import (
    Agency,
    Base,
    Case,
    CollectiveDiscussion,
    DecisionExtension,
    LegalReview,
    Payment,
)
from enforcement_desk.store.models_steps import (
    EnforcementApplication,
    HearingNotice,
    HearingRecord,
    PaymentPlan,
    PoliceAnswer,
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
    outcome = Outcome(case.proposed_outcome)
    case.decided_outcome = outcome.value
    case.decided_on = step.today
    nature = "罚" if outcome is Outcome.PENALTY else "决"
    if outcome is Outcome.PENALTY:
        case.decision_no = issue_wenhao(step.session, step.agency, case.category, nature, step.today.year)
        step.open("publicity", step.today)
        record_decision_publicity(step.session, case, step.agency, step.today, step.settings)
    refresh_search_text(case, case.party)
    step.close("decision", "defence", "hearing_request")
    step.open("service", step.today)
    return {"outcome": outcome.value, "decision_no": case.decision_no, "fine": case.fine_amount}


def _serve(step: _Step) -> dict:
    method = step.params.get("method") or "直接送达"
    if method not in SERVICE_METHODS:
        raise DomainError(f"送达方式应为：{'、'.join(SERVICE_METHODS)}")
    if method == "电子送达" and not step.params.get("consent"):
        raise DomainError("电子送达须经当事人书面同意（《行政处罚法》第六十一条），请先登记当事人的同意书")
    served_on = step.date_param("served_on")
    if step.case.decided_on and served_on < step.case.decided_on:
        raise DomainError("送达日期不能早于决定日期")
    step.case.served_on = served_on
    step.case.service_method = method
    step.close("service")
    owed = (step.case.fine_amount or 0) + (step.case.confiscation_amount or 0)
    if step.case.decided_outcome == Outcome.PENALTY.value and owed > 0:
        step.open("payment", served_on)
    return {"served_on": served_on, "method": method, "recipient": step.params.get("recipient", "")}


def _payment_amount(raw: object) -> Decimal:
    from enforcement_desk.core.money import parse_amount

    return parse_amount(str(raw if raw is not None else ""))


def _record_payment(step: _Step) -> dict:
    """缴款: a payment of the fine, of the late-payment surcharge or of confiscated illegal gains, never more
    than what is owed of that kind on the day it was paid, never before the decision was served."""
    case = step.case
    kind = str(step.params.get("kind") or "fine")
    if kind not in EXECUTION_KINDS:
        raise DomainError(f"缴款种类应为：{'、'.join(f'{k}（{v}）' for k, v in EXECUTION_KINDS.items())}")
    amount = _payment_amount(step.params.get("amount"))
    if amount <= 0:
        raise DomainError("缴款金额必须大于零")
    paid_on = step.date_param("paid_on")
    served = case.served_on or case.decided_on
    if served is not None and paid_on < served:
        raise DomainError(f"缴款日期 {paid_on} 早于处罚决定书送达日期 {served}", rule="《行政处罚法》第六十七条")
    owed = case_balance(step.session, case, paid_on)
    due = {"fine": owed.fine_due, "surcharge": owed.surcharge_due, "confiscation": owed.confiscation_due}[kind]
    if amount > due:
        raise DomainError(
            f"缴款金额 {amount:,.2f} 元超过截至 {paid_on} 尚欠的{EXECUTION_KINDS[kind]} {due:,.2f} 元",
            rule="《行政处罚法》第七十二条" if kind == "surcharge" else None,
        )
    step.session.add(
        Payment(
            case_id=case.id, kind=kind, amount=amount, surcharge=Decimal(0), paid_on=paid_on,
            receipt_no=str(step.params.get("receipt_no", "")), recorded_by=step.actor.user_id, recorded_at=datetime.now(),
        )
    )  # fmt: skip
    if kind == "fine":
        case.paid_amount = (case.paid_amount or Decimal(0)) + amount
        if case.paid_amount >= (case.fine_amount or Decimal(0)):
            step.close("payment")
    step.session.flush()
    after = case_balance(step.session, case, step.today)
    return {"kind": kind, "amount": amount, "paid_on": paid_on, "fine_due": after.fine_due,
            "surcharge_due": after.surcharge_due, "confiscation_due": after.confiscation_due}  # fmt: skip


def _apply_enforcement(step: _Step) -> dict:
    step.case.enforcement_applied_on = step.today
    owed = case_balance(step.session, step.case, step.today)  # the fine, the surcharge and the confiscation
    outstanding = owed.fine_due + owed.surcharge_due + owed.confiscation_due
    step.record(EnforcementApplication(
        case_id=step.case.id, applied_on=step.today, court=step.agency.court or "", amount=outstanding,
        reason=str(step.params["reason"]).strip(), recorded_by=step.actor.user_id, recorded_at=step.now,
    ))  # fmt: skip
    step.close("payment")
    return {"reason": step.params["reason"]}


def _close(step: _Step) -> dict:
    step.case.closed_on = step.today
    step.case.closing_summary = str(step.params.get("summary", ""))
    return {"summary": step.case.closing_summary}


def _archive(step: _Step) -> dict:
    step.case.archived_on = step.today
    return {}


def _transfer_police(step: _Step) -> dict:
    """The head approved the transfer (国务院令第310号 art. 5): to the police at the same level within 24
    hours, with a copy to the procuratorate; both are named on the 涉嫌犯罪案件移送书."""
    police = str(step.params.get("police_unit") or "").strip()
    procuratorate = str(step.params.get("procuratorate") or "").strip()
    step.case.resume_stage = step.case.stage
    step.close("transfer_approval")  # the head's 3 days (art. 5) are answered by this approval
    step.record(_transfer_decision(step, approved=True, police_unit=police, procuratorate=procuratorate))
    step.open("crime_transfer", step.now)
    return {"reason": step.params["reason"], "police_unit": police, "procuratorate": procuratorate,
            "resume_stage": step.case.stage}  # fmt: skip


def _transfer_decision(step: _Step, *, approved: bool, police_unit: str = "", procuratorate: str = "") -> TransferDecision:
    return TransferDecision(
        case_id=step.case.id, approved=approved, reason=str(step.params["reason"]).strip(), police_unit=police_unit,
        procuratorate=procuratorate, decided_on=step.today, decided_by=step.actor.user_id,
        decided_by_name=step.actor.name, decided_at=step.now,
    )  # fmt: skip


def _refuse_transfer(step: _Step) -> dict:
    step.record(_transfer_decision(step, approved=False))
    step.close("transfer_approval")  # a refusal with its reasons answers the report as well
    return {"reason": step.params["reason"]}


def _police_answered(accepted: bool) -> Callable[[_Step], dict]:
    def effect(step: _Step) -> dict:
        if accepted:
            step.case.closed_on = step.today
            step.close("decision", "defence", "hearing_request", "legal_review")
        resumed = step.case.resume_stage
        step.case.resume_stage = None
        step.record(PoliceAnswer(
            case_id=step.case.id, accepted=accepted, reason=str(step.params.get("reason") or "").strip(),
            answered_on=step.date_param("answered_on"), recorded_by=step.actor.user_id, recorded_at=step.now,
        ))  # fmt: skip
        return {
            "accepted": accepted,
            "reason": step.params.get("reason", ""),
            "resumed": None if accepted else resumed,
        }

    return effect


def _report_onsite(step: _Step) -> dict:
    step.case.closed_on = step.today
    return {"note": step.params.get("note", "")}


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
        note = str(params.get("reason") or params.get("note") or "")
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
HEARING_NOTICE_RULE = "《行政处罚法》第六十四条第（二）项、第八十五条"
HEARING_NOTICE_WORKING_DAYS = 7


def earliest_hearing_day(notice_served_on: date, settings: AgencySettings) -> date:
    """The first day a hearing may be held after its notice: seven working days later (art. 64(二);
    art. 85 makes the law's 7-day periods working days; the day of service is not counted)."""
    return calendar_for(settings).add_working_days(notice_served_on, HEARING_NOTICE_WORKING_DAYS)


@dataclass(frozen=True)
class HearingMinutes:
    """What the 听证笔录 and 听证意见书 hold (行政处罚法 art. 64(七)(八), 65)."""

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


@allowed(Role.OFFICER, Role.HEAD, action="登记听证")
def record_hearing(ctx: AppContext, actor: Actor, case_id: int, minutes: HearingMinutes) -> views.CaseDetail:
    """听证笔录 (art. 64–65): the hearing is hosted by someone who did not investigate the case. A second
    call records a corrected version; the earlier one stays in the history."""
    host = minutes.host.strip()
    if not host or not minutes.record.strip():
        raise DomainError("请填写听证主持人和听证笔录要点")
    if minutes.party_signature and minutes.party_signature not in PARTY_SIGNATURES:
        raise DomainError(f"当事人签名情况应为：{'、'.join(PARTY_SIGNATURES)}", rule="《行政处罚法》第六十四条第（八）项")
    today = ctx.today()
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.HEARING, "登记听证")
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以登记听证笔录")
        _, settings = agency_settings(session, actor.agency_id)
        handler_names = {h.user.name for h in case.handlers}
        if host in handler_names:
            raise DomainError("听证由非本案调查人员主持（《行政处罚法》第六十四条），主持人不能是本案承办人")
        if minutes.recorder.strip() in handler_names:
            raise DomainError("听证记录人不能是本案调查人员（本机关规定；《行政处罚法》第六十四条第（四）项的回避要求）")
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
        case.hearing_held_on = minutes.held_on
        case.updated_at = datetime.now()
        row = HearingRecord(
            case_id=case.id, held_on=minutes.held_on, place=minutes.place.strip() or (notice.place if notice else ""),
            host=host, recorder=minutes.recorder.strip(),
            public=minutes.public if minutes.public is not None else (notice.public if notice else None),
            attendees=[a.strip() for a in minutes.attendees if a.strip()],
            party_statements=minutes.party_statements.strip(), record_text=minutes.record.strip(),
            opinion=minutes.opinion.strip(), party_signature=minutes.party_signature, recorded_by=actor.user_id,
            recorded_at=ctx.now(),
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
            raise DomainError("听证主持人和记录人不能是本案调查人员（《行政处罚法》第六十四条第（四）项）")
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
    """集体讨论记录 (art. 57): the heads decide collectively on major or complex cases."""
    if len([p for p in participants if p.strip()]) < 2:
        raise DomainError("集体讨论须有两名以上负责人参加")
    if not conclusion.strip():
        raise DomainError("请填写集体讨论结论")
    today = ctx.today()
    if held_on > today:
        raise DomainError("讨论日期不能晚于今天")
    with ctx.db.write() as session:
        case = _locked_handler_case(session, actor, case_id, Stage.COLLECTIVE_DISCUSSION, "登记集体讨论")
        _, settings = agency_settings(session, actor.agency_id)
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
        return _detail(session, case, actor, settings, today)


PAYMENT_PLAN_RULE = "《行政处罚法》第六十六条第二款"


@allowed(Role.HEAD, action="批准延期")
def extend_decision_deadline(
    ctx: AppContext, actor: Actor, case_id: int, *, days: int, reason: str
) -> views.CaseDetail:
    """延期审批: the 90-day decision period (art. 60) extended with the head's approval under the agency's
    rule; who may approve, how long and how often under the 2025 rule is not yet verified (docs/law.md §6)."""
    if days <= 0 or days > 90:
        raise DomainError("延长天数应在 1 到 90 天之间")
    if not reason.strip():
        raise DomainError("延期须写明理由")
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        _, settings = agency_settings(session, actor.agency_id)
        if case.decided_on or case.filed_on is None:
            raise DomainError("只有已立案、尚未作出决定的案件可以延长办案期限")
        if actor.user_id in {h.user_id for h in case.handlers}:
            raise DomainError("承办人不得批准本人承办案件的延期")
        session.add(
            DecisionExtension(
                case_id=case.id,
                days=days,
                reason=reason,
                approved_by=actor.user_id,
                approved_at=ctx.now(),
            )
        )
        session.flush()
        current = views.open_deadline_due(session, case.id, "decision")
        close_deadlines(session, case.id, "decision", on=ctx.today(), status="extended")
        open_deadline(
            session,
            case.id,
            "decision",
            case.filed_on,
            settings,
            calendar_for(settings),
            extra_days=views.extensions_total(session, case.id),
        )
        session.flush()
        audit(
            session,
            actor,
            "decision_extended",
            case,
            {"days": days, "reason": reason, "previous_due": current},
        )
        return _detail(session, case, actor, settings, ctx.today())
