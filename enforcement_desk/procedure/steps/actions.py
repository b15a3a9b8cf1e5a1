"""Moving a case through the procedure: one service call per action of the workflow table.

Each call locks the case row, rebuilds the workflow state, lets the core refuse or allow, applies
the action's effects (numbers, deadlines, records) and appends the audit event — all in one
transaction, so a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, split_list
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar
from enforcement_desk.core.procedure.execution import KINDS as EXECUTION_KINDS
from enforcement_desk.core.procedure.execution import (
    Balance,
)
from enforcement_desk.core.procedure.major import hearing_right
from enforcement_desk.core.procedure.workflow import (
    LATE_DECISION_PREFIX,
    Action,
    check,
    target_stage,
)
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.procedure import case_views as views
from enforcement_desk.procedure.calendars import calendar_for, deadline
from enforcement_desk.procedure.case_records import (
    case_balance,
    latest,
)
from enforcement_desk.procedure.cases import (
    _detail,
    actor_info,
    load_case,
    record_stage_change,
    refresh_search_text,
    require_certified,
)
from enforcement_desk.procedure.deadlines import (
    agency_settings,
    close_deadlines,
    open_deadline,
    open_execution_periods,
)
from enforcement_desk.procedure.numbers import issue_wenhao
from enforcement_desk.procedure.review_package import build_review_package
from enforcement_desk.procedure.step_log import record_step
from enforcement_desk.store.models import (
    Agency,
    Base,
    Case,
    LegalReview,
    Payment,
)
from enforcement_desk.store.models_steps import (
    DecisionService,
    EnforcementApplication,
    PoliceAnswer,
    TransferDecision,
    TransferReceipt,
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
        raise DomainError(f"须逐项审核七个事项，尚缺：{'、'.join(missing)}", rule="本机关法制审核办法（《卫生健康行政处罚程序规定》第三十八条未列审核事项）")
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
PUBLIC_NOTICE_RULE = "《卫生健康行政处罚程序规定》第五十八条；《中华人民共和国民事诉讼法》第九十五条"


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
    (卫生健康行政处罚程序规定 art. 58(2); a last day on a holiday moves to the next working day, 民事诉讼法
    art. 85) — computed, never typed."""
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
    """送达决定书 by one of the methods of 卫生健康行政处罚程序规定 arts. 53–58, with what
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
        receipt = latest(step.session, TransferReceipt, step.case.id)
        if receipt is None:
            # Without the receipt the 24 hours of art. 5 would stay open and the police's 3 days unknown.
            raise DomainError(
                "尚未登记公安机关签收的移送回执：请先登记回执（签收单位、签收人、时间和扫描件），再登记公安机关的书面通知",
                rule="《行政执法机关移送涉嫌犯罪案件的规定》第七条、第八条",
            )
        if answered_on < receipt.received_on:
            raise DomainError(f"收到公安机关书面通知的日期 {answered_on} 早于公安机关签收移送材料的日期 {receipt.received_on}")
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
        action: Action = check(action_key, state, actor_info(session, actor), params)
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


def _locked_handler_case(session: Session, actor: Actor, case_id: int, stage: Stage, what: str, today: date) -> Case:
    """The case locked for a step only at `stage`; an officer taking it holds a valid 执法证 on `today`."""
    case = load_case(session, actor, case_id, lock=True)
    require_certified(session, actor, today)
    if Stage(case.stage) is not stage:
        raise DomainError(f"案件当前处于“{Stage(case.stage).label}”阶段，只有在“{stage.label}”阶段才能{what}")
    return case
