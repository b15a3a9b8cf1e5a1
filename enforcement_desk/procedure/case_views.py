"""Read models handed to the GUI and CLI, and the workflow state built from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.procedure.major import (
    DiscussionAssessment,
    MajorAssessment,
    ProposedPenalty,
    assess_discussion,
    assess_major,
    hearing_right,
)
from enforcement_desk.core.procedure.workflow import (
    LATE_DECISION_PREFIX,
    ActionAvailability,
    CaseState,
    HandlerInfo,
    Refusal,
)
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import CATEGORY_LABELS, SOURCE_LABELS, Outcome, Stage
from enforcement_desk.procedure.case_records import (
    ExecutionView,
    ProposalView,
    case_balance,
    current_proposal,
    execution_view,
    hearing_record,
    history,
)
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
from enforcement_desk.store.models_steps import DecisionPause
from enforcement_desk.transfer.approvers import transfer_approvers


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
class PauseView:
    """A period not counted in the decision period (卫生健康行政处罚程序规定 art. 42(3)): its kind, first and last
    day (None while it runs), the days not counted, and the decision period's last day before and after."""

    kind: str
    started_on: date
    ended_on: date | None
    days: int
    previous_due: date | None
    new_due: date | None
    note: str

    @property
    def text(self) -> str:
        """The period in words, e.g. 检验 2026-11-05 至 2026-11-20，16 日不计入办案期限."""
        if self.ended_on is None:
            return f"{self.kind} 自 {self.started_on} 起（尚未结束，办案期限暂停计算）"
        return f"{self.kind} {self.started_on} 至 {self.ended_on}，{self.days} 日不计入办案期限"


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
    execution: ExecutionView | None = None  # the execution of a penalty decision (None before one is made)
    hearing_terminated_on: date | None = None  # 终止听证 (行政处罚法 art. 64(六)): the party gave up the hearing
    # The time not counted in the decision period (卫生健康行政处罚程序规定 art. 42(3)), oldest first.
    decision_pauses: tuple[PauseView, ...] = ()
    # The head's reason for deciding after the decision period ran out (None when decided in time).
    late_decision_reason: str | None = None
    # Whether the heads must decide by collective discussion (卫生健康行政处罚程序规定 art. 40), and why.
    discussion: DiscussionAssessment = DiscussionAssessment(False, ())
    flags: tuple[str, ...] = ()  # the case's marks: review grounds (major.FLAG_LABELS) and discussion grounds

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


def hearing_terminated_on(session: Session, case: Case) -> date | None:
    """The day the requested hearing was terminated because the party gave it up (行政处罚法 art. 64(六)),
    or None when it was held or not yet recorded."""
    if case.hearing_requested_on is None or case.hearing_held_on is not None:
        return None
    hearing = hearing_record(session, case.id)
    return hearing.held_on if hearing is not None and hearing.terminated else None


def current_pauses(session: Session, case_id: int) -> list[DecisionPause]:
    """The periods not counted in the decision period (art. 42(3)), each as the newest row of its chain (a
    running one is ended by a row naming it), by first day."""
    rows = history(session, DecisionPause, case_id)
    ended = {r.ends_id for r in rows if r.ends_id is not None}
    return sorted((r for r in rows if r.id not in ended), key=lambda r: (r.started_on, r.id))


def pause_views(session: Session, case_id: int) -> tuple[PauseView, ...]:
    """The case's periods not counted in the decision period, as shown."""
    return tuple(
        PauseView(p.kind, p.started_on, p.ended_on, p.days, p.previous_due, p.new_due, p.note)
        for p in current_pauses(session, case_id)
    )


def _running_pause(session: Session, case_id: int) -> str | None:
    running = next((p for p in current_pauses(session, case_id) if p.ended_on is None), None)
    return f"{running.kind}，自 {running.started_on} 起" if running else None


def late_decision_reason(session: Session, case_id: int) -> str | None:
    """The reason the head gave for deciding after the decision period ran out, from the decision's stage
    change (its note then begins 超过办案期限作出决定：), or None."""
    note = session.scalars(
        select(StageChange.note).where(StageChange.case_id == case_id, StageChange.action == "decide")
        .order_by(StageChange.id.desc()).limit(1)
    ).first()  # fmt: skip
    return note[len(LATE_DECISION_PREFIX):] if note and note.startswith(LATE_DECISION_PREFIX) else None


REVIEW_DISAGREEMENTS = {"returned": "退回修改", "rejected": "审核不同意"}


def review_disagreements(session: Session, case_id: int) -> tuple[str, ...]:
    """The rounds of legal review that returned the case or disagreed with the handlers' opinion (卫生健康行政处罚
    程序规定 art. 40(四)), e.g. 法制审核第1轮退回修改."""
    rows = session.execute(
        select(LegalReview.round, LegalReview.outcome).where(
            LegalReview.case_id == case_id, LegalReview.outcome.in_(tuple(REVIEW_DISAGREEMENTS))
        ).order_by(LegalReview.round)
    )  # fmt: skip
    return tuple(f"法制审核第{number}轮{REVIEW_DISAGREEMENTS[outcome]}" for number, outcome in rows)


def discussion_assessment(session: Session, case: Case, settings: AgencySettings) -> DiscussionAssessment:
    """Whether the case's proposed penalty must be decided by the heads' collective discussion (art. 40)."""
    if case.proposed_outcome != Outcome.PENALTY.value:
        return DiscussionAssessment(False, ())
    return assess_discussion(proposed_penalty(case), settings, flags=frozenset(case.major_flags or ()),
                             review_disagreements=review_disagreements(session, case.id))  # fmt: skip


def _basis_missing(session: Session, case_id: int) -> tuple[str, ...]:
    proposal = current_proposal(session, case_id)
    if proposal is None:
        return ()
    blanks = (("违反条款", proposal.violated_provision), ("处罚依据", proposal.legal_basis))
    return tuple(name for name, text in blanks if not (text or "").strip())


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
    execution = execution_view(session, case, settings, today)
    owed = execution.balance if execution else case_balance(session, case, today)
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
        hearing_terminated_on=hearing_terminated_on(session, case),
        basis_missing=_basis_missing(session, case.id),
        major=major,
        discussion=discussion_assessment(session, case, settings),
        review_passed=review is not None and review.outcome == "approved",
        discussion_recorded=discussion_recorded(session, case.id),
        decision_deadline=decision_due,
        decision_paused=_running_pause(session, case.id),
        decided_outcome=Outcome(case.decided_outcome) if case.decided_outcome else None,
        fine_outstanding=owed.fine_due,
        surcharge_due=owed.surcharge_due,
        confiscation_due=owed.confiscation_due,
        enforcement_applied=case.enforcement_applied_on is not None,
        execution_open=execution.open_sums if execution else (),
        enforcement_refusal=_enforcement_refusal(execution),
        resume_stage=Stage(case.resume_stage) if case.resume_stage else None,
        review_return_stage=Stage(case.review_return_stage) if case.review_return_stage else None,
        filing_approver_id=case.filing_approver_id,
        transfer_approvers=transfer_approvers(session, case.agency_id, settings),
    )


def _enforcement_refusal(execution: ExecutionView | None) -> str | None:
    """Why the agency may not apply to the court today, naming its article (for the workflow's guard)."""
    if execution is None:
        return "案件没有作出行政处罚决定，无可申请强制执行的内容"
    if not execution.application_refusal:
        return None
    return Refusal(execution.application_refusal, execution.application_rule) if execution.application_rule else (
        execution.application_refusal
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
