"""Writing a procedure step's record together with the audit event that carries its whole content.

A step record (store/models_steps.py) is written only through `record_step`: the row and an audit event
holding every column of it go into the same transaction, so the audit trail alone can rebuild any
step's record (`rebuild_step_records`), and `audit verify` can compare each row with its event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor
from enforcement_desk.procedure import record_procedure_event
from enforcement_desk.store.audit import canonical_payload
from enforcement_desk.store.models import Base, Case

RECORDS_KEY = "records"


def row_content(row: Base) -> dict[str, Any]:
    """Every column of a mapped row, by column name; a column added to the table later
    (`info={"added_later": True}`) only when it holds a value, so that the rows written before it still
    match the audit events that carry them."""
    mapper = sa_inspect(type(row))
    content = {}
    for attribute in mapper.column_attrs:
        value = getattr(row, attribute.key)
        if value is None and any(c.info.get("added_later") for c in attribute.columns):
            continue
        content[attribute.key] = value
    return content


def step_entry(row: Base) -> dict[str, Any]:
    """The form in which a step row travels inside an audit payload."""
    return {"table": row.__tablename__, "row": row_content(row)}


def record_step(
    session: Session,
    actor: Actor,
    case: Case,
    action: str,
    *rows: Base,
    payload: dict[str, Any] | None = None,
) -> None:
    """Add `rows`, then append the audit event `action` carrying their full content."""
    for row in rows:
        session.add(row)
    session.flush()  # ids are part of the content
    for row in rows:
        session.refresh(row)  # the content as stored (amounts at their scale), as a later reader sees it
    record_procedure_event(
        session, actor_id=actor.user_id, actor_login=actor.login, action=action, entity="case", entity_id=case.id,
        case_id=case.id, payload={**(payload or {}), RECORDS_KEY: [step_entry(row) for row in rows]},
    )  # fmt: skip


def comparable(content: dict[str, Any]) -> dict[str, Any]:
    """A row's content as the audit trail stores it (dates as ISO text, amounts as decimal text)."""
    return json.loads(canonical_payload(content))


def rebuild_step_records(payloads: Iterable[str | dict[str, Any]]) -> dict[str, dict[int, dict[str, Any]]]:
    """The step records as the audit events describe them: table -> row id -> content. Events are read in
    order; a row written twice (it cannot be, the tables are append-only) would keep the later content."""
    tables: dict[str, dict[int, dict[str, Any]]] = {}
    for payload in payloads:
        data = json.loads(payload) if isinstance(payload, str) else payload
        for entry in data.get(RECORDS_KEY, ()):
            row = entry["row"]
            tables.setdefault(entry["table"], {})[row["id"]] = row
    return tables
