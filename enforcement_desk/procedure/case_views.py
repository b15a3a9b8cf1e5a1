"""Read models handed to the GUI and CLI, and the workflow state built from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.procedure.major import (
    MajorAssessment,
    ProposedPenalty,
    assess_major,
    hearing_right,
)
from enforcement_desk.core.procedure.workflow import ActionAvailability, CaseState, HandlerInfo
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import CATEGORY_LABELS, SOURCE_LABELS, Outcome, Stage
from enforcement_desk.procedure.case_records import ProposalView, case_balance
from enforcement_desk.procedure.parties import PartyView
from enforcement_desk.store.models import (
    Case,
    CollectiveDiscussion,
    Deadline,
    DecisionExtension,
    LegalReview,
    StageChange,
    User,
)


@dataclass(frozen=True)
class HandlerView:
    """A handler of a case: name and 执法证 with its validity."""

    user_id: int
    name: str
    cert_no: str | None
    cert_valid_until: date | None


@dataclass(frozen=True)
class DeadlineView:
    """A case's deadline as listed: the period, its article, its due day, status and urgency."""

    id: int
    case_id: int
    case_no: str
    party_name: str
    key: str
    name: str
    article: str
    start_on: date
    due_on: date
    due_at: datetime | None
    status: str
    urgency: str  # overdue | elapsed | due_today | due_soon | ok | met (core.periods.URGENCY_LABELS)
    days_remaining: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class StageChangeView:
    """One move of a case from stage to stage: when, by which action and whom, with the note."""

    at: datetime
    action: str
    from_stage: Stage | None
    to_stage: Stage
    actor_name: str
    note: str


@dataclass(frozen=True)
class CaseSummary:
    """A case in a list: its numbers, party, cause, stage, handlers and fine."""

    id: int
    case_no: str
    filing_no: str | None
    decision_no: str | None
    party_name: str
    cause: str
    stage: Stage
    procedure: str
    accepted_on: date
    handlers: str
    fine_amount: Decimal | None
    version: int

    @property
    def display_no(self) -> str:
        """The number the case is best known by: decision, else filing, else acceptance number."""
        return self.decision_no or self.filing_no or self.case_no


@dataclass(frozen=True)
class CaseDetail:
    """A case in full as the faces show it: numbers, party, handlers, dates, decision, records, deadlines
    and the actions open to the user."""

    id: int
    case_no: str
    filing_no: str | None
    decision_no: str | None
    procedure: str
    source: str
    source_label: str
    source_detail: str
    category: str
    category_label: str
    cause: str
    violation_code: str | None
    party: PartyView
    handlers: tuple[HandlerView, ...]
    stage: Stage
    location: str
    discovered_on: date
    act_date: date | None
    act_ended_on: date | None
    accepted_on: date
    filed_on: date | None
    decided_on: date | None
    served_on: date | None
    closed_on: date | None
    archived_on: date | None
    facts: str
    evidence_summary: str
    proposed_outcome: Outcome | None
    decided_outcome: Outcome | None
    penalty_kinds: tuple[str, ...]
    fine_amount: Decimal | None
    confiscation_amount: Decimal | None
    paid_amount: Decimal
    fine_due: Decimal  # what the party still owes, on the day the detail was read
    surcharge_due: Decimal  # 加处罚款 (art. 72) accrued on the overdue fine, less what was paid
    confiscation_due: Decimal
    mitigated: bool
    proposal: ProposalView | None
    major: MajorAssessment
    hearing_right: bool
    hearing_requested_on: date | None
    hearing_held_on: date | None
    prior_notice_served_on: date | None
    review_passed: bool
    discussion_recorded: bool
    decision_deadline: date | None
    actions: tuple[ActionAvailability, ...]
    history: tuple[StageChangeView, ...]
    deadlines: tuple[DeadlineView, ...]
    version: int

    @property
    def discretion(self) -> dict:
        """The current proposal's discretion (empty before the first proposal)."""
        return self.proposal.as_discretion() if self.proposal else {}


def proposed_penalty(case: Case) -> ProposedPenalty:
    """The penalty the case currently proposes, as the major-decision and hearing rules read it."""
    return ProposedPenalty(
        party_kind=case.party.kind,
        fine=case.fine_amount or Decimal(0),
        confiscation=case.confiscation_amount or Decimal(0),
        kinds=tuple(case.penalty_kinds or ()),
        mitigated=case.mitigated,
    )


def latest_review(session: Session, case_id: int) -> LegalReview | None:
    """The case's latest round of legal review, or None."""
    return session.execute(
        select(LegalReview).where(LegalReview.case_id == case_id).order_by(LegalReview.round.desc()).limit(1)
    ).scalar_one_or_none()


def discussion_recorded(session: Session, case_id: int) -> bool:
    """True when a collective discussion has been recorded for the case."""
    return session.execute(select(CollectiveDiscussion.id).where(CollectiveDiscussion.case_id == case_id)).first() is not None


def open_deadline_due(session: Session, case_id: int, key: str) -> date | None:
    """The due day of the case's newest deadline of this key, or None."""
    row = session.execute(
        select(Deadline.due_on).where(Deadline.case_id == case_id, Deadline.key == key).order_by(Deadline.id.desc())
    ).first()
    return row[0] if row else None


def build_state(session: Session, case: Case, settings: AgencySettings, today: date) -> CaseState:
    """The case as the workflow rules see it: stage, handlers, party, penalty, hearing right, major or
    not, review, deadlines and what is owed on `today`."""
    penalty = proposed_penalty(case)
    outcome = Outcome(case.proposed_outcome) if case.proposed_outcome else None
    review = latest_review(session, case.id)
    has_hearing_right, _ = hearing_right(penalty, settings)
    major = assess_major(
        penalty, settings, hearing_held=case.hearing_held_on is not None, flags=frozenset(case.major_flags or ())
    )
    decision_due = open_deadline_due(session, case.id, "decision")
    owed = case_balance(session, case, today)
    return CaseState(
        stage=Stage(case.stage),
        today=today,
        procedure=case.procedure,
        handlers=tuple(
            HandlerInfo(h.user.id, h.user.name, h.user.cert_no, h.user.cert_valid_until) for h in case.handlers
        ),
        party_kind=case.party.kind,
        discovered_on=case.discovered_on,
        act_date=case.act_date,
        act_ended_on=case.act_ended_on,
        life_health_harm=case.life_health_harm,
        facts=case.facts or "",
        proposed_outcome=outcome,
        proposed=penalty if outcome is Outcome.PENALTY else None,
        prior_notice_served_on=case.prior_notice_served_on,
        defence_deadline=open_deadline_due(session, case.id, "defence"),
        defence_waived=case.defence_waived,
        hearing_right=has_hearing_right,
        hearing_request_deadline=open_deadline_due(session, case.id, "hearing_request"),
        hearing_requested_on=case.hearing_requested_on,
        hearing_held_on=case.hearing_held_on,
        major=major,
        review_passed=review is not None and review.outcome == "approved",
        discussion_recorded=discussion_recorded(session, case.id),
        decision_deadline=decision_due,
        decided_outcome=Outcome(case.decided_outcome) if case.decided_outcome else None,
        fine_outstanding=owed.fine_due,
        surcharge_due=owed.surcharge_due,
        confiscation_due=owed.confiscation_due,
        enforcement_applied=case.enforcement_applied_on is not None,
        resume_stage=Stage(case.resume_stage) if case.resume_stage else None,
        review_return_stage=Stage(case.review_return_stage) if case.review_return_stage else None,
        filing_approver_id=case.filing_approver_id,
    )


def summary_of(case: Case) -> CaseSummary:
    """The case as a list row."""
    return CaseSummary(
        id=case.id,
        case_no=case.case_no,
        filing_no=case.filing_no,
        decision_no=case.decision_no,
        party_name=case.party.name,
        cause=case.cause,
        stage=Stage(case.stage),
        procedure=case.procedure,
        accepted_on=case.accepted_on,
        handlers="、".join(h.user.name for h in case.handlers),
        fine_amount=case.fine_amount,
        version=case.version,
    )


def history_of(session: Session, case_id: int) -> tuple[StageChangeView, ...]:
    """Every stage change of the case, oldest first, with who made it."""
    rows = session.execute(
        select(StageChange, User.name)
        .join(User, User.id == StageChange.actor_id)
        .where(StageChange.case_id == case_id)
        .order_by(StageChange.id)
    )
    return tuple(
        StageChangeView(
            at=change.at,
            action=change.action,
            from_stage=Stage(change.from_stage) if change.from_stage else None,
            to_stage=Stage(change.to_stage),
            actor_name=name,
            note=change.note,
        )
        for change, name in rows
    )


def extensions_total(session: Session, case_id: int) -> int:
    """The days the decision period has been extended in all."""
    return sum(session.scalars(select(DecisionExtension.days).where(DecisionExtension.case_id == case_id)))


def labels_for(case: Case) -> tuple[str, str]:
    """The case's source and category in Chinese."""
    return SOURCE_LABELS.get(case.source, case.source), CATEGORY_LABELS.get(case.category, case.category)
