"""An agency's own discretion table (its province's 裁量基准), imported from a spreadsheet.

Each import is kept: ``pending`` until someone confirms it, then ``active`` (one per agency) and
later ``superseded``; a discarded preview stays ``discarded`` so the record shows what was tried.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from enforcement_desk.store.models import Base


class DiscretionTable(Base):
    """An import of the agency's own discretion table: its rows accepted and rejected, and its status."""

    __tablename__ = "discretion_tables"
    __table_args__ = (
        UniqueConstraint("agency_id", "version", name="uq_discretion_table_version"),
        Index("ix_discretion_tables_agency_status", "agency_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    source_file: Mapped[str] = mapped_column(String(300), default="")
    base_library_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # pending | active | superseded | discarded
    # Accepted rows as level rules keyed by violation code; rejected rows with their reasons.
    rows: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rejected: Mapped[list[Any]] = mapped_column(JSON, default=list)
    imported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
