"""The hash-chained audit trail: appending inside the caller's transaction, and verifying it.

Each event's hash covers the previous event's hash and the event's own canonical content, so an
edited, removed or reordered event breaks the chain from that point on. The tip is kept in
`audit_head`, locked by each writer, which keeps the chain linear with concurrent writers and lets
verification notice events cut off the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.store.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
# One encoder for every event: json.dumps with options would build a new one per call, and a
# million-event verification spends most of its time there.
_BODY_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def canonical_payload(payload: dict[str, Any]) -> str:
    """The payload as the chain stores it: JSON with sorted keys, no spaces, Chinese as written."""
    return json.dumps(
        payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
    )


def event_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor_id: int | None,
    actor_login: str,
    action: str,
    entity: str,
    entity_id: str,
    case_id: int | None,
    payload: str,
) -> str:
    """The SHA-256 of an event: the previous hash and the event's fields, so each event seals the chain
    before it."""
    body = _BODY_ENCODER.encode([seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload])
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append_event(
    session: Session,
    *,
    actor_id: int | None,
    actor_login: str,
    action: str,
    entity: str,
    entity_id: object,
    case_id: int | None = None,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append an event to the hash chain in the caller's transaction, locking the chain's head.

    Services call it only through their feature's function (e.g. `procedure.record_procedure_event`)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    seq = head.last_seq + 1
    at_text = (at or datetime.now()).isoformat(timespec="microseconds")
    payload_text = canonical_payload(payload or {})
    digest = event_hash(
        head.last_hash,
        seq,
        at_text,
        actor_id,
        actor_login,
        action,
        entity,
        str(entity_id),
        case_id,
        payload_text,
    )
    event = AuditEvent(
        seq=seq,
        at=at_text,
        actor_id=actor_id,
        actor_login=actor_login,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        case_id=case_id,
        payload=payload_text,
        prev_hash=head.last_hash,
        hash=digest,
    )
    session.add(event)
    head.last_seq = seq
    head.last_hash = digest
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    """A break found in the chain: the event's number (None for the tip) and what is wrong."""

    seq: int | None
    message: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking the chain: the events proven and the first break, if any."""

    events_checked: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return not self.problems


def verify_rows(
    rows: Iterable[tuple], tip: tuple[int, str] | None, progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Check a stream of (seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload,
    prev_hash, hash) in seq order. Stops at the first break: everything after it is unproven."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    problems: list[ChainProblem] = []
    for row in rows:
        seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload, prev_hash, digest = row
        if seq != expected_seq:
            problems.append(
                ChainProblem(
                    seq, f"审计事件序号不连续：应为 #{expected_seq}，实际为 #{seq}（有事件被删除或插入）"
                )
            )
            break
        if prev_hash != expected_prev:
            problems.append(ChainProblem(seq, f"审计事件 #{seq} 的前序哈希与上一事件不符（链条被改动）"))
            break
        actual = event_hash(
            prev_hash, seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload
        )
        if actual != digest:
            problems.append(
                ChainProblem(seq, f"审计事件 #{seq}（{action}，{at}）的内容与其哈希不符（记录被改动）")
            )
            break
        expected_prev = digest
        expected_seq += 1
        count += 1
        if progress and count % 50000 == 0:
            progress(count)
    if not problems and tip is not None:
        last_seq, last_hash = tip
        if last_seq != count or last_hash != expected_prev:
            problems.append(
                ChainProblem(
                    None,
                    f"审计链末端与记录的链头不符：链头为 #{last_seq}，实际只有 {count} 条连续有效事件（末尾事件被删除）",
                )
            )
    return ChainReport(events_checked=count, problems=tuple(problems))


def verify_chain(session: Session, progress: Callable[[int], None] | None = None) -> ChainReport:
    """Check the whole chain in the database against its recorded head, reporting progress every 50,000
    events."""
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    return verify_rows(_stream_events(session), tuple(head) if head else (0, GENESIS_HASH), progress)


_EVENT_COLUMNS = "seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload, prev_hash, hash"


def _stream_events(session: Session, batch: int = 20_000) -> Iterator[tuple]:
    """Rows straight from the driver, in batches: a million events must not pass through the ORM or sit
    in memory at once (PostgreSQL gets a server-side cursor)."""
    connection = session.connection().connection.dbapi_connection
    named = session.get_bind().dialect.name == "postgresql"
    cursor = connection.cursor(name="audit_verify") if named else connection.cursor()
    try:
        cursor.execute(f"SELECT {_EVENT_COLUMNS} FROM audit_events ORDER BY seq")
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()
