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

# A column added to a step table after rows were written: the rows before it (and their audit events)
# have no value for it, so a row's content leaves it out while it is empty (procedure/step_log.row_content).
ADDED_LATER = {"added_later": True}


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
    # 0014: held | terminated (art. 64(六): 视为放弃听证权利, the hearing ends); None on rows before 0014 (held).
    outcome: Mapped[str | None] = mapped_column(String(20), info=ADDED_LATER)
    termination_reason: Mapped[str | None] = mapped_column(String(40), info=ADDED_LATER)
    agents: Mapped[list[Any] | None] = mapped_column(JSON, info=ADDED_LATER)  # the party's 1–2 agents (art. 64(五))


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
    # 正职负责人 | 主持工作的负责人 (art. 5); None on decisions recorded before 0015.
    capacity: Mapped[str | None] = mapped_column(String(20), info=ADDED_LATER)


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
    # The moment of receipt, for the 24 hours of art. 5; None on receipts recorded before 0015 (date only).
    received_at: Mapped[datetime | None] = mapped_column(DateTime, info=ADDED_LATER)
    scan_name: Mapped[str] = mapped_column(String(300))
    scan_sha256: Mapped[str] = mapped_column(String(64))
    scan_size: Mapped[int] = mapped_column(BigInteger)
    on_time: Mapped[bool] = mapped_column(Boolean)
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)  # None: moved from before 0010


class TransferReconsideration(Base):
    """The agency's request that the police reconsider their refusal to open a criminal case, within 3 days
    of receiving the 不予立案通知书 (国务院令第310号 art. 9)."""

    __tablename__ = "transfer_reconsiderations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    notice_received_on: Mapped[date] = mapped_column(Date)
    requested_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class TransferItemHandover(Base):
    """The items involved and the other materials handed to the police within 3 days of their notice that
    they opened a criminal case (国务院令第310号 art. 12)."""

    __tablename__ = "transfer_item_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    handed_on: Mapped[date] = mapped_column(Date)
    items: Mapped[str] = mapped_column(Text)
    receiver: Mapped[str] = mapped_column(String(100))
    receipt_ref: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class DecisionService(Base):
    """How the decision was served, with what the 2025 卫生健康行政处罚程序规定 asks of each method: 留置送达
    the refusal and witnesses or a photo/video record (art. 55), 委托/邮寄 the receipt (art. 56), 电子送达 the
    signed consent and the record (art. 57), 公告送达 the notice, deemed served 30 days on (art. 58)."""

    __tablename__ = "decision_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    served_on: Mapped[date] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(200), default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    witnesses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)  # photos, video, screenshots of the case
    receipt_ref: Mapped[str] = mapped_column(String(200), default="")
    consent_ref: Mapped[str] = mapped_column(String(200), default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    publication: Mapped[str] = mapped_column(Text, default="")  # where and how the notice was published
    notice_reason: Mapped[str] = mapped_column(Text, default="")  # why: 下落不明, or the other ways failed
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


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


class ReminderService(Base):
    """The service of a 催告书 on the party (行政强制法 art. 54: the ten days run from its service)."""

    __tablename__ = "reminder_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))  # the 催告书 served
    served_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(30))
    receiver: Mapped[str] = mapped_column(String(100), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class Challenge(Base):
    """An application for 行政复议 or a 行政诉讼 the party brought against the decision."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # 复议 | 诉讼
    filed_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(200))  # the 复议机关 or the court
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class ChallengeOutcome(Base):
    """How a 复议 or 诉讼 ended: 维持, 变更, 撤销, 确认违法 … with its day and document number."""

    __tablename__ = "challenge_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class CourtReply(Base):
    """The people's court's answer to an application for enforcement: 受理 / 不予受理, the ruling 准予执行 /
    不予执行, and the end of its execution with the sums it recovered (also kept as payments of their kind)."""

    __tablename__ = "court_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("enforcement_applications.id"))
    kind: Mapped[str] = mapped_column(String(20))
    replied_on: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(100), default="")  # the ruling's or notice's number
    recovered_fine: Mapped[Decimal] = mapped_column(Money, default=0)
    recovered_surcharge: Mapped[Decimal] = mapped_column(Money, default=0)
    recovered_confiscation: Mapped[Decimal] = mapped_column(Money, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class ExecutionWaiver(Base):
    """A sum owed under the decision waived or reduced by a decision (its number, day and reason), approved
    by the head: the fine or confiscation changed on 复议/诉讼 or correction, the surcharge reduced under
    行政强制法 art. 42."""

    __tablename__ = "execution_waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # fine | surcharge | confiscation
    amount: Mapped[Decimal] = mapped_column(Money)
    decision_no: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(DateTime)


class FilingExtension(Base):
    """立案期限延长: the head's approval, before the filing period ran out, of the agency's one extension of
    it (本机关立案期限规定; 行政处罚法 art. 54 only asks for 及时立案)."""

    __tablename__ = "filing_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    working_days: Mapped[int] = mapped_column(Integer)
    previous_due: Mapped[date] = mapped_column(Date)
    new_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(DateTime)


class DecisionPause(Base):
    """A stretch of time not counted in the decision period (卫生健康行政处罚程序规定 art. 42(3): 听证、招标、拍卖、
    公示、公告和检测、检验、检疫、鉴定、专家评审、协助调查等所需时间不计入案件办理期限), recorded by a handler. One still
    running has no end day; its end is a new row that names it (`ends_id`) and repeats its kind and first day:
    a pause's current state is the newest row of its chain."""

    __tablename__ = "decision_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    ends_id: Mapped[int | None] = mapped_column(ForeignKey("decision_pauses.id"))  # the running pause this row ends
    days: Mapped[int] = mapped_column(Integer)  # days not counted (first and last day included); 0 while running
    previous_due: Mapped[date | None] = mapped_column(Date)  # the decision period's last day before, and after
    new_due: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


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
    TransferReconsideration,
    TransferItemHandover,
    DecisionService,
    TransferPackage,
    EnforcementApplication,
    PaymentPlan,
    ReminderService,
    Challenge,
    ChallengeOutcome,
    CourtReply,
    ExecutionWaiver,
    FilingExtension,
    DecisionPause,
)
