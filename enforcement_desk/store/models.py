"""The relational model (SQLAlchemy 2.x typed mappings). Schema changes go through alembic."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from enforcement_desk.store.types import Money


class Base(DeclarativeBase):
    """The declarative base of every table (dicts and lists are stored as JSON)."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Agency(Base):
    """The agency: its names, 统一社会信用代码, the bodies its decisions name, its bank and its settings."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(20))
    uscc: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    reconsideration_body: Mapped[str] = mapped_column(String(300), default="")
    court: Mapped[str] = mapped_column(String(300), default="")
    bank_name: Mapped[str] = mapped_column(String(200), default="")
    bank_account: Mapped[str] = mapped_column(String(100), default="")
    payee: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class User(Base):
    """A user of the agency: login, role, 执法证 and its validity, legal qualification, password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    cert_no: Mapped[str | None] = mapped_column(String(64))
    cert_valid_until: Mapped[date | None] = mapped_column(Date)
    legal_qualified: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Sign-in lockout (migration 0016): failed sign-ins since the last success or lock, and the
    # wall-clock moment a lock ends (admin/auth.login).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class Party(Base):
    """A party (当事人): a person or an organisation, with its id number and contact details."""

    __tablename__ = "parties"
    __table_args__ = (
        UniqueConstraint("agency_id", "id_number", name="uq_party_id_number"),
        Index("ix_parties_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(20))  # person | organisation
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(18))
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    business_type: Mapped[str] = mapped_column(String(100), default="")
    gender: Mapped[str] = mapped_column(String(4), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Case(Base):
    """A case: its numbers, source, cause, party, stage, dates, proposal and decision."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("agency_id", "case_no", name="uq_case_no"),
        Index("ix_cases_stage_accepted", "stage", "accepted_on"),
        Index("ix_cases_accepted", "accepted_on"),
        Index("ix_cases_party", "party_id"),
        Index("ix_cases_cause", "cause", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_no: Mapped[str] = mapped_column(String(40))
    filing_no: Mapped[str | None] = mapped_column(String(60))
    decision_no: Mapped[str | None] = mapped_column(String(60))
    procedure: Mapped[str] = mapped_column(String(20), default="ordinary")
    source: Mapped[str] = mapped_column(String(20))
    source_detail: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(2), default="医")
    cause: Mapped[str] = mapped_column(String(300))
    violation_code: Mapped[str | None] = mapped_column(String(40))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    stage: Mapped[str] = mapped_column(String(30))
    resume_stage: Mapped[str | None] = mapped_column(String(30))
    review_return_stage: Mapped[str | None] = mapped_column(String(30))
    location: Mapped[str] = mapped_column(String(300), default="")
    discovered_on: Mapped[date] = mapped_column(Date)
    act_date: Mapped[date | None] = mapped_column(Date)
    act_ended_on: Mapped[date | None] = mapped_column(Date)
    life_health_harm: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_on: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date | None] = mapped_column(Date)
    filing_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    facts: Mapped[str] = mapped_column(Text, default="")
    evidence_summary: Mapped[str] = mapped_column(Text, default="")
    proposed_outcome: Mapped[str | None] = mapped_column(String(20))
    penalty_kinds: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fine_amount: Mapped[Decimal | None] = mapped_column(Money)
    confiscation_amount: Mapped[Decimal | None] = mapped_column(Money)
    mitigated: Mapped[bool] = mapped_column(Boolean, default=False)
    major_flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    prior_notice_served_on: Mapped[date | None] = mapped_column(Date)
    defence_waived: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_requested_on: Mapped[date | None] = mapped_column(Date)
    hearing_held_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_outcome: Mapped[str | None] = mapped_column(String(20))
    decision_extension_days: Mapped[int] = mapped_column(Integer, default=0)
    served_on: Mapped[date | None] = mapped_column(Date)
    service_method: Mapped[str | None] = mapped_column(String(30))
    paid_amount: Mapped[Decimal] = mapped_column(Money, default=0)
    enforcement_applied_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    archived_on: Mapped[date | None] = mapped_column(Date)
    closing_summary: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    party: Mapped[Party] = relationship(lazy="joined")
    handlers: Mapped[list[CaseHandler]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseHandler.position"
    )

    __mapper_args__ = {"version_id_col": version}


class CaseHandler(Base):
    """An officer handling a case, in order of designation."""

    __tablename__ = "case_handlers"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    case: Mapped[Case] = relationship(back_populates="handlers")
    user: Mapped[User] = relationship(lazy="joined")


class StageChange(Base):
    """One move of a case from stage to stage: the action, who took it, when and with what note."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class Deadline(Base):
    """A period running in a case: its article, start, due day and status (open, met, cancelled)."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_open_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    article: Mapped[str] = mapped_column(String(200))
    start_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | met | cancelled
    closed_on: Mapped[date | None] = mapped_column(Date)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)


class DecisionExtension(Base):
    """An extension of the decision period: the days, the reason, who approved it and when."""

    __tablename__ = "decision_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(DateTime)
    # 0014: the due day before and after, and for the second extension (卫生健康行政处罚程序规定 art. 42(2):
    # 案情重大或者特别复杂, 经集体讨论决定) the discussion that decided it: {"held_on", "participants", "conclusion"}.
    # None on extensions recorded before 0014 and on a first extension (a head's approval).
    previous_due: Mapped[date | None] = mapped_column(Date)
    new_due: Mapped[date | None] = mapped_column(Date)
    discussion_record: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Payment(Base):
    """A payment against a decision: the kind (fine, surcharge, confiscation), amount, day and receipt."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="fine")  # fine | surcharge | confiscation
    amount: Mapped[Decimal] = mapped_column(Money)
    surcharge: Mapped[Decimal] = mapped_column(Money, default=0)  # before 0011: the surcharge computed then
    paid_on: Mapped[date] = mapped_column(Date)
    receipt_no: Mapped[str] = mapped_column(String(60), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class DocumentSequence(Base):
    """The last number issued per agency, number series and year; locked while a number is taken."""

    __tablename__ = "document_sequences"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class DocumentRecord(Base):
    """An issued document: kind, number and version, who issued it, its PDF and DOCX, and its content."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("agency_id", "kind", "number", "version", name="uq_document_kind_number_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    number: Mapped[str | None] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    stage: Mapped[str | None] = mapped_column(String(30))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None] = mapped_column(BigInteger)
    pdf_pages: Mapped[int | None] = mapped_column(Integer)
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Evidence(Base):
    """An evidence item; immutable once written (the database refuses UPDATE and DELETE).
    Voiding and time corrections are separate rows that point here."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    evidence_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    original_name: Mapped[str] = mapped_column(String(300))
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    collected_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    collected_at: Mapped[datetime] = mapped_column(DateTime)
    collected_place: Mapped[str] = mapped_column(String(300), default="")
    captured_at: Mapped[datetime | None] = mapped_column(DateTime)
    capture_source: Mapped[str] = mapped_column(String(20), default="")
    device: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class EvidenceVoid(Base):
    """The voiding of an evidence item; append-only like the item (the database refuses UPDATE and DELETE)."""

    __tablename__ = "evidence_voids"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    voided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime] = mapped_column(DateTime)


class EvidenceTimeCorrection(Base):
    """A corrected capture time; later corrections are new rows (the database refuses UPDATE and DELETE)."""

    __tablename__ = "evidence_time_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    captured_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    corrected_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(DateTime)


class LegalReview(Base):
    """One submission for 法制审核 and its outcome; resubmissions are new rows (history kept)."""

    __tablename__ = "legal_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    package: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_on: Mapped[date | None] = mapped_column(Date)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))  # approved | returned | rejected
    checks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    opinion: Mapped[str] = mapped_column(Text, default="")


class CollectiveDiscussion(Base):
    """The record of the heads' collective discussion of a case (行政处罚法 art. 57): who, opinions,
    conclusion."""

    __tablename__ = "collective_discussions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[list[Any]] = mapped_column(JSON, default=list)
    opinions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    conclusion: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    """Append-only, hash-chained record of every change (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_login: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """A single row holding the chain's tip; writers lock it so the chain stays linear."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AgencySettingsVersion(Base):
    """Every saved version of an agency's settings, so a case can show the criteria it was judged by."""

    __tablename__ = "agency_settings_versions"
    __table_args__ = (UniqueConstraint("agency_id", "version", name="uq_agency_settings_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    version: Mapped[int] = mapped_column(Integer)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
