"""Training databases: made by `enforcement-desk demo` or `init --training`, marked 培训 on screen and on
every document they issue, and the only databases whose business date may be pinned.

The mark is written once, into the database's first audit event (its creation, `initialize`), and read
from there: no service changes an audit event (the table's triggers refuse it and the hash chain shows
it), so no one can later turn a real office database into a training one through the program — or a
training one into a real one.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.store.models import AuditEvent

TRAINING_TITLE = "【培训】"  # in the desk's window title
PIN_VARIABLE = "ENFORCEMENT_DESK_TODAY"


def _creation(session: Session) -> dict | None:
    """The payload of the database's creation event (its first); None before the database is set up."""
    first = session.execute(
        select(AuditEvent.action, AuditEvent.payload).order_by(AuditEvent.seq).limit(1)
    ).first()
    if first is None or first.action != "initialize":
        return None
    try:
        payload = json.loads(first.payload)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def training_database(session: Session) -> bool:
    """True when the database was created as a training database (its creation event says so)."""
    creation = _creation(session)
    return creation is not None and creation.get("training") is True


def _kind(ctx: AppContext) -> str:
    """The kind of database: "training", "real", or "new" (not yet set up, or not one of ours)."""
    try:
        with ctx.db.read() as session:
            creation = _creation(session)
    except Exception:  # no audit table: not yet our database
        return "new"
    if creation is None:
        return "new"
    return "training" if creation.get("training") is True else "real"


def is_training_database(ctx: AppContext) -> bool:
    """True when `ctx`'s database is a training database; False for a real one and for one not yet set up."""
    return _kind(ctx) == "training"


def parse_pinned_date(text: str) -> date:
    """The date given in ENFORCEMENT_DESK_TODAY (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(f"{PIN_VARIABLE} 应为日期（如 2026-11-02），收到“{text}”") from None


def pin_business_date(ctx: AppContext, day: date, *, creates_training_database: bool = False) -> None:
    """Make `day` the business date of `ctx` — only on a training database, or for the command that is
    about to create one (`demo`, `init --training`; both refuse a database that already holds data).
    On a real database an officer could otherwise back-date an acceptance or future-date a payment."""
    kind = "training" if creates_training_database else _kind(ctx)
    if kind != "training":
        what = "本数据库为正式数据库" if kind == "real" else "本数据库尚未建立，正式数据库的初始化也不能指定"
        raise DomainError(
            f"业务日期只能在培训数据库中指定（{PIN_VARIABLE}）；{what}。"
            "培训数据库由 enforcement-desk demo 或 enforcement-desk init --training 建立"
        )
    ctx.today_override = day
