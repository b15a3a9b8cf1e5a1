"""Evidence of a case (art. 47 full-process record): files into the blob store, rows that never change.

The blob is in place before the row is written; the row and its audit event commit together, so a
crash leaves at worst an unreferenced blob (which `evidence gc` clears), never a row pointing to nothing.
Importing the genuine bytes of a file that went missing or was damaged puts it back (证据文件已修复). A wrong item is voided
with a reason (作废), a wrong capture time corrected with the original kept — nothing is edited or
deleted. The audit event of each step repeats what the row holds, which lets `audit verify` notice a
row changed behind the program's back.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError, NotFound, PermissionDenied
from enforcement_desk.core.procedure.evidence import (
    check_evidence_type,
    guess_evidence_type,
    time_in_file_name,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage
from enforcement_desk.evidence import record_evidence_event
from enforcement_desk.evidence.leftovers import is_referenced
from enforcement_desk.procedure.cases import load_case, require_certified
from enforcement_desk.store.blobs import BlobStore, ImportCancelled, StoredBlob, sha256_of
from enforcement_desk.store.models import Case, Evidence, EvidenceTimeCorrection, EvidenceVoid, User

EXIF_DATETIME_ORIGINAL = 36867
EXIF_DATETIME = 306
EXIF_IFD = 34665
Progress = Callable[[int, int], None]


FULL_PROCESS_RULE = "《行政处罚法》第四十七条"


@dataclass(frozen=True)
class CaptureTime:
    """When a file was captured, and where that was read from (EXIF, file name, file time, or entered)."""

    at: datetime
    source: str  # exif | filename | file | manual


@dataclass(frozen=True)
class TimeCorrectionView:
    """A correction of an item's capture time: the new time, the reason, who and when."""

    captured_at: datetime
    reason: str
    corrected_by: str
    corrected_at: datetime


@dataclass(frozen=True)
class EvidenceView:
    """An item of evidence as shown: the file, who collected it when and where, its capture time with
    its corrections, and whether it was voided."""

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
    voided_by: str = ""
    voided_at: datetime | None = None
    mime: str = "application/octet-stream"
    corrections: tuple[TimeCorrectionView, ...] = ()


@dataclass(frozen=True)
class CardFile:
    """A file found on a recorder's card, before it is imported."""

    path: Path
    size: int
    captured_at: datetime
    capture_source: str
    evidence_type: str


def capture_time(path: Path) -> CaptureTime:
    """When the photo was taken (EXIF DateTimeOriginal), else the recording start a recorder wrote into
    the file name, else when the file was last written."""
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
        if raw:
            return CaptureTime(datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S"), "exif")
    except (UnidentifiedImageError, OSError, ValueError):
        pass  # not an image, or no usable EXIF: fall back to the name, then the file's own time
    named = time_in_file_name(path.name)
    if named is not None:
        return CaptureTime(named, "filename")
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


def _handler_case(session, actor: Actor, case_id: int, action: str, today: date) -> Case:
    case = load_case(session, actor, case_id, lock=True)
    if actor.user_id not in {h.user_id for h in case.handlers}:
        raise PermissionDenied(f"只有本案承办人可以{action}，“{actor.name}”不是案件 {case.case_no} 的承办人")
    require_certified(session, actor, today)  # 执法人员持证办案 (卫生健康行政处罚程序规定 art. 17)
    stage = Stage(case.stage)
    if stage.is_terminal:
        raise DomainError(f"案件已{stage.label}，全过程记录已封存，不能再{action}", rule=FULL_PROCESS_RULE)
    return case


@allowed(Role.OFFICER, action="登记证据")
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
    """Register a file as evidence of the case (行政处罚法 art. 47: the full-process record).

    The file goes into the blob store first; the row and its audit event then commit together."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"文件“{path}”不存在")
    kind = check_evidence_type(evidence_type or guess_evidence_type(path.name))
    with ctx.db.read() as session:  # refuse before copying gigabytes
        _handler_case(session, actor, case_id, "登记证据", ctx.today())
    taken = CaptureTime(captured_at, "manual") if captured_at else capture_time(path)
    store = BlobStore(ctx.evidence_dir)
    blob = store.put_file(path, progress=progress, cancelled=cancelled)
    try:
        return _register(ctx, actor, case_id, path, blob, kind, taken, description, collected_place, device)
    except _FileCleared:
        # `evidence gc` took an old unreferenced copy this import had just re-used: store it again, once.
        blob = store.put_file(path, progress=progress, cancelled=cancelled)
        try:
            return _register(
                ctx, actor, case_id, path, blob, kind, taken, description, collected_place, device
            )
        except _FileCleared:
            raise DomainError("证据文件在登记前被清理，请重新导入") from None


class _FileCleared(Exception):
    """The stored file vanished between the copy and the commit."""


def _register(
    ctx: AppContext, actor: Actor, case_id: int, path: Path, blob: StoredBlob, kind: str, taken: CaptureTime,
    description: str, collected_place: str, device: str,
) -> EvidenceView:  # fmt: skip
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    with ctx.db.write() as session:
        case = _handler_case(session, actor, case_id, "登记证据", ctx.today())
        repaired = _repair_kind(session, blob)
        now = ctx.now()
        item = Evidence(
            case_id=case.id, stage=case.stage, evidence_type=kind, description=description.strip(),
            original_name=path.name, mime=mime, sha256=blob.sha256, size=blob.size,
            collected_by=actor.user_id, collected_at=now, collected_place=collected_place.strip(),
            captured_at=taken.at, capture_source=taken.source, device=device.strip(), created_at=now,
        )  # fmt: skip
        session.add(item)
        session.flush()
        record_evidence_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_added", entity="evidence",
            entity_id=item.id, case_id=case.id,
            payload={"sha256": blob.sha256, "size": blob.size, "name": path.name, "type": kind,
                     "captured_at": taken.at, "capture_source": taken.source, "device": item.device,
                     "stage": case.stage, "description": item.description, "place": item.collected_place,
                     "collected_by": actor.user_id, "collected_at": now, "mime": mime,
                     "already_stored": blob.already_present},
        )  # fmt: skip
        # The event above took the chain's head, which `evidence gc` holds while it decides: if the file
        # is here now, it stays until this commits.
        if not BlobStore(ctx.evidence_dir).exists(blob.sha256):
            raise _FileCleared()
        if repaired:
            _record_repair(session, actor, blob, repaired, path.name)
        return _views(session, [item])[0]


REPAIRS = {"missing": "文件缺失", "damaged": "文件内容与 SHA-256 不符"}


def _repair_kind(session, blob: StoredBlob) -> str:
    """Whether storing this file repaired one a row already named: "damaged", "missing" or ""."""
    if blob.repaired:
        return "damaged"
    if not blob.already_present and is_referenced(session, blob.sha256):
        return "missing"
    return ""


def _record_repair(session, actor: Actor, blob: StoredBlob, repaired: str, source_name: str) -> None:
    record_evidence_event(
        session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_file_repaired",
        entity="evidence_store", entity_id=blob.sha256[:16],  # the column holds 40; the payload the whole hash
        payload={"summary": "证据文件已修复", "sha256": blob.sha256, "size": blob.size, "was": repaired,
                 "source_name": source_name},
    )  # fmt: skip


@allowed(Role.ADMIN, Role.OFFICER, action="修复证据文件")
def repair_evidence_file(ctx: AppContext, actor: Actor, path: Path, progress: Progress | None = None) -> str:
    """Put the genuine bytes of a stored file back (the original from the recorder's card, a copy kept
    elsewhere): accepted only when their SHA-256 is one a row names and the stored file is missing or
    damaged. Works for closed cases too, as it adds nothing to any case. Returns what was repaired."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"文件“{path}”不存在")
    sha = sha256_of(path)
    store = BlobStore(ctx.evidence_dir)
    with ctx.db.read() as session:
        if not is_referenced(session, sha):
            raise DomainError(
                f"“{path.name}”与登记的任何证据或文书文件都不相同（SHA-256 {sha}），无法用它修复"
            )
    if store.verify(sha):
        raise DomainError(f"证据库中的该文件完好（SHA-256 {sha}），无需修复")
    blob = store.put_file(path, progress=progress)
    if blob.sha256 != sha:
        raise DomainError(f"文件“{path.name}”在读取期间被改动，未作修复")
    with ctx.db.write() as session:
        _record_repair(session, actor, blob, "damaged" if blob.repaired else "missing", path.name)
    return REPAIRS["damaged" if blob.repaired else "missing"]


def import_files(
    ctx: AppContext,
    actor: Actor,
    case_id: int,
    files: Sequence[CardFile],
    *,
    description: str = "",
    device: str = "",
    collected_place: str = "",
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[EvidenceView]:
    """Import chosen card files one by one, each committed on its own; `progress(done, total, label)` in
    bytes over all files. A cancel abandons the file being copied (nothing of it is kept) and returns the
    items imported before it."""
    total = sum(f.size for f in files) or 1
    done = 0
    imported: list[EvidenceView] = []
    for index, card_file in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            break
        label = f"正在导入 {index}/{len(files)}：{card_file.path.name}"

        def step(copied: int, _size: int, before: int = done, label: str = label) -> None:
            if progress is not None:
                progress(before + copied, total, label)

        try:
            item = add_evidence(
                ctx,
                actor,
                case_id,
                card_file.path,
                evidence_type=card_file.evidence_type,
                description=description or card_file.path.name,
                device=device,
                collected_place=collected_place,
                captured_at=card_file.captured_at if card_file.capture_source == "manual" else None,
                progress=step,
                cancelled=cancelled,
            )  # fmt: skip
        except ImportCancelled:
            break
        imported.append(item)
        done += card_file.size
    return imported


@allowed(Role.OFFICER, action="作废证据")
def void_evidence(ctx: AppContext, actor: Actor, evidence_id: int, reason: str) -> EvidenceView:
    """Mark an item void (作废) with the reason; the item, its file and the reason stay visible."""
    reason = require_text(reason, "作废理由")
    with ctx.db.write() as session:
        item = _evidence(session, actor, evidence_id)
        _handler_case(session, actor, item.case_id, "作废证据", ctx.today())
        if session.scalar(select(EvidenceVoid.id).where(EvidenceVoid.evidence_id == item.id)):
            raise DomainError(f"证据 #{item.id} 已作废")
        void = EvidenceVoid(evidence_id=item.id, reason=reason, voided_by=actor.user_id, voided_at=ctx.now())
        session.add(void)
        session.flush()
        record_evidence_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_voided", entity="evidence",
            entity_id=item.id, case_id=item.case_id,
            payload={"reason": reason, "sha256": item.sha256, "void_id": void.id, "voided_at": void.voided_at},
        )  # fmt: skip
        return _views(session, [item])[0]


@allowed(Role.OFFICER, action="更正证据拍摄时间")
def correct_capture_time(
    ctx: AppContext, actor: Actor, evidence_id: int, captured_at: datetime, reason: str
) -> EvidenceView:
    """A recorder's clock was wrong: record the true time beside the original, which is kept."""
    reason = require_text(reason, "更正理由")
    if captured_at > ctx.now():
        raise DomainError("拍摄时间不能晚于现在")
    with ctx.db.write() as session:
        item = _evidence(session, actor, evidence_id)
        _handler_case(session, actor, item.case_id, "更正证据拍摄时间", ctx.today())
        if session.scalar(select(EvidenceVoid.id).where(EvidenceVoid.evidence_id == item.id)):
            raise DomainError(f"证据 #{item.id} 已作废，不能再更正拍摄时间")
        before = _views(session, [item])[0].captured_at
        correction = EvidenceTimeCorrection(
            evidence_id=item.id,
            captured_at=captured_at,
            reason=reason,
            corrected_by=actor.user_id,
            corrected_at=ctx.now(),
        )
        session.add(correction)
        session.flush()
        record_evidence_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_time_corrected",
            entity="evidence", entity_id=item.id, case_id=item.case_id,
            payload={"from": before, "to": captured_at, "reason": reason, "correction_id": correction.id},
        )  # fmt: skip
        return _views(session, [item])[0]


def list_evidence(ctx: AppContext, actor: Actor, case_id: int) -> list[EvidenceView]:
    """The case's evidence in order of registration, voided items included."""
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


def _evidence(session, actor: Actor, evidence_id: int) -> Evidence:
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise NotFound(f"证据 #{evidence_id} 不存在")
    load_case(session, actor, item.case_id)
    return item


def _views(session, items: list[Evidence]) -> list[EvidenceView]:
    ids = [i.id for i in items]
    voids = {
        v.evidence_id: v
        for v in session.scalars(select(EvidenceVoid).where(EvidenceVoid.evidence_id.in_(ids)))
    }
    corrections: dict[int, list[EvidenceTimeCorrection]] = {}
    for c in session.scalars(
        select(EvidenceTimeCorrection)
        .where(EvidenceTimeCorrection.evidence_id.in_(ids))
        .order_by(EvidenceTimeCorrection.id)
    ):
        corrections.setdefault(c.evidence_id, []).append(c)
    people = {i.collected_by for i in items}
    people |= {v.voided_by for v in voids.values()}
    people |= {c.corrected_by for history in corrections.values() for c in history}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(people))).all())
    views = []
    for i in items:
        history = tuple(
            TimeCorrectionView(c.captured_at, c.reason, names.get(c.corrected_by, ""), c.corrected_at)
            for c in corrections.get(i.id, [])
        )
        void = voids.get(i.id)
        views.append(
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
                # the latest correction is the time in force; the recorded one stays beside it
                captured_at=history[-1].captured_at if history else i.captured_at,
                original_captured_at=i.captured_at,
                capture_source="manual" if history else i.capture_source,
                device=i.device,
                voided=void is not None,
                void_reason=void.reason if void else "",
                voided_by=names.get(void.voided_by, "") if void else "",
                voided_at=void.voided_at if void else None,
                mime=i.mime,
                corrections=history,
            )
        )
    return views
