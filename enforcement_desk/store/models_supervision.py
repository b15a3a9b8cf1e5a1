"""Supervision beyond the single case: the inspection-object library and random draws (双随机),
credit points and blacklists, complaints and reports (投诉举报)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
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
from sqlalchemy.orm import Mapped, mapped_column

from enforcement_desk.store.models import Base


class InspectionObject(Base):
    """An entry of the 检查对象库."""

    __tablename__ = "inspection_objects"
    __table_args__ = (UniqueConstraint("agency_id", "code", name="uq_inspection_object_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(2))  # 执法类别 (core.stages.CATEGORY_LABELS)
    business_type: Mapped[str] = mapped_column(String(100), default="")
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    uscc: Mapped[str | None] = mapped_column(String(18))
    licence_no: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    grid: Mapped[str] = mapped_column(String(100), default="")
    risk_level: Mapped[str] = mapped_column(String(10), default="中")
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class InspectorConflict(Base):
    """An inspector's declared conflict of interest with an object (回避)."""

    __tablename__ = "inspector_conflicts"
    __table_args__ = (UniqueConstraint("object_id", "user_id", name="uq_inspector_conflict"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("inspection_objects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime)


class InspectionDraw(Base):
    """A draw with everything needed to re-run it: seed, quotas, the pools and avoidance as they were."""

    __tablename__ = "inspection_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    seed: Mapped[str] = mapped_column(String(100))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    drawn_on: Mapped[date] = mapped_column(Date)
    drawn_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(DateTime)
    results_published_on: Mapped[date | None] = mapped_column(Date)


class InspectionTask(Base):
    """One drawn object, its two inspectors and the result entered after the inspection."""

    __tablename__ = "inspection_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("inspection_draws.id"), index=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("inspection_objects.id"), index=True)
    inspector_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(String(20), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    inspected_on: Mapped[date | None] = mapped_column(Date)
    publish_due_on: Mapped[date | None] = mapped_column(Date)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


class CreditPoint(Base):
    """Bad-practice points given to a party under a scoring rule."""

    __tablename__ = "credit_points"
    __table_args__ = (Index("ix_credit_points_party_year", "party_id", "scoring_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    subject: Mapped[str] = mapped_column(String(20))  # institution | practitioner
    rule_code: Mapped[str] = mapped_column(String(20))
    rules_version: Mapped[str] = mapped_column(String(20))
    points: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date] = mapped_column(Date)
    scoring_year: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class BlacklistEntry(Base):
    """A party's term on the blacklist: why, from when to when, and an early exit or credit repair."""

    __tablename__ = "blacklist_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    entered_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str] = mapped_column(Text, default="")
    repaired_on: Mapped[date | None] = mapped_column(Date)
    repair_note: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    entered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime)


class Complaint(Base):
    """A complaint or report (投诉举报): its content and the reporter's identity (name, phone, ID number)
    are read only by the assigned officer and the heads; a case made from it refers to it by number."""

    __tablename__ = "complaints"
    __table_args__ = (UniqueConstraint("agency_id", "number", name="uq_complaint_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    reporter_name: Mapped[str] = mapped_column(String(100), default="")
    reporter_phone: Mapped[str] = mapped_column(String(50), default="")
    reporter_id_number: Mapped[str] = mapped_column(String(30), default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_address: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(2), default="医")
    content: Mapped[str] = mapped_column(Text)
    assigned_to: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reply_due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | converted | closed
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str] = mapped_column(Text, default="")
    # Text that migration 0009 took out of the case made from this complaint (it carried the reporter's
    # identity or the complaint's own words); kept here, where only the handler and heads read it.
    withheld_from_case: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
