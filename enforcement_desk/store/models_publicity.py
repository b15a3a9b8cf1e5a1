"""Publicity records (行政处罚信息公示) and their withdrawals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from enforcement_desk.store.models import Base


class PublicityRecord(Base):
    """A decision to publish or withdraw (行政处罚法 art. 48): its fields, due day and publication."""

    __tablename__ = "publicity_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # publish | withdraw
    due_on: Mapped[date] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
