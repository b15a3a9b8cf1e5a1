"""Execution beside the workflow: 暂缓或者分期缴纳, the 催告书's service, review and suit, the court's
replies and waived surcharges (行政处罚法 arts. 66, 72; 行政强制法 arts. 35–58)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.money import checked_amount
from enforcement_desk.core.procedure.execution import (
    ANNULLING_OUTCOMES,
    CHALLENGE_KINDS,
    CHALLENGE_OUTCOMES,
    COURT_RECOVERY_REPLIES,
    COURT_REPLY_AFTER,
    COURT_REPLY_KINDS,
    REMINDER_RULE,
)
from enforcement_desk.core.procedure.execution import KINDS as EXECUTION_KINDS
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.calendars import calendar_for
from enforcement_desk.procedure.case_records import (
    case_balance,
    current_reminder,
    execution_view,
    latest,
)
from enforcement_desk.procedure.cases import (
    _detail,
    load_case,
    require_certified,
)
from enforcement_desk.procedure.deadlines import (
    agency_settings,
    close_deadlines,
    move_application_window,
    open_deadline,
)
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.procedure.steps.actions import (
    SERVICE_METHODS,
    SERVICE_RULE,
    _check_within_owed,
    add_payment,
)
from enforcement_desk.store.models import (
    Case,
)
from enforcement_desk.store.models_steps import (
    Challenge,
    ChallengeOutcome,
    CourtReply,
    EnforcementApplication,
    ExecutionWaiver,
    PaymentPlan,
    ReminderService,
)


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


PAYMENT_PLAN_RULE = "《卫生健康行政处罚程序规定》第六十条第二款；《行政处罚法》第六十六条第二款"



# ---- execution beside the workflow: the 催告书's service, review and suit, the court's replies, waivers ----------

EXECUTION_STAGES = frozenset({Stage.SERVED, Stage.EXECUTING})
CHALLENGE_STAGES = frozenset({Stage.SERVED, Stage.EXECUTING, Stage.CLOSED})
COURT_REPLY_RULE = "《中华人民共和国行政强制法》第五十六条、第五十七条、第五十八条"
SURCHARGE_WAIVER_RULE = "《中华人民共和国行政强制法》第四十二条"


def _execution_case(
    session: Session, actor: Actor, case_id: int, what: str, stages: frozenset[Stage], today: date
) -> Case:
    case = load_case(session, actor, case_id, lock=True)
    if Stage(case.stage) not in stages or case.decided_outcome != Outcome.PENALTY.value or case.served_on is None:
        allowed_stages = "、".join(s.label for s in sorted(stages, key=list(Stage).index))
        raise DomainError(
            f"案件当前处于“{Stage(case.stage).label}”阶段；只有已送达的行政处罚决定，在“{allowed_stages}”阶段才能{what}"
        )
    if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
        raise DomainError(f"只有本案承办人或负责人可以{what}")
    require_certified(session, actor, today)
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
        case = _execution_case(session, actor, case_id, "登记催告书的送达", EXECUTION_STAGES, today)
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
        case = _execution_case(session, actor, case_id, "登记当事人申请复议或起诉", CHALLENGE_STAGES, today)
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
        case = _execution_case(session, actor, case_id, "登记复议或诉讼的结果", CHALLENGE_STAGES, today)
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
    for key, value in sums.items():
        checked_amount(value, f"执行到位的{EXECUTION_KINDS[key]}")
    if any(v <= 0 for v in sums.values()):
        raise DomainError("执行到位的金额必须大于零")
    if sums and kind not in COURT_RECOVERY_REPLIES:
        raise DomainError("执行到位的款项在人民法院执行完毕或终结执行时登记")
    today = ctx.today()
    _not_future(replied_on, today, "答复日期")
    with ctx.db.write() as session:
        case = _execution_case(session, actor, case_id, "登记人民法院的答复", EXECUTION_STAGES, today)
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
    if checked_amount(amount, "减免金额") <= 0:
        raise DomainError("减免金额必须大于零")
    decision_no = require_text(decision_no, "减免决定（复议决定书、裁判文书或本机关决定）的文号")
    reason = require_text(reason, "减免的理由")
    today = ctx.today()
    _not_future(decided_on, today, "减免决定的日期")
    with ctx.db.write() as session:
        case = _execution_case(session, actor, case_id, "登记减免", EXECUTION_STAGES, today)
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
