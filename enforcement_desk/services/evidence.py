"""Evidence of a case (art. 47 full-process record): files into the blob store, rows that never change.

The blob is in place before the row is written; the row and its audit event commit together. A
wrong item is voided with a reason (作废), a wrong capture time corrected with the original kept —
nothing is edited or deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.evidence import check_evidence_type, guess_evidence_type
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage
from enforcement_desk.services.cases import load_case
from enforcement_desk.services.context import Actor, AppContext, require_text
from enforcement_desk.store.audit import append_event
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import Case, Evidence, EvidenceTimeCorrection, EvidenceVoid, User

EXIF_DATETIME_ORIGINAL = 36867
EXIF_DATETIME = 306
EXIF_IFD = 34665
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CaptureTime:
    at: datetime
    source: str  # exif | file


@dataclass(frozen=True)
class EvidenceView:
    id: int
    case_id: int
    stage: Stage
    evidence_type: str
    description: str
    original_name: str
    sha256: str
    size: int
    collected_by: str
    collected_at: datetime
    collected_place: str
    captured_at: datetime | None
    original_captured_at: datetime | None
    capture_source: str
    device: str
    voided: bool
    void_reason: str


@dataclass(frozen=True)
class CardFile:
    """A file found on a recorder's card, before it is imported."""

    path: Path
    size: int
    captured_at: datetime
    capture_source: str
    evidence_type: str


def capture_time(path: Path) -> CaptureTime:
    """When the photo was taken (EXIF DateTimeOriginal), else when the file was last written."""
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
        if raw:
            return CaptureTime(datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S"), "exif")
    except (UnidentifiedImageError, OSError, ValueError):
        pass  # not an image, or no usable EXIF: fall back to the file's own time
    return CaptureTime(datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0), "file")


def scan_folder(folder: Path) -> list[CardFile]:
    """Every file under a recorder card's folder, oldest capture first (hidden files skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DomainError(f"文件夹“{folder}”不存在或无法读取")
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        taken = capture_time(path)
        files.append(
            CardFile(path, path.stat().st_size, taken.at, taken.source, guess_evidence_type(path.name))
        )
    return sorted(files, key=lambda f: (f.captured_at, str(f.path)))


def _handler_case(session, actor: Actor, case_id: int) -> Case:  # noqa: ANN001
    case = load_case(session, actor, case_id, lock=True)
    if actor.user_id not in {h.user_id for h in case.handlers}:
        raise DomainError("只有本案承办人可以登记或作废证据")
    if Stage(case.stage) in (Stage.ARCHIVED, Stage.NOT_FILED):
        raise DomainError(f"案件已{Stage(case.stage).label}，不能再登记证据")
    return case


def add_evidence(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    path: Path,
    *,
    evidence_type: str | None = None,
    description: str = "",
    collected_place: str = "",
    device: str = "",
    captured_at: datetime | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> EvidenceView:
    actor.require(Role.OFFICER, action="登记证据")
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"文件“{path}”不存在")
    kind = check_evidence_type(evidence_type or guess_evidence_type(path.name))
    with ctx.db.read() as session:  # refuse before copying gigabytes
        _handler_case(session, actor, case_id)
    taken = CaptureTime(captured_at, "manual") if captured_at else capture_time(path)
    blob = BlobStore(ctx.evidence_dir).put_file(path, progress=progress, cancelled=cancelled)
    with ctx.db.write() as session:
        case = _handler_case(session, actor, case_id)
        now = ctx.now()
        item = Evidence(
            case_id=case.id, stage=case.stage, evidence_type=kind, description=description.strip(),
            original_name=path.name, mime="application/octet-stream", sha256=blob.sha256, size=blob.size,
            collected_by=actor.user_id, collected_at=now, collected_place=collected_place.strip(),
            captured_at=taken.at, capture_source=taken.source, device=device.strip(), created_at=now,
        )  # fmt: skip
        session.add(item)
        session.flush()
        append_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_added", entity="evidence",
            entity_id=item.id, case_id=case.id,
            payload={"sha256": blob.sha256, "size": blob.size, "name": path.name, "type": kind,
                     "captured_at": taken.at, "capture_source": taken.source, "device": item.device,
                     "stage": case.stage, "already_stored": blob.already_present},
        )  # fmt: skip
        return _views(session, [item])[0]


def import_files(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    files: Sequence[CardFile],
    *,
    description: str = "",
    device: str = "",
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[EvidenceView]:
    """Import chosen card files one by one; a cancel stops after the file in hand (the rest are untouched)."""
    total = sum(f.size for f in files) or 1
    done = 0
    imported = []
    for index, card_file in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            break
        label = f"正在导入 {index}/{len(files)}：{card_file.path.name}"

        def step(copied: int, _size: int, before: int = done, label: str = label) -> None:
            if progress is not None:
                progress(before + copied, total, label)

        imported.append(
            add_evidence(
                ctx,
                actor,
                case_id,
                card_file.path,
                evidence_type=card_file.evidence_type,
                description=description or card_file.path.name,
                device=device,
                captured_at=card_file.captured_at if card_file.capture_source == "manual" else None,
                progress=step,
                cancelled=cancelled,
            )  # fmt: skip
        )
        done += card_file.size
    return imported


def void_evidence(ctx: AppContext, actor: Actor, evidence_id: int, reason: str) -> EvidenceView:
    reason = require_text(reason, "作废理由")
    with ctx.db.write() as session:
        item = _evidence(session, actor, evidence_id)
        _handler_case(session, actor, item.case_id)
        if session.scalar(select(EvidenceVoid.id).where(EvidenceVoid.evidence_id == item.id)):
            raise DomainError(f"证据 #{item.id} 已作废")
        session.add(
            EvidenceVoid(evidence_id=item.id, reason=reason, voided_by=actor.user_id, voided_at=ctx.now())
        )
        session.flush()
        append_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_voided", entity="evidence",
            entity_id=item.id, case_id=item.case_id, payload={"reason": reason, "sha256": item.sha256},
        )  # fmt: skip
        return _views(session, [item])[0]


def correct_capture_time(
    ctx: AppContext, actor: Actor, evidence_id: int, captured_at: datetime, reason: str
) -> EvidenceView:
    """A recorder's clock was wrong: record the true time beside the original, which is kept."""
    reason = require_text(reason, "更正理由")
    if captured_at > ctx.now():
        raise DomainError("拍摄时间不能晚于现在")
    with ctx.db.write() as session:
        item = _evidence(session, actor, evidence_id)
        _handler_case(session, actor, item.case_id)
        session.add(
            EvidenceTimeCorrection(
                evidence_id=item.id,
                captured_at=captured_at,
                reason=reason,
                corrected_by=actor.user_id,
                corrected_at=ctx.now(),
            )  # fmt: skip
        )
        session.flush()
        append_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_time_corrected",
            entity="evidence", entity_id=item.id, case_id=item.case_id,
            payload={"from": item.captured_at, "to": captured_at, "reason": reason},
        )  # fmt: skip
        return _views(session, [item])[0]


def list_evidence(ctx: AppContext, actor: Actor, case_id: int) -> list[EvidenceView]:
    with ctx.db.read() as session:
        load_case(session, actor, case_id)
        items = session.scalars(
            select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)
        ).all()
        return _views(session, list(items))


def evidence_file(ctx: AppContext, actor: Actor, evidence_id: int) -> Path:
    """The stored original (read-only use: viewing, packaging)."""
    with ctx.db.read() as session:
        item = _evidence(session, actor, evidence_id)
        sha = item.sha256
    path = BlobStore(ctx.evidence_dir).path_for(sha)
    if not path.is_file():
        raise DomainError(f"证据 #{evidence_id} 的文件缺失，请运行 audit verify 检查")
    return path


def _evidence(session, actor: Actor, evidence_id: int) -> Evidence:  # noqa: ANN001
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise NotFound(f"证据 #{evidence_id} 不存在")
    load_case(session, actor, item.case_id)
    return item


def _views(session, items: list[Evidence]) -> list[EvidenceView]:  # noqa: ANN001
    ids = [i.id for i in items]
    voids = {
        v.evidence_id: v
        for v in session.scalars(select(EvidenceVoid).where(EvidenceVoid.evidence_id.in_(ids)))
    }
    corrections: dict[int, EvidenceTimeCorrection] = {}
    for c in session.scalars(
        select(EvidenceTimeCorrection)
        .where(EvidenceTimeCorrection.evidence_id.in_(ids))
        .order_by(EvidenceTimeCorrection.id)
    ):
        corrections[c.evidence_id] = c  # the latest correction wins
    names = dict(
        session.execute(select(User.id, User.name).where(User.id.in_({i.collected_by for i in items}))).all()
    )
    return [
        EvidenceView(
            id=i.id,
            case_id=i.case_id,
            stage=Stage(i.stage),
            evidence_type=i.evidence_type,
            description=i.description,
            original_name=i.original_name,
            sha256=i.sha256,
            size=i.size,
            collected_by=names.get(i.collected_by, ""),
            collected_at=i.collected_at,
            collected_place=i.collected_place,
            captured_at=corrections[i.id].captured_at if i.id in corrections else i.captured_at,
            original_captured_at=i.captured_at,
            capture_source="manual" if i.id in corrections else i.capture_source,
            device=i.device,
            voided=i.id in voids,
            void_reason=voids[i.id].reason if i.id in voids else "",
        )  # fmt: skip
        for i in items
    ]
