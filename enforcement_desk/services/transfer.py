"""Building the package that hands a suspected crime to the police (国务院令第310号), and checking one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage
from enforcement_desk.documents.content import RenderedDocument, RenderedTable
from enforcement_desk.services.cases import load_case
from enforcement_desk.services.context import Actor, AppContext
from enforcement_desk.services.documents import issue_document
from enforcement_desk.store.audit import append_event
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import Agency, DocumentRecord, Evidence, EvidenceVoid, StageChange, User
from enforcement_desk.transfer.package import PackageItem, VerifyReport, build_package, verify_package
from enforcement_desk.transfer.signing import agency_signing_key, fingerprint, public_key_pem

# 涉嫌犯罪案件移送书, the investigation report on the suspected crime, and the list of items involved.
TRANSFER_DOCUMENTS = ("crime_transfer", "investigation_report", "item_list")


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _index_pdf(agency_name: str, case_line: str) -> Callable[[list[dict]], bytes]:
    def render(entries: list[dict]) -> bytes:
        from enforcement_desk.documents.pdf import render_pdf

        rows = tuple(
            (str(i), e["name"], e["kind"] + (f"（{e['evidence_type']}）" if e.get("evidence_type") else ""),
             str(e.get("pages") or ""), _size(e["size"]), e["sha256"])
            for i, e in enumerate(entries, start=1)
        )  # fmt: skip
        document = RenderedDocument(
            kind="transfer_index", title="移送材料目录", agency_name=agency_name, number="",
            paragraphs=(case_line, "以下材料随涉嫌犯罪案件移送书一并移送。每份材料的 SHA-256 可用 sha256sum 等工具核对。"),
            table=RenderedTable(("序号", "材料", "类别", "页数", "大小", "SHA-256"), rows),
            closing=("移送人（签名）：____________　　接收人（签名）：____________",),
            signature=(agency_name, "（印章）", "____年__月__日"), receipt=False,
        )  # fmt: skip
        return render_pdf(document)

    return render


def public_key(ctx: AppContext, actor: Actor) -> tuple[bytes, str]:
    """The agency's public key (PEM) and its fingerprint, to give to the receiving units."""
    pem = public_key_pem(agency_signing_key(actor.agency_id))
    return pem, fingerprint(pem)


def build_transfer_package(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    target: Path,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict:
    actor.require(Role.OFFICER, Role.HEAD, action="制作移送材料包")
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        if Stage(case.stage) is not Stage.TRANSFERRED_POLICE:
            raise DomainError(
                "案件须经负责人批准移送公安机关后才能制作移送材料包（《行政执法机关移送涉嫌犯罪案件的规定》第五条）"
            )
        if actor.role is Role.OFFICER and actor.user_id not in {h.user_id for h in case.handlers}:
            raise DomainError("只有本案承办人或负责人可以制作移送材料包")
    for kind in TRANSFER_DOCUMENTS:
        issue_document(ctx, actor, case_id, kind)
    key = agency_signing_key(actor.agency_id)
    pem = public_key_pem(key)
    store = BlobStore(ctx.evidence_dir)
    with ctx.db.read() as session:
        case = load_case(session, actor, case_id)
        agency = session.get(Agency, actor.agency_id)
        documents = session.scalars(
            select(DocumentRecord)
            .where(DocumentRecord.case_id == case_id, DocumentRecord.superseded_by.is_(None))
            .order_by(DocumentRecord.issued_at, DocumentRecord.id)
        ).all()
        voided = set(session.scalars(select(EvidenceVoid.evidence_id)))
        evidence = session.execute(
            select(Evidence, User.name)
            .join(User, User.id == Evidence.collected_by)
            .where(Evidence.case_id == case_id)
        ).all()
        reason = session.scalar(
            select(StageChange.note)
            .where(StageChange.case_id == case_id, StageChange.action == "transfer_police")
            .order_by(StageChange.id.desc())
        )
        items = [
            PackageItem(store.path_for(d.pdf_sha256), f"{d.title}{'_' + d.number if d.number else ''}.pdf", "文书",
                        d.pdf_sha256, d.pdf_size or 0, {"pages": d.pdf_pages, "number": d.number})
            for d in documents if d.pdf_sha256
        ]  # fmt: skip
        items += [
            PackageItem(store.path_for(e.sha256), e.original_name, "证据", e.sha256, e.size,
                        {"evidence_type": e.evidence_type, "description": e.description, "collected_by": name,
                         "collected_at": e.collected_at.isoformat(timespec="minutes"),
                         "captured_at": e.captured_at.isoformat(timespec="seconds") if e.captured_at else None,
                         "device": e.device})
            for e, name in evidence if e.id not in voided
        ]  # fmt: skip
        number = case.filing_no or case.case_no
        case_info = {
            "agency": {"name": agency.name, "uscc": agency.uscc},
            "case": {"case_no": case.case_no, "filing_no": case.filing_no, "cause": case.cause,
                     "party": case.party.name, "party_id_number": case.party.id_number, "transfer_reason": reason},
            "built_by": actor.name, "built_at": ctx.now().isoformat(timespec="seconds"),
        }  # fmt: skip
        case_line = f"案件：{number}　当事人：{case.party.name}　案由：{case.cause}"
        agency_name = agency.name
    missing = [i.name for i in items if not i.source.is_file()]
    if missing:
        raise DomainError(
            f"以下材料的文件缺失，无法制作材料包：{'、'.join(missing)}；请运行 audit verify 检查"
        )
    manifest = build_package(
        Path(target), f"移送材料_{number}", items, case_info, key.sign, pem, _index_pdf(agency_name, case_line),
        progress=progress, cancelled=cancelled,
    )  # fmt: skip
    with ctx.db.write() as session:
        append_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="transfer_package_built",
            entity="case", entity_id=case_id, case_id=case_id,
            payload={"files": len(items), "bytes": sum(i.size for i in items), "to": str(target),
                     "signed_by_key": manifest["public_key_fingerprint"]},
        )  # fmt: skip
    return manifest


def verify_transfer_package(path: Path, public_key_file: Path | None = None) -> VerifyReport:
    expected = Path(public_key_file).read_bytes() if public_key_file else None
    return verify_package(Path(path), expected)
