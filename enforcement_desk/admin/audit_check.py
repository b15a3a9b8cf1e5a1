"""Verifying the full-process record: the audit chain, the rows its events vouch for, and every stored
file's hash. Each problem names the exact event, row or file. What killed work left behind (orphan files,
temporaries, backup staging) is listed apart: it does not make the record wrong."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.admin import record_admin_event
from enforcement_desk.admin.audit_anchor import (
    CheckpointCheck,
    check_backup_checkpoints,
    check_local_checkpoints,
    restore_notes,
)
from enforcement_desk.context import Actor, AppContext, allowed
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.evidence.leftovers import find_leftovers
from enforcement_desk.procedure.step_log import RECORDS_KEY, comparable, rebuild_step_records, row_content
from enforcement_desk.store.audit import GENESIS_HASH, ChainReport, verify_chain
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import (
    Agency,
    AuditEvent,
    AuditHead,
    DocumentRecord,
    Evidence,
    EvidenceTimeCorrection,
    EvidenceVoid,
)
from enforcement_desk.store.models_steps import STEP_TABLES, DocumentVoid, TransferReceipt


@dataclass(frozen=True)
class VerificationReport:
    """The outcome of `audit verify`: events and files checked, and every problem found."""

    events_checked: int
    blobs_checked: int
    problems: tuple[str, ...]
    checkpoints: tuple[CheckpointCheck, ...] = ()
    # not faults in the record: what killed imports and backups left behind (cleared by `evidence gc`),
    # and how to repair the files named in the problems
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


@dataclass(frozen=True)
class RecordedEvent:
    """An audit event as the row checks read it: its number, its case and its decoded payload."""

    seq: int
    case_id: int | None
    payload: dict


def _recorded(session, actions: tuple[str, ...]) -> dict[str, list[RecordedEvent]]:
    """entity_id → the audit events (in order) that recorded it; the chain vouches for these."""
    rows = session.execute(
        select(AuditEvent.entity_id, AuditEvent.seq, AuditEvent.case_id, AuditEvent.payload)
        .where(AuditEvent.action.in_(actions))
        .order_by(AuditEvent.seq)
    )
    found: dict[str, list[RecordedEvent]] = {}
    for entity_id, seq, case_id, payload in rows:
        found.setdefault(entity_id, []).append(RecordedEvent(seq, case_id, json.loads(payload)))
    return found


def _as_text(value: object) -> object:
    """Row values in the form the event payload holds them (datetimes as ISO text)."""
    return value.isoformat() if isinstance(value, datetime) else value


# payload key → (row attribute, label); events written before a key existed simply do not check it
_EVIDENCE_FIELDS = (
    ("sha256", "sha256", "SHA-256"),
    ("size", "size", "大小"),
    ("name", "original_name", "文件名"),
    ("type", "evidence_type", "证据种类"),
    ("stage", "stage", "办案阶段"),
    ("captured_at", "captured_at", "拍摄时间"),
    ("capture_source", "capture_source", "时间来源"),
    ("device", "device", "采集设备"),
    ("description", "description", "说明"),
    ("place", "collected_place", "收集地点"),
    ("collected_by", "collected_by", "收集人"),
    ("collected_at", "collected_at", "收集时间"),
    ("mime", "mime", "文件类型"),
)


def _evidence_problems(session) -> list[str]:
    problems = []
    added = _recorded(session, ("evidence_added",))
    seen: set[str] = set()
    for item in session.scalars(select(Evidence).order_by(Evidence.id)):
        seen.add(str(item.id))
        label = f"证据 #{item.id}“{item.original_name}”"
        events = added.get(str(item.id))
        if not events:
            problems.append(f"{label}没有对应的登记审计记录（记录被插入）")
            continue
        event = events[0]
        changed = [
            name
            for key, attribute, name in _EVIDENCE_FIELDS
            if key in event.payload and event.payload[key] != _as_text(getattr(item, attribute))
        ]
        if event.case_id != item.case_id:
            changed.insert(0, "所属案件")
        if changed:
            problems.append(
                f"{label}的{'、'.join(changed)}与登记时的审计记录（审计事件 #{event.seq}）不符（记录被改动）"
            )
    for entity_id, events in added.items():
        if entity_id not in seen:
            name = events[0].payload.get("name", "")
            problems.append(
                f"证据 #{entity_id}“{name}”的记录已不存在（审计事件 #{events[0].seq} 登记过它，记录被删除）"
            )
    return problems


def _void_problems(session) -> list[str]:
    """A deleted void row would quietly bring a voided item back into the case: compare with the events."""
    problems = []
    voided = _recorded(session, ("evidence_voided",))
    rows = {str(v.evidence_id): v for v in session.scalars(select(EvidenceVoid).order_by(EvidenceVoid.id))}
    for evidence_id, row in rows.items():
        events = voided.get(evidence_id)
        if not events:
            problems.append(f"证据 #{evidence_id} 的作废记录没有对应的审计记录（记录被插入）")
        elif events[-1].payload.get("reason") != row.reason:
            problems.append(f"证据 #{evidence_id} 的作废理由与审计事件 #{events[-1].seq} 不符（记录被改动）")
    for evidence_id, events in voided.items():
        if evidence_id not in rows:
            problems.append(
                f"证据 #{evidence_id} 的作废记录已不存在（审计事件 #{events[-1].seq} 记录了作废，记录被删除）"
            )
    return problems


def _correction_problems(session) -> list[str]:
    problems = []
    corrected = _recorded(session, ("evidence_time_corrected",))
    rows: dict[str, list[EvidenceTimeCorrection]] = {}
    for row in session.scalars(select(EvidenceTimeCorrection).order_by(EvidenceTimeCorrection.id)):
        rows.setdefault(str(row.evidence_id), []).append(row)
    for evidence_id in sorted(set(rows) | set(corrected), key=int):
        kept, events = rows.get(evidence_id, []), corrected.get(evidence_id, [])
        for row, event in zip(kept, events, strict=False):
            if (event.payload.get("to"), event.payload.get("reason")) != (
                _as_text(row.captured_at),
                row.reason,
            ):
                problems.append(
                    f"证据 #{evidence_id} 的拍摄时间更正记录 #{row.id} 与审计事件 #{event.seq} 不符（记录被改动）"
                )
                break
        if len(kept) < len(events):
            problems.append(
                f"证据 #{evidence_id} 的拍摄时间更正记录少于审计记录（审计事件 #{events[len(kept)].seq}，记录被删除）"
            )
        elif len(kept) > len(events):
            problems.append(
                f"证据 #{evidence_id} 的拍摄时间更正记录 #{kept[len(events)].id} 没有对应的审计记录（记录被插入）"
            )
    return problems


def _document_problems(session) -> list[str]:
    problems = []
    issued = _recorded(session, ("document_issued", "document_corrected"))
    for doc in session.scalars(select(DocumentRecord).order_by(DocumentRecord.id)):
        events = issued.get(str(doc.id))
        event = events[-1].payload if events else None
        if event is None or event.get("pdf_sha256") != doc.pdf_sha256 or event.get("number") != doc.number:
            problems.append(f"文书 #{doc.id}“{doc.title}”的登记内容与出具时的审计记录不符（记录被改动）")
    return problems


def _step_record_problems(session) -> list[str]:
    """Each procedure step's rows against the content their audit events carry (a proposal, a hearing
    record, a transfer decision …): changed, inserted or deleted rows are named."""
    events = session.scalars(
        select(AuditEvent.payload).where(AuditEvent.payload.like(f'%"{RECORDS_KEY}"%')).order_by(AuditEvent.seq)
    )
    rebuilt = rebuild_step_records(events)
    problems = []
    for table in (*STEP_TABLES, DocumentVoid):
        name = table.__tablename__
        recorded = rebuilt.get(name, {})
        stored = {row.id: comparable(row_content(row)) for row in session.scalars(select(table).order_by(table.id))}
        label = STEP_LABELS.get(name, name)
        for row_id, content in stored.items():
            if row_id not in recorded:
                problems.append(f"{label}记录 #{row_id} 没有对应的审计记录（记录被插入）")
            elif recorded[row_id] != content:
                fields = sorted(k for k in content if content.get(k) != recorded[row_id].get(k))
                problems.append(f"{label}记录 #{row_id} 的 {'、'.join(fields)} 与审计记录不符（记录被改动）")
        for row_id in sorted(set(recorded) - set(stored)):
            problems.append(f"{label}记录 #{row_id} 已不存在（审计记录登记过它，记录被删除）")
    return problems


STEP_LABELS = {
    "case_proposals": "处理意见", "hearing_notices": "听证安排", "hearing_records": "听证笔录",
    "transfer_reports": "移送报告", "transfer_decisions": "移送审批", "police_answers": "公安机关答复",
    "transfer_receipts": "移送回执", "transfer_reconsiderations": "提请复议", "transfer_item_handovers": "移交涉案物品",
    "decision_services": "决定书送达", "transfer_packages": "移送材料包", "enforcement_applications": "强制执行申请", "payment_plans": "暂缓或分期缴纳",
    "document_voids": "文书作废", "filing_extensions": "立案期限延长",
}  # fmt: skip


def rows_against_events(session) -> list[str]:
    """Rows changed, inserted or deleted behind the program's back no longer match the audit events that
    recorded them (the chain proves the events; the events vouch for the rows)."""
    return (
        _evidence_problems(session)
        + _void_problems(session)
        + _correction_problems(session)
        + _document_problems(session)
        + _step_record_problems(session)
    )


# SQLite writes each event's hashed body itself: json_array gives, byte for byte, what store.audit's
# JSON encoder wrote (same separators, UTF-8 kept, same escapes), and four columns instead of eleven
# halve the time of a million-event check. Nothing is concluded from it but "all is well": any doubt
# goes to the reference check in store.audit, which names the first bad event.
_SQLITE_EVENT_BODIES = (
    "SELECT seq, json_array(seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload),"
    " prev_hash, hash FROM audit_events ORDER BY seq"
)


def sqlite_chain_holds(session: Session, progress: Callable[[int], None] | None) -> int | None:
    """The number of events when the whole chain and its tip hold; None when anything looks wrong."""
    cursor = session.connection().connection.dbapi_connection.cursor()
    expected_prev, expected_seq = GENESIS_HASH, 1
    sha256 = hashlib.sha256
    try:
        cursor.execute(_SQLITE_EVENT_BODIES)
        while rows := cursor.fetchmany(20_000):
            for seq, body, prev_hash, digest in rows:
                if (
                    seq != expected_seq
                    or prev_hash != expected_prev
                    or sha256(f"{prev_hash}\n{body}".encode()).hexdigest() != digest
                ):
                    return None
                expected_prev = digest
                expected_seq += 1
            if progress:
                progress(expected_seq - 1)
    except sqlite3.Error:  # an SQLite built without JSON functions, or a value JSON cannot hold
        return None
    finally:
        cursor.close()
    count = expected_seq - 1
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    return count if (tuple(head) if head else (0, GENESIS_HASH)) == (count, expected_prev) else None


def check_chain(session: Session, progress: Callable[[int], None] | None = None) -> ChainReport:
    """The audit chain from its first event to the recorded tip; a break is reported at its first event."""
    if session.get_bind().dialect.name == "sqlite":
        count = sqlite_chain_holds(session, progress)
        if count is not None:
            return ChainReport(events_checked=count, problems=())
    return verify_chain(session, progress)


@allowed(Role.ADMIN, Role.HEAD, Role.REVIEWER, Role.OFFICER, action="校验审计记录")
def verify_all(
    ctx: AppContext,
    actor: Actor,
    progress: Callable[[str, int], None] | None = None,
    backups: Sequence[Path] = (),
) -> VerificationReport:
    """Check the audit chain (also against this PC's signed checkpoints of its head and those of the given
    `backups`, which a cut or a recomputed chain cannot match), every row against its event and every
    stored file against its SHA-256.

    The check itself is appended to the audit trail (`audit_verified`), whatever it found."""
    problems: list[str] = []
    with ctx.db.read() as session:
        chain = check_chain(session, (lambda n: progress("audit", n)) if progress else None)
        problems += [p.message for p in chain.problems]
        head, checkpoints = check_local_checkpoints(session)
        checkpoints += check_backup_checkpoints(session, backups)
        problems += [c.problem for c in checkpoints if c.problem]
        initialized = session.scalar(select(Agency.id).limit(1)) is not None
        if head is None and chain.events_checked == 0 and initialized:
            problems.append("数据库已初始化，却没有任何审计事件（审计记录被全部删除，链头被重置）")
        problems += rows_against_events(session)
        referenced: dict[str, str] = {}
        for ev_id, name, sha in session.execute(select(Evidence.id, Evidence.original_name, Evidence.sha256)):
            referenced.setdefault(sha, f"证据 #{ev_id}“{name}”")
        for doc_id, title, sha in session.execute(
            select(DocumentRecord.id, DocumentRecord.title, DocumentRecord.pdf_sha256).where(
                DocumentRecord.pdf_sha256.is_not(None)
            )
        ):
            referenced.setdefault(sha, f"文书 #{doc_id}“{title}”PDF")
        for doc_id, title, sha in session.execute(
            select(DocumentRecord.id, DocumentRecord.title, DocumentRecord.docx_sha256).where(
                DocumentRecord.docx_sha256.is_not(None)
            )
        ):
            referenced.setdefault(sha, f"文书 #{doc_id}“{title}”DOCX")
        for receipt_id, name, sha in session.execute(
            select(TransferReceipt.id, TransferReceipt.scan_name, TransferReceipt.scan_sha256)
        ):
            referenced.setdefault(sha, f"移送回执 #{receipt_id}“{name}”扫描件")
    store = BlobStore(ctx.evidence_dir)
    broken = 0
    for checked, (sha, label) in enumerate(sorted(referenced.items(), key=lambda item: item[1]), start=1):
        if not store.exists(sha):
            problems.append(f"{label} 的文件缺失（SHA-256 {sha}）")
            broken += 1
        elif not store.verify(sha):
            problems.append(f"{label} 的文件内容与登记的 SHA-256 不符（{sha}），文件已被改动")
            broken += 1
        if progress:
            progress("files", checked)
    notes = _restores_seen(head)
    if broken:
        notes.append(f"{broken} 个文件缺失或被改动：用原始文件运行 evidence repair〈文件〉即可修复")
    leftovers = find_leftovers(ctx)
    if leftovers.items:
        notes += leftovers.lines()
        notes.append("以上遗留文件不影响记录的完整性，管理员可运行 evidence gc 查看明细并清理")
    with ctx.db.write() as session:
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="audit_verified",
            entity="audit",
            entity_id=chain.events_checked,
            payload={
                "ok": not problems,
                "problems": problems[:20],
                "checkpoints": [[c.source, c.checkpoint.seq, c.signature, c.ok] for c in checkpoints],
                "leftovers": len(leftovers.items),
            },
        )
    return VerificationReport(
        events_checked=chain.events_checked,
        blobs_checked=len(referenced),
        problems=tuple(problems),
        checkpoints=tuple(checkpoints),
        notes=tuple(notes),
    )


def _restores_seen(head) -> list[str]:
    try:
        return restore_notes(head)
    except DomainError:
        return []  # an unreadable checkpoint file is already a problem of the local check
