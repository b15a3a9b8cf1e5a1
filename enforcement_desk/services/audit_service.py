"""Verifying the full-process record: the audit chain and every stored file's hash."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from enforcement_desk.core.roles import Role
from enforcement_desk.services.context import Actor, AppContext
from enforcement_desk.store.audit import append_event, verify_chain
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import AuditEvent, DocumentRecord, Evidence


@dataclass(frozen=True)
class VerificationReport:
    events_checked: int
    blobs_checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _recorded(session, actions: tuple[str, ...]) -> dict[str, dict]:  # noqa: ANN001
    """entity_id → payload of the audit event that recorded it (the chain vouches for these)."""
    rows = session.execute(
        select(AuditEvent.entity_id, AuditEvent.payload).where(AuditEvent.action.in_(actions))
    )
    return {entity_id: json.loads(payload) for entity_id, payload in rows}


def rows_against_events(session) -> list[str]:  # noqa: ANN001
    """An evidence or document row changed behind the program's back no longer matches its audit event."""
    problems = []
    added = _recorded(session, ("evidence_added",))
    for item in session.scalars(select(Evidence).order_by(Evidence.id)):
        event = added.get(str(item.id))
        if event is None:
            problems.append(f"证据 #{item.id}“{item.original_name}”没有对应的登记审计记录（记录被插入）")
            continue
        recorded = (event.get("sha256"), event.get("size"), event.get("name"), event.get("type"))
        actual = (item.sha256, item.size, item.original_name, item.evidence_type)
        if recorded != actual:
            fields = [
                n
                for n, a, b in zip(("SHA-256", "大小", "文件名", "证据种类"), recorded, actual, strict=True)
                if a != b
            ]
            problems.append(
                f"证据 #{item.id}“{item.original_name}”的{'、'.join(fields)}与登记时的审计记录不符（记录被改动）"
            )
    issued = _recorded(session, ("document_issued", "document_corrected"))
    for doc in session.scalars(select(DocumentRecord).order_by(DocumentRecord.id)):
        event = issued.get(str(doc.id))
        if event is None or event.get("pdf_sha256") != doc.pdf_sha256 or event.get("number") != doc.number:
            problems.append(f"文书 #{doc.id}“{doc.title}”的登记内容与出具时的审计记录不符（记录被改动）")
    return problems


def verify_all(
    ctx: AppContext, actor: Actor, progress: Callable[[str, int], None] | None = None
) -> VerificationReport:
    actor.require(Role.ADMIN, Role.HEAD, Role.REVIEWER, Role.OFFICER, action="校验审计记录")
    problems: list[str] = []
    with ctx.db.read() as session:
        chain = verify_chain(session, (lambda n: progress("audit", n)) if progress else None)
        problems += [p.message for p in chain.problems]
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
    store = BlobStore(ctx.evidence_dir)
    for checked, (sha, label) in enumerate(sorted(referenced.items(), key=lambda item: item[1]), start=1):
        if not store.exists(sha):
            problems.append(f"{label} 的文件缺失（SHA-256 {sha}）")
        elif not store.verify(sha):
            problems.append(f"{label} 的文件内容与登记的 SHA-256 不符（{sha}），文件已被改动")
        if progress:
            progress("files", checked)
    with ctx.db.write() as session:
        append_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="audit_verified",
            entity="audit",
            entity_id=chain.events_checked,
            payload={"ok": not problems, "problems": problems[:20]},
        )
    return VerificationReport(
        events_checked=chain.events_checked, blobs_checked=len(referenced), problems=tuple(problems)
    )
