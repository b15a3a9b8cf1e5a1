"""Issuing the standard documents of a case: number, render (PDF + DOCX), store, register, audit.

The number is taken inside the issuing transaction; the files go to the content-addressed store, so
`audit verify` re-checks them like evidence. Printing again returns the same files; a correction is
a new version under the same number that supersedes the old one, which stays on record.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage
from enforcement_desk.documents.content import RenderedDocument, RenderedTable, render
from enforcement_desk.documents.templates import DocumentTemplate, load_templates
from enforcement_desk.paths import user_data_dir
from enforcement_desk.services.cases import load_case
from enforcement_desk.services.context import Actor, AppContext
from enforcement_desk.services.deadlines import agency_settings
from enforcement_desk.services.document_data import FRONT_MATTER, case_fields
from enforcement_desk.services.numbers import issue_bianhao, issue_wenhao
from enforcement_desk.store.audit import append_event
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import Case, DocumentRecord, User

ISSUERS = (Role.OFFICER, Role.HEAD, Role.REVIEWER)


@dataclass(frozen=True)
class DocumentKindView:
    key: str
    title: str
    stage: str
    numbering: str


@dataclass(frozen=True)
class DocumentView:
    id: int
    case_id: int | None
    kind: str
    title: str
    number: str | None
    version: int
    issued_at: datetime
    issued_by: str
    pdf_sha256: str | None
    pdf_pages: int | None
    docx_sha256: str | None
    superseded: bool


def agency_templates_dir() -> Path:
    """Where an agency puts its edited copies of the templates (they replace the bundled ones)."""
    return user_data_dir() / "文书模板"


def templates(ctx: AppContext) -> dict[str, DocumentTemplate]:
    return load_templates(agency_templates_dir())


STAGE_ORDER = {stage.value: index for index, stage in enumerate(Stage)}


def filing_order(all_templates: dict[str, DocumentTemplate]) -> dict[str, int]:
    """Documents sit in the case file in the order of the procedure that produced them."""
    keys = sorted(all_templates, key=lambda k: (STAGE_ORDER.get(all_templates[k].stage, len(STAGE_ORDER)), k))
    return {key: index for index, key in enumerate(keys)}


def document_kinds(ctx: AppContext) -> list[DocumentKindView]:
    return [DocumentKindView(t.key, t.title, t.stage, t.numbering) for t in templates(ctx).values()]


def _view(record: DocumentRecord, issuer: str) -> DocumentView:
    return DocumentView(
        record.id, record.case_id, record.kind, record.title, record.number, record.version, record.issued_at,
        issuer, record.pdf_sha256, record.pdf_pages, record.docx_sha256, record.superseded_by is not None,
    )  # fmt: skip


def _number(session: Session, template: DocumentTemplate, case: Case, agency, year: int) -> str:  # noqa: ANN001
    if template.numbering == "case_filing":
        if not case.filing_no:
            raise DomainError(f"案件尚未立案，不能出具{template.title}")
        return case.filing_no
    if template.numbering == "case_decision":
        if not case.decision_no:
            raise DomainError(f"案件尚未作出处罚决定，不能出具{template.title}")
        onsite = template.stage == "onsite_decided"
        if onsite != (case.procedure == "simple"):
            other = "当场行政处罚决定书" if case.procedure == "simple" else "行政处罚决定书"
            raise DomainError(
                f"本案适用{'简易' if case.procedure == 'simple' else '普通'}程序，应出具{other}"
            )
        return case.decision_no
    if template.numbering == "wenhao":
        return issue_wenhao(session, agency, case.category, template.nature, year)
    if template.numbering == "bianhao":
        return issue_bianhao(session, agency, f"文书:{template.key}", year)
    return ""


def _stored(document: RenderedDocument) -> dict:
    data = {
        "kind": document.kind, "title": document.title, "agency_name": document.agency_name,
        "number": document.number, "paragraphs": list(document.paragraphs), "closing": list(document.closing),
        "signature": list(document.signature), "receipt": document.receipt, "table": None,
    }  # fmt: skip
    if document.table is not None:
        data["table"] = {
            "headers": list(document.table.headers),
            "rows": [list(r) for r in document.table.rows],
        }
    return data


def rendered_from_record(content: dict) -> RenderedDocument:
    table = content.get("table")
    return RenderedDocument(
        kind=content["kind"], title=content["title"], agency_name=content["agency_name"], number=content["number"],
        paragraphs=tuple(content["paragraphs"]), closing=tuple(content["closing"]),
        signature=tuple(content["signature"]), receipt=content["receipt"],
        table=RenderedTable(tuple(table["headers"]), tuple(tuple(r) for r in table["rows"])) if table else None,
    )  # fmt: skip


def _current(session: Session, case_id: int, kind: str) -> DocumentRecord | None:
    return session.scalars(
        select(DocumentRecord)
        .where(
            DocumentRecord.case_id == case_id,
            DocumentRecord.kind == kind,
            DocumentRecord.superseded_by.is_(None),
        )
        .order_by(DocumentRecord.version.desc())
    ).first()


def issue_document(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    kind: str,
    *,
    correction: str | None = None,
    another: bool = False,
) -> DocumentView:
    """Issue (or print again) a document of `kind` for the case; `correction` issues a corrected version;
    `another` issues one more of the kind (a second 询问笔录 for another witness)."""
    actor.require(*ISSUERS, action="出具文书")
    all_templates = templates(ctx)
    template = all_templates.get(kind)
    if template is None:
        raise DomainError(
            f"没有“{kind}”这种文书（可用：{'、'.join(t.title for t in all_templates.values())}）"
        )
    store = BlobStore(ctx.evidence_dir)
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id, lock=True)
        agency, settings = agency_settings(session, actor.agency_id)
        existing = None if another else _current(session, case.id, kind)
        if existing is not None and correction is None:
            return _view(existing, session.get(User, existing.issued_by).name)
        if correction is not None and not correction.strip():
            raise DomainError("更正文书须写明更正理由")
        number = (
            existing.number if existing is not None else _number(session, template, case, agency, today.year)
        )
        from pypdf import PdfReader  # rendering libraries load on first use, not at program start

        from enforcement_desk.documents.docx import render_docx
        from enforcement_desk.documents.pdf import render_pdf

        fields, lists = case_fields(session, case, agency, settings, today, filing_order(all_templates))
        shown = f"编号：{number}" if template.numbering == "bianhao" and number else (number or "")
        document = render(template, fields, lists, shown)
        pdf = render_pdf(document)
        pdf_blob = store.put_bytes(pdf)
        docx_blob = store.put_bytes(render_docx(document))
        record = DocumentRecord(
            agency_id=agency.id, case_id=case.id, kind=kind, title=template.title, number=number or None,
            version=(existing.version + 1) if existing else 1, stage=case.stage, issued_at=ctx.now(),
            issued_by=actor.user_id, pdf_sha256=pdf_blob.sha256, pdf_size=pdf_blob.size,
            pdf_pages=len(PdfReader(io.BytesIO(pdf)).pages), docx_sha256=docx_blob.sha256, content=_stored(document),
        )  # fmt: skip
        session.add(record)
        session.flush()
        if existing is not None:
            existing.superseded_by = record.id
        append_event(
            session, actor_id=actor.user_id, actor_login=actor.login,
            action="document_corrected" if existing else "document_issued", entity="document", entity_id=record.id,
            case_id=case.id,
            payload={"kind": kind, "title": template.title, "number": record.number, "version": record.version,
                     "pdf_sha256": pdf_blob.sha256, "correction": correction or ""},
        )  # fmt: skip
        return _view(record, actor.name)


def list_documents(
    ctx: AppContext, actor: Actor, case_id: int, *, include_superseded: bool = True
) -> list[DocumentView]:
    with ctx.db.read() as session:
        load_case(session, actor, case_id)
        query = (
            select(DocumentRecord, User.name)
            .join(User, User.id == DocumentRecord.issued_by)
            .where(DocumentRecord.case_id == case_id)
            .order_by(DocumentRecord.issued_at, DocumentRecord.id)
        )
        if not include_superseded:
            query = query.where(DocumentRecord.superseded_by.is_(None))
        return [_view(record, name) for record, name in session.execute(query)]


def export_document(ctx: AppContext, actor: Actor, document_id: int, target: Path, fmt: str = "pdf") -> Path:
    """Copy an issued document's file out of the store (to print, send or open)."""
    if fmt not in ("pdf", "docx"):
        raise DomainError(f"不支持的格式“{fmt}”（应为 pdf 或 docx）")
    with ctx.db.write() as session:
        record = session.get(DocumentRecord, document_id)
        if record is None or record.agency_id != actor.agency_id:
            raise NotFound(f"文书 #{document_id} 不存在")
        sha = record.pdf_sha256 if fmt == "pdf" else record.docx_sha256
        store = BlobStore(ctx.evidence_dir)
        if not sha or not store.exists(sha):
            raise DomainError(f"文书“{record.title}”的{fmt.upper()}文件缺失，请运行 audit verify 检查")
        target = Path(target)
        if target.is_dir():
            target = target / f"{record.title}_{(record.number or str(record.id)).replace('/', '-')}.{fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        with store.open(sha) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        append_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="document_exported",
            entity="document", entity_id=record.id, case_id=record.case_id, payload={"format": fmt, "to": str(target)},
        )  # fmt: skip
        return target


def build_case_file(ctx: AppContext, actor: Actor, case_id: int, target: Path) -> Path:
    """The 案卷: cover, 卷内目录 and every current document's stored PDF, as one PDF."""
    from pypdf import PdfReader, PdfWriter

    from enforcement_desk.documents.pdf import render_pdf_bundle

    all_templates = templates(ctx)
    store = BlobStore(ctx.evidence_dir)
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id)
        agency, settings = agency_settings(session, actor.agency_id)
        order = filing_order(all_templates)
        records = session.scalars(
            select(DocumentRecord)
            .where(DocumentRecord.case_id == case.id, DocumentRecord.superseded_by.is_(None))
            .where(DocumentRecord.kind.not_in(FRONT_MATTER))
        ).all()
        records = sorted(records, key=lambda d: (order.get(d.kind, len(order)), d.issued_at, d.id))
        if not records:
            raise DomainError("本案尚未出具任何文书，无法组卷")
        fields, lists = case_fields(session, case, agency, settings, today, order)
        front = render_pdf_bundle(
            [render(all_templates["case_file_cover"], fields, lists, ""),
             render(all_templates["case_file_index"], fields, lists, "")],
            title=f"{case.cause} 案卷",
        )  # fmt: skip
        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(front)))
        for record in records:
            if not record.pdf_sha256 or not store.exists(record.pdf_sha256):
                raise DomainError(f"文书“{record.title}”的文件缺失，无法组卷；请运行 audit verify 检查")
            with store.open(record.pdf_sha256) as handle:
                writer.append(PdfReader(io.BytesIO(handle.read())))
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(target.name + ".part")
        with temp.open("wb") as out:
            writer.write(out)
        temp.replace(target)
        append_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="case_file_built", entity="case",
            entity_id=case.id, case_id=case.id, payload={"documents": len(records), "to": str(target)},
        )  # fmt: skip
        return target
