"""One table per procedure step, so that a write to one step cannot touch another's record.

Every row is append-only (the database refuses UPDATE and DELETE, migration 0010): a changed proposal
is a new version, a corrected hearing record a new row; the latest row of a case is the current one and
the earlier ones are its history. Each row's full content also goes into the audit event that wrote it.
"""

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
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from enforcement_desk.store.models import Base
from enforcement_desk.store.types import Money


class CaseProposal(Base):
    """拟处理意见 with the discretion behind it; every save is a new version."""

    __tablename__ = "case_proposals"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_case_proposal_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    penalty_kinds: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fine: Mapped[Decimal | None] = mapped_column(Money)
    confiscation: Mapped[Decimal | None] = mapped_column(Money)
    mitigated: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[str] = mapped_column(String(20), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    violated_provision: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    computation: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict
    )  # the benchmark computation adopted
    changed_fields: Mapped[list[Any]] = mapped_column(
        JSON, default=list
    )  # what differs from the version before
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime)


class HearingNotice(Base):
    """The hearing's arrangement as served on the party in the 听证通知书 (行政处罚法 art. 64)."""

    __tablename__ = "hearing_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300))
    host: Mapped[str] = mapped_column(String(100))
    recorder: Mapped[str] = mapped_column(String(100), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    not_public_reason: Mapped[str] = mapped_column(Text, default="")
    served_on: Mapped[date] = mapped_column(Date)
    arranged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    arranged_at: Mapped[datetime] = mapped_column(DateTime)


class HearingRecord(Base):
    """听证笔录 and 听证意见: what happened at the hearing; a correction is a new row."""

    __tablename__ = "hearing_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    host: Mapped[str] = mapped_column(String(100))
    recorder: Mapped[str] = mapped_column(String(100), default="")
    public: Mapped[bool | None] = mapped_column(Boolean)  # None: not recorded (rows moved from before 0010)
    attendees: Mapped[list[Any]] = mapped_column(JSON, default=list)
    party_statements: Mapped[str] = mapped_column(Text, default="")
    record_text: Mapped[str] = mapped_column(Text)
    opinion: Mapped[str] = mapped_column(Text, default="")
    party_signature: Mapped[str] = mapped_column(
        String(20), default=""
    )  # 已签名 | 拒绝签名 | 未到场 | "" unknown
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class TransferReport(Base):
    """The written report of two or more officers that a case is a suspected crime (国务院令第310号 art. 5)."""

    __tablename__ = "transfer_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    officers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{id, name, cert_no}]
    findings: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_name: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)


class TransferDecision(Base):
    """The head's approval or refusal of a transfer to the police, with its reasons (art. 5)."""

    __tablename__ = "transfer_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    approved: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    police_unit: Mapped[str] = mapped_column(String(200), default="")
    procuratorate: Mapped[str] = mapped_column(String(200), default="")
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_name: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime)


class PoliceAnswer(Base):
    """The police's written answer whether they open a criminal case (art. 8)."""

    __tablename__ = "police_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class TransferReceipt(Base):
    """The receiving police unit's signed receipt (回执), its scan kept in the evidence store."""

    __tablename__ = "transfer_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    receiving_unit: Mapped[str] = mapped_column(String(200))
    receiver: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[date] = mapped_column(Date)
    scan_name: Mapped[str] = mapped_column(String(300))
    scan_sha256: Mapped[str] = mapped_column(String(64))
    scan_size: Mapped[int] = mapped_column(BigInteger)
    on_time: Mapped[bool] = mapped_column(Boolean)
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: moved from before 0010


class TransferPackage(Base):
    """One built package of documents and evidence for the police, by its signed manifest."""

    __tablename__ = "transfer_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    built_at: Mapped[datetime] = mapped_column(DateTime)
    built_by_name: Mapped[str] = mapped_column(String(100))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(BigInteger)
    key_fingerprint: Mapped[str] = mapped_column(String(100), default="")


class EnforcementApplication(Base):
    """An application to the people's court for compulsory execution (行政强制法 art. 53)."""

    __tablename__ = "enforcement_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    applied_on: Mapped[date] = mapped_column(Date)
    court: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal | None] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class PaymentPlan(Base):
    """暂缓或者分期缴纳罚款 approved on the party's written application (行政处罚法 art. 66): the unpaid
    fine in parts, each with its own last day to pay."""

    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    instalments: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"due_on": "YYYY-MM-DD", "amount": "…"}]
    reason: Mapped[str] = mapped_column(Text)
    applied_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(DateTime)


class DocumentVoid(Base):
    """The voiding of an issued document by the head: its number stays taken and shows as 作废."""

    __tablename__ = "document_voids"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    voided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime] = mapped_column(DateTime)


STEP_TABLES: tuple[type[Base], ...] = (
    CaseProposal,
    HearingNotice,
    HearingRecord,
    TransferReport,
    TransferDecision,
    PoliceAnswer,
    TransferReceipt,
    TransferPackage,
    EnforcementApplication,
    PaymentPlan,
)
