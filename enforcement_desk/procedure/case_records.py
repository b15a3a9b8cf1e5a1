"""Reading a case's step records: the current proposal, the hearing, the transfer and execution steps.

The latest row of a step is its current record; earlier rows are its history (the tables are
append-only). Views are frozen so the GUI and CLI cannot write through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.procedure.execution import (
    ANNULLING_OUTCOMES,
    CHALLENGE_LABELS,
    COURT_ENDING_REPLIES,
    KINDS,
    ApplicationFacts,
    Balance,
    ExecutionRecord,
    Instalment,
    Pause,
    PaymentEntry,
    Waiver,
    application_refusal,
    balance,
    open_sums,
)
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import Outcome
from enforcement_desk.procedure.calendars import calendar_for, deadline
from enforcement_desk.store.models import Base, Case, Deadline, DocumentRecord, Payment, User
from enforcement_desk.store.models_steps import (
    CaseProposal,
    Challenge,
    ChallengeOutcome,
    CourtReply,
    DocumentVoid,
    EnforcementApplication,
    ExecutionWaiver,
    HearingNotice,
    HearingRecord,
    PaymentPlan,
    PoliceAnswer,
    ReminderService,
    TransferDecision,
    TransferPackage,
    TransferReceipt,
    TransferReport,
)

Row = TypeVar("Row", bound=Base)


def latest(session: Session, table: type[Row], case_id: int) -> Row | None:
    """The current record of a step: its newest row for the case."""
    return session.scalars(
        select(table).where(table.case_id == case_id).order_by(table.id.desc()).limit(1)  # type: ignore[attr-defined]
    ).first()


def history(session: Session, table: type[Row], case_id: int) -> list[Row]:
    """Every row of a step for the case, oldest first."""
    return list(session.scalars(select(table).where(table.case_id == case_id).order_by(table.id)))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ProposalView:
    """One version of the handlers' proposal: outcome, penalty, discretion, articles, who and when."""

    version: int
    outcome: str
    penalty_kinds: tuple[str, ...]
    fine: Decimal | None
    confiscation: Decimal | None
    mitigated: bool
    level: str
    reason: str
    violated_provision: str
    legal_basis: str
    computation: dict[str, Any]
    changed_fields: tuple[str, ...]
    proposed_by: str
    proposed_at: datetime

    def as_discretion(self) -> dict[str, Any]:
        """The proposal's discretion as one mapping: the benchmark computation adopted, with the level,
        reasons and articles the handlers settled on (what the 裁量 panels and documents read)."""
        chosen = {"level": self.level, "reason": self.reason}
        if self.violated_provision:
            chosen["violated_provision"] = self.violated_provision
        if self.legal_basis:
            chosen["legal_basis"] = self.legal_basis
        return {**self.computation, **chosen}


def proposal_view(session: Session, row: CaseProposal) -> ProposalView:
    """The proposal row as a view, with the proposer's name."""
    by = session.get(User, row.proposed_by)
    return ProposalView(
        row.version, row.outcome, tuple(row.penalty_kinds or ()), row.fine, row.confiscation, row.mitigated,
        row.level, row.reason, row.violated_provision, row.legal_basis, dict(row.computation or {}),
        tuple(row.changed_fields or ()), by.name if by else "", row.proposed_at,
    )  # fmt: skip


def current_proposal(session: Session, case_id: int) -> ProposalView | None:
    """The case's latest proposal, or None."""
    row = latest(session, CaseProposal, case_id)
    return proposal_view(session, row) if row is not None else None


def proposal_history(session: Session, case_id: int) -> list[ProposalView]:
    """Every version of the case's proposal, oldest first."""
    return [proposal_view(session, row) for row in history(session, CaseProposal, case_id)]


@dataclass(frozen=True)
class HearingNoticeView:
    """The 听证通知书's record: when and where, host, recorder, public or not and why, and when served."""

    scheduled_at: datetime
    place: str
    host: str
    recorder: str
    public: bool
    not_public_reason: str
    served_on: date
    arranged_on: date | None = None  # the day the notice was made: the date the 听证通知书 bears


@dataclass(frozen=True)
class HearingRecordView:
    """The 听证笔录's record: day, place, host, recorder, attendees, the party's statements, the record,
    the opinion and the party's signature (行政处罚法 art. 64)."""

    held_on: date
    place: str
    host: str
    recorder: str
    public: bool | None
    attendees: tuple[str, ...]
    party_statements: str
    record_text: str
    opinion: str
    party_signature: str
    recorded_at: datetime
    outcome: str = "held"  # held | terminated (art. 64(六)); rows before 0014 were all recorded as held
    termination_reason: str = ""
    agents: tuple[str, ...] = ()  # the party's agents (art. 64(五))

    @property
    def terminated(self) -> bool:
        """True when the hearing was terminated: the party gave up the hearing (art. 64(六))."""
        return self.outcome == "terminated"


def hearing_notice(session: Session, case_id: int) -> HearingNoticeView | None:
    """The case's latest hearing notice, or None."""
    row = latest(session, HearingNotice, case_id)
    if row is None:
        return None
    return HearingNoticeView(
        row.scheduled_at, row.place, row.host, row.recorder, row.public, row.not_public_reason, row.served_on,
        row.arranged_at.date(),
    )


def hearing_record(session: Session, case_id: int) -> HearingRecordView | None:
    """The case's latest hearing record, or None."""
    row = latest(session, HearingRecord, case_id)
    if row is None:
        return None
    return HearingRecordView(
        row.held_on, row.place, row.host, row.recorder, row.public, tuple(row.attendees or ()),
        row.party_statements, row.record_text, row.opinion, row.party_signature, row.recorded_at,
        row.outcome or "held", row.termination_reason or "", tuple(row.agents or ()),
    )  # fmt: skip


def transfer_rows(session: Session, case_id: int) -> dict[str, Any]:
    """The transfer steps of a case: latest report, every decision, receipts, packages, police answers."""
    return {
        "report": latest(session, TransferReport, case_id),
        "decisions": history(session, TransferDecision, case_id),
        "receipts": history(session, TransferReceipt, case_id),
        "packages": history(session, TransferPackage, case_id),
        "answers": history(session, PoliceAnswer, case_id),
    }


def enforcement_application(session: Session, case_id: int) -> EnforcementApplication | None:
    """The case's latest application to the court for enforcement, or None."""
    return latest(session, EnforcementApplication, case_id)


def case_balance(session: Session, case: Case, today: date) -> Balance:
    """What the party owes under the decision on `today`: fine, surcharge on the overdue fine, confiscation.
    Nothing is owed before a penalty decision is served (the 15 days run from service)."""
    if case.decided_outcome != Outcome.PENALTY.value:
        return balance(Decimal(0), Decimal(0), (), (), today)
    fine, confiscation = case.fine_amount or Decimal(0), case.confiscation_amount or Decimal(0)
    due = session.scalar(
        select(Deadline.due_on).where(Deadline.case_id == case.id, Deadline.key == "payment").order_by(Deadline.id)
    )
    schedule = (Instalment(due, fine),) if due is not None and fine > 0 else ()
    plan = latest(session, PaymentPlan, case.id)
    if plan is not None and due is not None:  # the rescheduled part is due on its own days; the rest as decided
        parts = [Instalment(date.fromisoformat(i["due_on"]), Decimal(i["amount"])) for i in plan.instalments]
        schedule = (Instalment(due, fine - sum((p.amount for p in parts), Decimal(0))), *parts)
    payments = [
        PaymentEntry(p.paid_on, p.amount, p.kind or "fine")
        for p in session.scalars(select(Payment).where(Payment.case_id == case.id).order_by(Payment.paid_on, Payment.id))
    ]
    waivers = [Waiver(w.kind, w.amount, w.decided_on) for w in history(session, ExecutionWaiver, case.id)]
    return balance(fine, confiscation, schedule, payments, today, waivers=waivers, pauses=challenge_pauses(session, case.id))


# ---- execution: the 催告书's service, review and suit, the court, and how each sum ended ------------------


def challenge_pauses(session: Session, case_id: int) -> list[Pause]:
    """The reviews and suits the party brought, each from its filing to its outcome (行政处罚法 art. 73(3))."""
    ends = {o.challenge_id: o.decided_on for o in history(session, ChallengeOutcome, case_id)}
    return [Pause(c.filed_on, ends.get(c.id)) for c in history(session, Challenge, case_id)]


def current_reminder(session: Session, case_id: int) -> DocumentRecord | None:
    """The case's current 催告书 (the newest version issued, not voided), or None."""
    return session.scalars(
        select(DocumentRecord)
        .where(
            DocumentRecord.case_id == case_id, DocumentRecord.kind == "payment_reminder",
            DocumentRecord.superseded_by.is_(None), DocumentRecord.id.not_in(select(DocumentVoid.document_id)),
        )
        .order_by(DocumentRecord.id.desc())
    ).first()  # fmt: skip


def reminder_service(session: Session, case_id: int) -> tuple[DocumentRecord | None, ReminderService | None]:
    """The current 催告书 and the record of its service (None until it is served)."""
    document = current_reminder(session, case_id)
    if document is None:
        return None, None
    row = session.scalars(
        select(ReminderService)
        .where(ReminderService.case_id == case_id, ReminderService.document_id == document.id)
        .order_by(ReminderService.id.desc())
    ).first()
    return document, row


@dataclass(frozen=True)
class ChallengeView:
    """A 行政复议 or 行政诉讼 the party brought, with its outcome once recorded."""

    id: int
    kind: str  # 复议 | 诉讼
    label: str  # 行政复议 | 行政诉讼
    filed_on: date
    body: str
    outcome: str  # "" while pending
    decided_on: date | None
    document_no: str


@dataclass(frozen=True)
class CourtReplyView:
    """One answer of the people's court to the application: its kind, day, number and sums recovered."""

    kind: str
    replied_on: date
    document_no: str
    recovered_fine: Decimal
    recovered_surcharge: Decimal
    recovered_confiscation: Decimal
    note: str


@dataclass(frozen=True)
class WaiverView:
    """A sum waived or reduced by a decision."""

    kind: str
    label: str
    amount: Decimal
    decision_no: str
    decided_on: date
    reason: str


@dataclass(frozen=True)
class SumView:
    """One sum of the decision and how it stands or ended: imposed, paid, waived, still due, in words."""

    kind: str
    label: str
    imposed: Decimal  # for the surcharge: what has accrued
    paid: Decimal
    waived: Decimal
    due: Decimal
    ended: str  # 已缴清 / 已减免 / 人民法院裁定不予执行（…） / 尚欠 …


@dataclass(frozen=True)
class ExecutionView:
    """The execution of a penalty decision as the faces show it: the 催告书 and its service, the periods for
    review and suit, the window to apply to the court, the application and the court's replies, the party's
    review or suit, decisions that waived sums, each sum and how it ended, and what still blocks closing."""

    balance: Balance
    reminder_issued_on: date | None
    reminder_served_on: date | None
    reminder_method: str
    reminder_receiver: str
    reminder_ends_on: date | None  # ten working days after its service
    review_ends_on: date | None
    suit_ends_on: date | None
    plan_ends_on: date | None
    apply_from: date | None  # the first day the agency may apply, once the reminder is served
    apply_by: date | None  # the last day of the three months
    applied_on: date | None
    court: str
    applied_amount: Decimal | None
    court_replies: tuple[CourtReplyView, ...]
    challenges: tuple[ChallengeView, ...]
    waivers: tuple[WaiverView, ...]
    sums: tuple[SumView, ...]
    open_sums: tuple[str, ...]  # what blocks closing (empty: every sum has ended)
    application_refusal: str  # why the agency may not apply to the court today ("" when it may)
    application_rule: str
    record: ExecutionRecord


def _challenge_views(session: Session, case_id: int) -> tuple[ChallengeView, ...]:
    outcomes = {o.challenge_id: o for o in history(session, ChallengeOutcome, case_id)}
    views = []
    for c in history(session, Challenge, case_id):
        o = outcomes.get(c.id)
        views.append(ChallengeView(
            c.id, c.kind, CHALLENGE_LABELS.get(c.kind, c.kind), c.filed_on, c.body, o.outcome if o else "",
            o.decided_on if o else None, o.document_no if o else "",
        ))  # fmt: skip
    return tuple(views)


COURT_ENDING_TEXT = {"不予执行": "人民法院裁定不予执行", "执行完毕": "人民法院执行完毕", "终结执行": "人民法院终结执行"}


def _record_of(challenges: tuple[ChallengeView, ...], replies: tuple[CourtReplyView, ...]) -> ExecutionRecord:
    annulled = next((c for c in reversed(challenges) if c.outcome in ANNULLING_OUTCOMES), None)
    pending = next((c for c in challenges if not c.outcome), None)
    ending = next((r for r in reversed(replies) if r.kind in COURT_ENDING_REPLIES), None)
    verb = {"复议": "申请行政复议", "诉讼": "提起行政诉讼"}
    return ExecutionRecord(
        annulled_by=f"{annulled.label}{annulled.outcome}（{annulled.document_no}）" if annulled else "",
        court_ended_by=f"{COURT_ENDING_TEXT[ending.kind]}（{ending.document_no}）" if ending else "",
        pending=f"已于 {pending.filed_on} {verb.get(pending.kind, pending.kind)}（{pending.body}）" if pending else "",
    )


def _sum_views(owed: Balance, record: ExecutionRecord) -> tuple[SumView, ...]:
    rows = (
        ("fine", owed.fine, owed.fine_paid, owed.fine_waived, owed.fine_due),
        ("surcharge", owed.surcharge_accrued, owed.surcharge_paid, owed.surcharge_waived, owed.surcharge_due),
        ("confiscation", owed.confiscation, owed.confiscation_paid, owed.confiscation_waived, owed.confiscation_due),
    )
    views = []
    for kind, imposed, paid, waived, due in rows:
        if imposed <= 0 and paid <= 0 and waived <= 0:
            continue
        if due > 0:
            ended = (f"处罚决定已被{record.annulled_by}" if record.annulled_by
                     else record.court_ended_by or f"尚欠 {due:,.2f} 元")  # fmt: skip
        elif waived > 0:
            ended = "已缴清（部分依决定减免）" if paid > 0 else "已依决定减免"
        else:
            ended = "已缴清"
        views.append(SumView(kind, KINDS[kind], imposed, paid, waived, due, ended))
    return tuple(views)


def execution_view(session: Session, case: Case, settings: AgencySettings, today: date) -> ExecutionView | None:
    """The execution of the case's penalty decision on `today` (None: no penalty decision)."""
    if case.decided_outcome != Outcome.PENALTY.value:
        return None
    calendar = calendar_for(settings)
    owed = case_balance(session, case, today)
    document, service = reminder_service(session, case.id)
    reminder_ends = deadline("reminder", service.served_on, settings, calendar).due if service else None
    review_ends = deadline("reconsideration", case.served_on, settings, calendar).due if case.served_on else None
    suit_ends = deadline("lawsuit", case.served_on, settings, calendar).due if case.served_on else None
    plan = latest(session, PaymentPlan, case.id)
    plan_ends = max(date.fromisoformat(i["due_on"]) for i in plan.instalments) if plan and plan.instalments else None
    challenges = _challenge_views(session, case.id)
    application = latest(session, EnforcementApplication, case.id)
    replies = tuple(
        CourtReplyView(r.kind, r.replied_on, r.document_no, r.recovered_fine, r.recovered_surcharge,
                       r.recovered_confiscation, r.note)
        for r in history(session, CourtReply, case.id) if application and r.application_id == application.id
    )  # fmt: skip
    record = _record_of(challenges, replies)
    starts = [d for d in (suit_ends, plan_ends, *(c.decided_on for c in challenges)) if d is not None]
    apply_by = deadline("enforcement_application", max(starts), settings, calendar).due if suit_ends else None
    firsts = [d for d in (reminder_ends, review_ends, suit_ends, plan_ends) if d is not None]
    apply_from = max(firsts) + timedelta(days=1) if reminder_ends and suit_ends else None
    pending_application = ""
    if application is not None and (not replies or replies[-1].kind != "不予受理"):
        pending_application = f"已于 {application.applied_on} 申请人民法院强制执行"
    facts = ApplicationFacts(
        applied_on=today, owed=owed, reminder_served_on=service.served_on if service else None,
        reminder_ends_on=reminder_ends, review_ends_on=review_ends, suit_ends_on=suit_ends, plan_ends_on=plan_ends,
        apply_by=apply_by, record=record, pending_application=pending_application,
    )  # fmt: skip
    refusal = application_refusal(facts)
    waivers = tuple(
        WaiverView(w.kind, KINDS.get(w.kind, w.kind), w.amount, w.decision_no, w.decided_on, w.reason)
        for w in history(session, ExecutionWaiver, case.id)
    )
    return ExecutionView(
        balance=owed, reminder_issued_on=document.issued_at.date() if document else None,
        reminder_served_on=service.served_on if service else None, reminder_method=service.method if service else "",
        reminder_receiver=service.receiver if service else "", reminder_ends_on=reminder_ends,
        review_ends_on=review_ends, suit_ends_on=suit_ends, plan_ends_on=plan_ends, apply_from=apply_from,
        apply_by=apply_by, applied_on=application.applied_on if application else None,
        court=application.court if application else "", applied_amount=application.amount if application else None,
        court_replies=replies, challenges=challenges, waivers=waivers, sums=_sum_views(owed, record),
        open_sums=open_sums(owed, record), application_refusal=refusal[0] if refusal else "",
        application_rule=(refusal[1] or "") if refusal else "", record=record,
    )  # fmt: skip
