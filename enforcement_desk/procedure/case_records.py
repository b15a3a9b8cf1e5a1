"""Reading a case's step records: the current proposal, the hearing, the transfer and execution steps.

The latest row of a step is its current record; earlier rows are its history (the tables are
append-only). Views are frozen so the GUI and CLI cannot write through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.procedure.execution import Balance, Instalment, PaymentEntry, balance
from enforcement_desk.core.stages import Outcome
from enforcement_desk.store.models import Base, Case, Deadline, Payment, User
from enforcement_desk.store.models_steps import (
    CaseProposal,
    EnforcementApplication,
    HearingNotice,
    HearingRecord,
    PaymentPlan,
    PoliceAnswer,
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


def hearing_notice(session: Session, case_id: int) -> HearingNoticeView | None:
    """The case's latest hearing notice, or None."""
    row = latest(session, HearingNotice, case_id)
    if row is None:
        return None
    return HearingNoticeView(
        row.scheduled_at, row.place, row.host, row.recorder, row.public, row.not_public_reason, row.served_on
    )


def hearing_record(session: Session, case_id: int) -> HearingRecordView | None:
    """The case's latest hearing record, or None."""
    row = latest(session, HearingRecord, case_id)
    if row is None:
        return None
    return HearingRecordView(
        row.held_on, row.place, row.host, row.recorder, row.public, tuple(row.attendees or ()),
        row.party_statements, row.record_text, row.opinion, row.party_signature, row.recorded_at,
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
    return balance(fine, confiscation, schedule, payments, today)
