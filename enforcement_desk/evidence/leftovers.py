"""What killed work leaves behind in the evidence store and beside backups, and clearing it away.

A stored file only counts as an orphan when no row names it (evidence, issued documents, transfer
receipts and packages) and it has not been written or re-used for an hour: an import still running in
another process writes its file before its row, and re-using a file refreshes its time. Clearing holds
the audit chain's head, which every import takes before it commits, so no row can start naming a file
while the decision about it is made; the one audit event of the clearing commits in that transaction.

Backups choose their destination each time, so a backup in progress registers itself in the user's data
folder, holding a lock on its entry for as long as it runs; an entry nobody holds names the staging
folder and partial zip of a backup that was killed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext, allowed
from enforcement_desk.core.roles import Role
from enforcement_desk.evidence import record_evidence_event
from enforcement_desk.paths import user_data_dir
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import AuditHead, DocumentRecord, Evidence
from enforcement_desk.store.models_steps import TransferPackage, TransferReceipt

GRACE = timedelta(hours=1)
REGISTRY_FOLDER = "backups-in-progress"
BACKUP_MANIFEST = "manifest.json"  # admin.backup.MANIFEST_NAME: a folder backup with it is complete
Progress = Callable[[int, int], None]

KIND_LABELS = {
    "orphan": "没有任何记录引用的证据文件",
    "temporary": "中断的导入或复制留下的临时文件",
    "backup": "中断的备份留下的暂存文件",
}


@dataclass(frozen=True)
class Leftover:
    """One thing left behind: what kind, where, how big, since when (and the blob's hash for orphans)."""

    kind: str  # orphan | temporary | backup
    path: Path
    size: int
    modified: datetime
    sha256: str = ""
    registry_entry: str = ""  # for backups: the registration that named it

    @property
    def label(self) -> str:
        """What kind of leftover this is, in Chinese."""
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class LeftoverReport:
    """What was found (a dry run) or removed (`applied`)."""

    items: tuple[Leftover, ...]
    applied: bool = False

    @property
    def total_bytes(self) -> int:
        """The space all of them take."""
        return sum(item.size for item in self.items)

    def lines(self) -> list[str]:
        """One Chinese line per kind found, with the count and the space it takes."""
        lines = []
        for kind, label in KIND_LABELS.items():
            found = [item for item in self.items if item.kind == kind]
            if found:
                lines.append(f"{label}：{len(found)} 个，共 {size_text(sum(i.size for i in found))}")
        return lines


def size_text(size: int) -> str:
    """A byte count as people read it (KB, MB, GB)."""
    value = float(size)
    for unit in ("字节", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} 字节" if unit == "字节" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} 字节"


_REFERENCE_COLUMNS = (
    Evidence.sha256, DocumentRecord.pdf_sha256, DocumentRecord.docx_sha256,
    TransferReceipt.scan_sha256, TransferPackage.manifest_sha256,
)  # fmt: skip


def is_referenced(session: Session, sha256: str) -> bool:
    """Whether any row names this stored file."""
    return any(
        session.scalar(select(column).where(column == sha256).limit(1)) is not None
        for column in _REFERENCE_COLUMNS
    )


def referenced_hashes(session: Session) -> set[str]:
    """Every SHA-256 a row names as a stored file. A package's manifest is not stored here, but naming it
    costs nothing and keeps this safe should it ever be."""
    found: set[str] = set()
    for column in _REFERENCE_COLUMNS:
        found.update(sha for sha in session.scalars(select(column).where(column.is_not(None))) if sha)
    return found


def hold_references(session: Session) -> None:
    """Wait for, then hold until the transaction ends, the audit chain's head: every import appends its
    event (taking the head) before it checks its file is still there and commits. On SQLite the write
    transaction's BEGIN IMMEDIATE already serializes writers."""
    session.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update())


@allowed(Role.ADMIN, action="检查证据文件库中的遗留文件")
def check_leftovers(ctx: AppContext, actor: Actor, progress: Progress | None = None) -> LeftoverReport:
    """What `evidence gc` would remove now (the desk's check at start, for administrators)."""
    return find_leftovers(ctx, progress)


def find_leftovers(ctx: AppContext, progress: Progress | None = None) -> LeftoverReport:
    """Orphan files, abandoned temporaries and killed backups' staging, as they are now (nothing changes)."""
    with ctx.db.read() as session:
        referenced = referenced_hashes(session)
    return LeftoverReport(tuple(_scan(BlobStore(ctx.evidence_dir), referenced, time.time(), progress)))


@allowed(Role.ADMIN, action="清理证据文件库")
def collect_leftovers(
    ctx: AppContext, actor: Actor, *, apply: bool = False, progress: Progress | None = None
) -> LeftoverReport:
    """`evidence gc`: list the leftovers, or with `apply` remove them and record one audit event naming
    each removed file (hash, size, path). A file still named by a row is never touched."""
    if not apply:
        return find_leftovers(ctx, progress)
    store = BlobStore(ctx.evidence_dir)
    with ctx.db.write() as session:
        hold_references(session)
        now = time.time()
        found = _scan(store, referenced_hashes(session), now, progress, prune=True)
        removed = [item for item in found if _remove(store, item, now)]
        if removed:
            record_evidence_event(
                session, actor_id=actor.user_id, actor_login=actor.login, action="evidence_leftovers_removed",
                entity="evidence_store", entity_id="gc",
                payload={"removed": [{"kind": i.kind, "path": str(i.path), "size": i.size, "sha256": i.sha256,
                                      "modified": i.modified} for i in removed],
                         "bytes": sum(i.size for i in removed), "grace_hours": GRACE.total_seconds() / 3600,
                         "store": str(ctx.evidence_dir)},
            )  # fmt: skip
    return LeftoverReport(tuple(removed), applied=True)


def _scan(
    store: BlobStore, referenced: set[str], now: float, progress: Progress | None, *, prune: bool = False
) -> list[Leftover]:
    cutoff = now - GRACE.total_seconds()
    found: list[Leftover] = []
    files = list(store.blob_files())
    for done, blob in enumerate(files, start=1):
        if blob.sha256 not in referenced and blob.modified < cutoff:
            found.append(Leftover("orphan", blob.path, blob.size, _when(blob.modified), blob.sha256))
        if progress is not None and (done % 500 == 0 or done == len(files)):
            progress(done, len(files))
    for path in store.abandoned_temporaries():
        stat = _stat(path)
        # Windows cannot tell a running import's temporary from a dead one's: wait out the grace there.
        if stat is not None and (os.name != "nt" or stat.st_mtime < cutoff):
            found.append(Leftover("temporary", path, stat.st_size, _when(stat.st_mtime)))
    for path in store.copy_partials():
        stat = _stat(path)
        if stat is not None and stat.st_mtime < cutoff:
            found.append(Leftover("temporary", path, stat.st_size, _when(stat.st_mtime)))
    found += _killed_backups(prune)
    return found


def _remove(store: BlobStore, item: Leftover, now: float) -> bool:
    """Remove one leftover after checking again that it still is one; False when it no longer is."""
    if item.kind == "backup":
        return _remove_backup(item)
    if item.kind == "temporary" and item.path.parent == store.blob_dir:
        return store.remove_if_abandoned(item.path)
    # an orphan, or a store-to-store copy's partial: only while nothing has written or re-used it since
    stat = _stat(item.path)
    if stat is None or stat.st_mtime >= now - GRACE.total_seconds():
        return False
    try:
        item.path.unlink()
    except OSError:
        return False
    return True


# ---- backups in progress -----------------------------------------------------------------------


class BackupRegistration:
    """A backup's entry in the registry, locked while the backup runs; `release()` when it ends."""

    def __init__(self, entry: Path | None = None, handle: IO[bytes] | None = None):
        self.entry, self.handle = entry, handle

    def release(self) -> None:
        """The backup ended (finished or failed, having cleaned up after itself): drop its entry."""
        if self.handle is not None:
            self.handle.close()
        if self.entry is not None:
            self.entry.unlink(missing_ok=True)
        self.entry = self.handle = None


def register_backup(staging: Path, destination: Path) -> BackupRegistration:
    """Note a backup starting, so that what it leaves if killed can be found. A registry that cannot be
    written must not stop the backup itself: the registration is then simply absent."""
    partial = destination.with_name(f".{destination.name}.partial")
    record = {"staging": str(staging), "partial": str(partial), "destination": str(destination),
              "pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}  # fmt: skip
    try:
        folder = user_data_dir() / REGISTRY_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        entry = folder / f"{os.getpid()}-{secrets.token_hex(6)}.json"
        handle = entry.open("x+b")
        handle.write(json.dumps(record, ensure_ascii=False).encode())
        handle.flush()
        if not _lock_entry(handle):
            handle.close()
            entry.unlink(missing_ok=True)
            return BackupRegistration()
    except OSError:
        return BackupRegistration()
    return BackupRegistration(entry, handle)


def _killed_backups(prune: bool) -> list[Leftover]:
    folder = user_data_dir() / REGISTRY_FOLDER
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.glob("*.json")):
        record = _read_unheld(entry)
        if record is None:
            continue
        for path in _removable_paths(record):
            stat = _stat(path)
            if stat is not None:
                size = _folder_size(path) if path.is_dir() else stat.st_size
                found.append(Leftover("backup", path, size, _when(stat.st_mtime), "", str(entry)))
        if prune and not any(item.registry_entry == str(entry) for item in found):
            entry.unlink(missing_ok=True)  # nothing left of that backup but its note
    return found


def _remove_backup(item: Leftover) -> bool:
    entry = Path(item.registry_entry)
    handle = _claim(entry)
    if handle is None:
        return False  # the entry is gone, or a backup holds it
    try:
        record = _record_of(handle)
        if item.path not in _removable_paths(record):
            return False  # finished or changed since the scan
        if item.path.is_dir():
            shutil.rmtree(item.path)
        else:
            item.path.unlink()
    except OSError:
        return False
    finally:
        handle.close()
    if not _removable_paths(record):
        entry.unlink(missing_ok=True)
    return True


# What make_backup writes into a folder backup before its manifest (admin.backup's DATABASE_NAME,
# EVIDENCE_NAME, TEMPLATES_NAME, DESK_SETTINGS_NAME); a folder holding anything else is left alone.
_BACKUP_CONTENT = {"database.sqlite3", "evidence_store", "agency_templates", "desk_settings.ini"}


def _removable_paths(record: dict) -> list[Path]:
    """What a killed backup left that may go: its zip's staging folder and partial zip, or an unfinished
    folder backup (no manifest yet). Anything the record names that does not look like those stays."""
    staging, partial = Path(record.get("staging") or "."), Path(record.get("partial") or ".")
    paths = []
    if partial.is_absolute() and partial.name.endswith(".partial") and partial.is_file():
        paths.append(partial)
    if not (staging.is_absolute() and staging.is_dir()):
        return paths
    if staging.name.startswith(".ed-backup-") or (
        record.get("staging") == record.get("destination")
        and not (staging / BACKUP_MANIFEST).exists()
        and {child.name for child in staging.iterdir()} <= _BACKUP_CONTENT
    ):
        paths.append(staging)
    return paths


def _folder_size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        stat = _stat(path)
        total += stat.st_size if stat is not None and path.is_file() else 0
    return total


def _read_unheld(entry: Path) -> dict | None:
    """The entry's record when no running backup holds it; None while one does (or it is unreadable)."""
    handle = _claim(entry)
    if handle is None:
        return None
    try:
        return _record_of(handle)
    finally:
        handle.close()


def _record_of(handle: IO[bytes]) -> dict:
    handle.seek(0)
    try:
        record = json.loads(handle.read(1 << 16).decode())
    except (ValueError, OSError):
        return {}  # a damaged note names nothing that may be removed
    return record if isinstance(record, dict) else {}


# POSIX: flock on the whole file. Windows: a byte-range lock far past the record, which leaves the record
# readable by others while the lock still says "running".
_WINDOWS_LOCK_AT = 1 << 20


def _lock_entry(handle: IO[bytes]) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(_WINDOWS_LOCK_AT)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _claim(entry: Path) -> IO[bytes] | None:
    try:
        handle = entry.open("r+b")
    except OSError:
        return None
    if not _lock_entry(handle):
        handle.close()
        return None
    return handle


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _when(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp).replace(microsecond=0)
