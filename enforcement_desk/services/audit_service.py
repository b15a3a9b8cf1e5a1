"""Verifying the full-process record: the audit chain and every stored file's hash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from enforcement_desk.core.roles import Role
from enforcement_desk.services.context import Actor, AppContext
from enforcement_desk.store.audit import append_event, verify_chain
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import DocumentRecord, Evidence


@dataclass(frozen=True)
class VerificationReport:
    events_checked: int
    blobs_checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_all(
    ctx: AppContext, actor: Actor, progress: Callable[[str, int], None] | None = None
) -> VerificationReport:
    actor.require(Role.ADMIN, Role.HEAD, Role.REVIEWER, Role.OFFICER, action="校验审计记录")
    problems: list[str] = []
    with ctx.db.read() as session:
        chain = verify_chain(session, (lambda n: progress("audit", n)) if progress else None)
        problems += [p.message for p in chain.problems]
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
    return VerificationReport(events_checked=chain.events_checked, blobs_checked=len(referenced), problems=tuple(problems))
