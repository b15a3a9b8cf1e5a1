"""Backing up the embedded database with its evidence store while the app runs, and restoring it.

The database is copied with SQLite's online backup API in a single step: that takes one read
snapshot, so officers keep saving while it runs (WAL lets a reader and a writer proceed together)
and the copy is a consistent database, never a file caught half-way through a write. The evidence
store is copied after the snapshot; blobs are written before the row that names them commits and
are never changed, so every file the snapshot refers to is already there. A manifest records what
the backup must contain — table row counts, the audit chain's tip, the database file's SHA-256, and a
checkpoint of the tip signed with the agency key (admin.audit_anchor) — and restoring checks all of it
before and after. The agency's edited document templates and the desk's settings ride along (they live
outside the database, in the user's folder and the desk's settings store), each named in the manifest
with its SHA-256, and the manifest itself is signed with the agency key (admin.backup_seal).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from enforcement_desk import __version__
from enforcement_desk.admin import record_admin_event
from enforcement_desk.admin.audit_anchor import (
    TAIL_LENGTH,
    ChainHead,
    Checkpoint,
    sign_checkpoint,
    signature_status,
)
from enforcement_desk.admin.backup_seal import check_seal, seal_manifest
from enforcement_desk.context import Actor, AppContext, allowed
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.store.audit import GENESIS_HASH, verify_rows
from enforcement_desk.store.blobs import BlobStore, sha256_of
from enforcement_desk.store.db import Database

BACKUP_FORMAT = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "database.sqlite3"
EVIDENCE_NAME = "evidence_store"
TEMPLATES_NAME = "agency_templates"
DESK_SETTINGS_NAME = "desk_settings.ini"

Progress = Callable[[str, int, int], None]  # (what, done, total)

AUDIT_COLUMNS = "seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload, prev_hash, hash"
# Where stored files are named by hash; a backup or restore missing one of them is incomplete.
BLOB_REFERENCES = (
    ("evidence", "sha256", "证据"),
    ("documents", "pdf_sha256", "文书 PDF"),
    ("documents", "docx_sha256", "文书 DOCX"),
)


@dataclass(frozen=True)
class BackupManifest:
    """What a backup holds, written beside it as JSON: database checksum, row counts, audit tip, files."""

    created_at: str
    app_version: str
    source: str
    database_sha256: str
    database_bytes: int
    tables: dict[str, int]
    audit_last_seq: int
    audit_last_hash: str
    blobs: int
    blob_bytes: int
    format: int = BACKUP_FORMAT
    # the chain's head at backup time, signed with the agency key (None in backups made before this)
    audit_checkpoint: dict | None = None
    # the agency's templates and the desk settings: path in the backup -> SHA-256 (empty before this)
    files: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as indented, key-sorted JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> BackupManifest:
        """Read a manifest; refuses a backup format this program does not know."""
        data = json.loads(text)
        if data.get("format") != BACKUP_FORMAT:
            raise DomainError(
                f"不认识的备份格式版本：{data.get('format')}（本程序支持第 {BACKUP_FORMAT} 版）"
            )
        try:
            return cls(**data)
        except TypeError:
            raise DomainError("备份清单的内容不完整或含有本程序不认识的项目，无法使用这份备份") from None


@dataclass(frozen=True)
class BackupResult:
    """A finished backup: where it was written and its manifest."""

    path: Path
    manifest: BackupManifest


@dataclass(frozen=True)
class RestoreReport:
    """The outcome of a restore or a backup check: the audit events and files verified, and the problems."""

    database: Path
    evidence_dir: Path
    events_checked: int
    blobs_checked: int
    problems: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


# ---- the evidence store ----------------------------------------------------------------------


def copy_blob_store(source_dir: Path, target_dir: Path, progress: Progress | None = None) -> tuple[int, int]:
    """Copy every stored file into another store, re-hashing each copy (a blob's name is its hash).
    Files already present with the right content are kept. Returns (files, bytes)."""
    source, target = BlobStore(source_dir), BlobStore(target_dir)
    blobs = sorted(p for p in source.blob_dir.glob("??/*") if p.is_file() and len(p.name) == 64)
    total_bytes = 0
    for done, path in enumerate(blobs, start=1):
        destination = target.path_for(path.name)
        if not (destination.is_file() and sha256_of(destination) == path.name):
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".incoming-{path.name}")
            shutil.copyfile(path, partial)
            if sha256_of(partial) != path.name:
                partial.unlink()
                raise DomainError(f"证据文件 {path.name} 复制后校验不符（源文件可能已损坏），已停止")
            partial.replace(destination)
        total_bytes += destination.stat().st_size
        if progress:
            progress("evidence", done, len(blobs))
    return len(blobs), total_bytes


# ---- reading a database file -------------------------------------------------------------------


def _table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'cases_fts%' ORDER BY name"
        )
    ]
    return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _audit_tip(connection: sqlite3.Connection) -> tuple[int, str]:
    row = connection.execute("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def _chain_head(connection: sqlite3.Connection) -> ChainHead | None:
    """The chain's identity and last event, as audit_anchor.chain_head reads it from a live database."""
    agency = connection.execute("SELECT MIN(id) FROM agencies").fetchone()
    first = connection.execute("SELECT hash FROM audit_events WHERE seq = 1").fetchone()
    last = connection.execute("SELECT seq, hash, at FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    if agency is None or agency[0] is None or first is None or last is None:
        return None
    return ChainHead(agency[0], first[0], last[0], last[1], last[2])


def _checkpoint_findings(connection: sqlite3.Connection, manifest: BackupManifest, what: str):
    """The manifest's signed checkpoint against the backed-up chain: (notes, problems)."""
    if manifest.audit_checkpoint is None:
        return ["备份清单中没有审计检查点（旧版本程序制作的备份）"], []
    try:
        checkpoint = Checkpoint.from_dict(manifest.audit_checkpoint)
    except DomainError as exc:
        return [], [f"{what}{exc}"]
    signature = signature_status(checkpoint)
    notes = [f"备份时的审计链头：{checkpoint.label}，哈希 {checkpoint.hash[:16]}…，检查点签名{signature}"]
    problems = []
    head = _chain_head(connection)
    if signature == "无效":
        problems.append(f"{what}备份清单中的审计检查点签名与本机关密钥不符（检查点被伪造或改动）")
    if head is None or head.database_id != checkpoint.database_id:
        problems.append(f"{what}数据库与备份清单中审计检查点所属的数据库不同（首个审计事件或机关不符）")
    elif (head.seq, head.hash) != (checkpoint.seq, checkpoint.hash):
        problems.append(
            f"{what}审计链末端 #{head.seq} 与备份时签名的检查点 #{checkpoint.seq} 不符（备份中的审计记录被改动）"
        )
    return notes, problems


def _referenced_blobs(connection: sqlite3.Connection) -> dict[str, str]:
    present = set(_table_counts(connection))
    referenced: dict[str, str] = {}
    for table, column, label in BLOB_REFERENCES:
        if table not in present:
            continue
        for row_id, sha in connection.execute(
            f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
        ):
            referenced.setdefault(sha, f"{label} #{row_id}")
    return referenced


def _check_database(path: Path, manifest: BackupManifest, evidence_dir: Path, what: str) -> RestoreReport:
    """Everything a restored (or backed-up) database must satisfy against its manifest."""
    problems: list[str] = []
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"{what}数据库文件损坏：{integrity}")
            return RestoreReport(path, evidence_dir, 0, 0, tuple(problems))
        counts = _table_counts(connection)
        for table, expected in sorted(manifest.tables.items()):
            if counts.get(table) != expected:
                problems.append(f"{what}表 {table} 应有 {expected} 行，实际 {counts.get(table, 0)} 行")
        tip = _audit_tip(connection)
        rows = connection.execute(f"SELECT {AUDIT_COLUMNS} FROM audit_events ORDER BY seq")
        chain = verify_rows(rows, tip)
        problems += [f"{what}{p.message}" for p in chain.problems]
        if tip != (manifest.audit_last_seq, manifest.audit_last_hash):
            problems.append(f"{what}审计链链头为 #{tip[0]}，与备份清单记录的 #{manifest.audit_last_seq} 不符")
        notes, found = _checkpoint_findings(connection, manifest, what)
        problems += found
        referenced = _referenced_blobs(connection)
    store = BlobStore(evidence_dir)
    for sha, label in sorted(referenced.items(), key=lambda item: item[1]):
        if not store.exists(sha):
            problems.append(f"{what}{label} 的文件缺失（SHA-256 {sha}）")
        elif not store.verify(sha):
            problems.append(f"{what}{label} 的文件内容与登记的 SHA-256 不符")
    return RestoreReport(
        path, evidence_dir, chain.events_checked, len(referenced), tuple(problems), tuple(notes)
    )


# ---- the agency's files outside the database --------------------------------------------------


def _agency_templates_dir() -> Path:
    from enforcement_desk.documents.service import agency_templates_dir

    return agency_templates_dir()


def copy_agency_files(staging: Path) -> dict[str, str]:
    """The agency's edited templates and the desk settings copied into the backup: {path: SHA-256}."""
    files: dict[str, str] = {}
    templates = _agency_templates_dir()
    if templates.is_dir():
        for path in sorted(p for p in templates.rglob("*") if p.is_file()):
            relative = Path(TEMPLATES_NAME) / path.relative_to(templates)
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, staging / relative)
            files[relative.as_posix()] = sha256_of(staging / relative)
    from enforcement_desk.admin.desk.desk_settings import export_desk_settings

    if export_desk_settings(staging / DESK_SETTINGS_NAME):
        files[DESK_SETTINGS_NAME] = sha256_of(staging / DESK_SETTINGS_NAME)
    else:
        (staging / DESK_SETTINGS_NAME).unlink(missing_ok=True)
    return files


def _is_agency_file_name(name: str) -> bool:
    path = Path(name)
    if name == DESK_SETTINGS_NAME:
        return True
    return (
        not path.is_absolute()
        and len(path.parts) >= 2
        and path.parts[0] == TEMPLATES_NAME
        and not any(part in ("..", "") for part in path.parts)
        and "\\" not in name
        and ":" not in name
    )


def _agency_file_problems(folder: Path, manifest: BackupManifest, what: str) -> list[str]:
    """Each listed file present and unchanged, and no file slipped in beside them."""
    problems = []
    for name, sha in sorted(manifest.files.items()):
        path = folder / name
        if not _is_agency_file_name(name):
            # restore writes these files into the user's folder: a crafted name must not reach elsewhere
            problems.append(f"{what}清单列出的文件名“{name}”不合规（只能是文书模板或桌面端设置），拒绝使用")
        elif not path.is_file():
            problems.append(f"{what}缺少清单所列的文件 {name}")
        elif sha256_of(path) != sha:
            problems.append(f"{what}文件 {name} 已被改动（SHA-256 与清单不符）")
    extra = (
        [p for p in (folder / TEMPLATES_NAME).rglob("*") if p.is_file()]
        if (folder / TEMPLATES_NAME).is_dir()
        else []
    )
    problems += [
        f"{what}文件 {p.relative_to(folder).as_posix()} 不在备份清单中（备份制作后被加入）"
        for p in sorted(extra)
        if p.relative_to(folder).as_posix() not in manifest.files
    ]
    return problems


def _restore_agency_files(folder: Path, manifest: BackupManifest, now: datetime) -> list[str]:
    """Templates and desk settings put back; the templates found here are kept aside, not lost."""
    notes = []
    names = [n for n in manifest.files if n.startswith(f"{TEMPLATES_NAME}/")]
    if names:
        templates = _agency_templates_dir()
        if templates.is_dir() and any(templates.iterdir()):
            kept = templates.with_name(f"{templates.name}.恢复前-{now:%Y%m%d%H%M%S}")
            templates.replace(kept)
            notes.append(f"本机原有的文书模板已移至 {kept}")
        for name in names:
            target = templates / Path(name).relative_to(TEMPLATES_NAME)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, target)
        notes.append(f"已恢复本机关文书模板 {len(names)} 个到 {templates}")
    if DESK_SETTINGS_NAME in manifest.files:
        from enforcement_desk.admin.desk.desk_settings import import_desk_settings

        notes.append(
            f"已恢复桌面端设置 {import_desk_settings(folder / DESK_SETTINGS_NAME)} 项（数据库位置除外）"
        )
    return notes


# ---- backup ------------------------------------------------------------------------------------


def _snapshot(source: Path, destination: Path) -> None:
    with closing(sqlite3.connect(source, timeout=15)) as live, closing(sqlite3.connect(destination)) as copy:
        # pages=-1: the whole database in one step under one read snapshot. A step-wise backup
        # would restart whenever an officer saves, and could starve on a busy office.
        live.backup(copy, pages=-1)
        # The copy must stand alone as one file: no -wal/-shm companions.
        copy.execute("PRAGMA journal_mode=DELETE")


@allowed(Role.ADMIN, action="备份数据库")
def make_backup(
    ctx: AppContext, actor: Actor, destination: Path, progress: Progress | None = None
) -> BackupResult:
    """Back up the running embedded database and its evidence store into a new folder, or a
    single .zip file when `destination` ends in .zip."""
    source = ctx.db.sqlite_file
    if source is None:
        raise DomainError(
            "服务器数据库（PostgreSQL）不在本机备份：请按《服务器备份规程》用 pg_dump 备份，并同时备份证据文件库目录"
        )
    if not source.is_file():
        raise DomainError(f"数据库文件不存在：{source}")
    destination = Path(destination)
    as_zip = destination.suffix.lower() == ".zip"
    if destination.exists() and (as_zip or any(destination.iterdir())):
        raise DomainError(
            f"备份位置“{destination}”已存在且不为空：请选择新的文件夹或文件名，备份不会覆盖已有内容"
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ed-backup-", dir=destination.parent)) if as_zip else destination
    from enforcement_desk.evidence.leftovers import register_backup  # so `evidence gc` finds it if killed

    in_progress = register_backup(staging, destination)
    try:
        staging.mkdir(parents=True, exist_ok=True)
        database = staging / DATABASE_NAME
        if progress:
            progress("database", 0, 1)
        _snapshot(source, database)
        if progress:
            progress("database", 1, 1)
        with closing(sqlite3.connect(database)) as connection:
            counts = _table_counts(connection)
            last_seq, last_hash = _audit_tip(connection)
            head = _chain_head(connection)
            tail = (
                connection.execute(
                    "SELECT seq, hash, at FROM audit_events WHERE seq < ? ORDER BY seq DESC LIMIT ?",
                    (head.seq, TAIL_LENGTH),
                ).fetchall()
                if head is not None
                else []
            )
        checkpoint = sign_checkpoint(head, datetime.now()) if head is not None else None
        blobs, blob_bytes = copy_blob_store(ctx.evidence_dir, staging / EVIDENCE_NAME, progress)
        files = copy_agency_files(staging)
        manifest = BackupManifest(
            created_at=ctx.now().isoformat(timespec="seconds"),
            app_version=__version__,
            source=str(source),
            database_sha256=sha256_of(database),
            database_bytes=database.stat().st_size,
            tables=counts,
            audit_last_seq=last_seq,
            audit_last_hash=last_hash,
            blobs=blobs,
            blob_bytes=blob_bytes,
            # the events just before the head ride along (unsigned) to name the first one a cut removed
            audit_checkpoint=(
                {**checkpoint.to_dict(), "tail": [list(row) for row in reversed(tail)]}
                if checkpoint
                else None
            ),
            files=files,
        )
        manifest_bytes = manifest.to_json().encode("utf-8")
        (staging / MANIFEST_NAME).write_bytes(manifest_bytes)
        seal_manifest(staging, manifest_bytes, actor.agency_id)
        if as_zip:
            _write_zip(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if as_zip:
            shutil.rmtree(staging, ignore_errors=True)
        in_progress.release()
    with ctx.db.write() as session:
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="backup_made",
            entity="database",
            entity_id="backup",
            payload={
                "destination": str(destination),
                "audit_last_seq": manifest.audit_last_seq,
                "database_sha256": manifest.database_sha256,
                "blobs": manifest.blobs,
            },
        )
    return BackupResult(destination, manifest)


def _write_zip(folder: Path, destination: Path) -> None:
    partial = destination.with_name(f".{destination.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    partial.replace(destination)


# ---- restore -----------------------------------------------------------------------------------


@contextmanager
def _opened_backup(source: Path, scratch_parent: Path) -> Iterator[Path]:
    """The backup as a folder: itself, or a zip unpacked next to where it will be restored."""
    if source.is_dir():
        yield source
        return
    if not zipfile.is_zipfile(source):
        if source.suffix.lower() == ".zip":
            raise DomainError(
                f"备份文件“{source}”已损坏或不完整（不是完整的 zip 文件，可能复制中断），无法读取；请改用其他备份"
            )
        raise DomainError(f"“{source}”不是备份文件夹，也不是备份 zip 文件")
    scratch = Path(tempfile.mkdtemp(prefix=".ed-restore-", dir=scratch_parent))
    try:
        try:
            with zipfile.ZipFile(source) as archive:
                for member in archive.namelist():
                    target = (scratch / member).resolve()
                    if not target.is_relative_to(scratch.resolve()):
                        raise DomainError(f"备份文件中有越界的路径“{member}”，拒绝解压")
                archive.extractall(scratch)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
            # a flipped bit or a cut-off copy: zlib and zipfile say it in English and deep in a traceback
            raise DomainError(
                f"备份文件“{source}”已损坏或不完整，无法解压；请改用其他备份",
                details=[f"技术信息：{type(exc).__name__}: {exc}"],
            ) from None
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def read_manifest(folder: Path) -> BackupManifest:
    """The manifest of a backup folder; refuses a folder without one."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise DomainError(f"备份中没有清单文件 {MANIFEST_NAME}：这不是本程序生成的备份，或备份不完整")
    try:
        return BackupManifest.from_json(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        raise DomainError(f"备份中的清单文件 {MANIFEST_NAME} 已损坏，无法读取：这份备份不能使用") from None


def verify_backup(source: Path) -> RestoreReport:
    """Check a backup folder or zip against its own manifest without restoring it."""
    source = Path(source)
    with _opened_backup(source, source.parent) as folder:
        return _verify_folder(folder)


def _verify_folder(folder: Path) -> RestoreReport:
    manifest = read_manifest(folder)
    database = folder / DATABASE_NAME
    if not database.is_file() or sha256_of(database) != manifest.database_sha256:
        return RestoreReport(
            database,
            folder / EVIDENCE_NAME,
            0,
            0,
            ("备份中的数据库文件缺失或已被改动（SHA-256 与清单不符）",),
        )
    report = _check_database(database, manifest, folder / EVIDENCE_NAME, "备份中")
    seal = check_seal(folder, (folder / MANIFEST_NAME).read_bytes())
    return replace(
        report,
        problems=(*report.problems, *_agency_file_problems(folder, manifest, "备份中"), *seal.problems),
        notes=(*report.notes, *seal.notes),
    )


def restore_backup(
    source: Path,
    target_database: Path,
    target_evidence_dir: Path,
    *,
    replacing_as: Actor | None = None,
    progress: Progress | None = None,
) -> RestoreReport:
    """Restore a backup into a new location, checking the backup first and the result after.

    A database already at `target_database` (possibly open in a running app) is only replaced when
    `replacing_as` names an administrator of that database who confirmed it; the replacement then
    goes through SQLite's backup API, which takes the database lock like any writer, so a running
    app never reads a half-copied file.
    """
    source, target_database = Path(source), Path(target_database)
    target_evidence_dir = Path(target_evidence_dir)
    if not source.exists():
        raise DomainError(f"备份“{source}”不存在")
    replacing = target_database.exists()
    if replacing:
        if replacing_as is None:
            raise DomainError(
                f"“{target_database}”已有数据库（可能正在使用），恢复会用备份覆盖其中的全部数据",
                details=["如确需覆盖，请由该数据库的管理员确认后再恢复；否则请恢复到新的位置"],
            )
        _require_admin_of(target_database, replacing_as)
    target_database.parent.mkdir(parents=True, exist_ok=True)
    with _opened_backup(source, target_database.parent) as folder:
        before = _verify_folder(folder)
        if not before.ok:
            raise DomainError("备份本身未通过校验，未作任何恢复", details=list(before.problems))
        manifest = read_manifest(folder)
        if progress:
            progress("database", 0, 1)
        with (
            closing(sqlite3.connect(folder / DATABASE_NAME)) as backup,
            closing(sqlite3.connect(target_database, timeout=15)) as target,
        ):
            backup.backup(target, pages=-1)
        if progress:
            progress("database", 1, 1)
        copy_blob_store(folder / EVIDENCE_NAME, target_evidence_dir, progress)
        restored_files = _restore_agency_files(folder, manifest, datetime.now())
    report = _check_database(target_database, manifest, target_evidence_dir, "恢复后")
    report = replace(report, notes=(*before.notes, *report.notes, *restored_files))
    if replacing and replacing_as is not None and report.ok:
        _record_restore(target_database, replacing_as, source, manifest)
    return report


def _accept_restore(db: Database, actor: Actor, source: Path, manifest: BackupManifest) -> None:
    from enforcement_desk.admin.audit_anchor import accept_restore

    # An unreadable checkpoint file is reported by audit verify; the restore itself stands.
    with contextlib.suppress(DomainError):
        accept_restore(db, datetime.now(), str(source), manifest.audit_last_seq, actor.login)


def _require_admin_of(database: Path, actor: Actor) -> None:
    actor.require(Role.ADMIN, action="用备份覆盖现有数据库")
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        try:
            row = connection.execute(
                "SELECT login, role, active FROM users WHERE id = ?", (actor.user_id,)
            ).fetchone()
        except sqlite3.DatabaseError:
            raise DomainError(f"“{database}”不是本程序的数据库，不能用备份覆盖") from None
    if row is None or row[0] != actor.login or row[1] != Role.ADMIN.value or not row[2]:
        raise DomainError(f"“{actor.login}”不是“{database}”中的管理员，不能用备份覆盖该数据库")


def _record_restore(database: Path, actor: Actor, source: Path, manifest: BackupManifest) -> None:
    db = Database(f"sqlite:///{database}")
    try:
        with db.write() as session:
            record_admin_event(
                session,
                actor_id=actor.user_id,
                actor_login=actor.login,
                action="restored_from_backup",
                entity="database",
                entity_id="restore",
                payload={
                    "backup": str(source),
                    "backup_created_at": manifest.created_at,
                    "audit_last_seq": manifest.audit_last_seq,
                },
            )
        _accept_restore(db, actor, source, manifest)
    finally:
        db.dispose()
