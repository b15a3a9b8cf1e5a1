"""Anchoring the audit chain outside the database: signed checkpoints of its head.

The chain's hashes prove that no event was changed *relative to the others*, but someone with write
access to the database can delete the last events and reset `audit_head`, or change an event and
recompute every hash after it, and the chain would again hold together. A checkpoint fixes the head
as this PC last saw it — (database identity, seq, hash, time), signed with the agency's Ed25519 key
held in the OS keyring — and is kept where the database cannot reach it: in the user's data folder
(`audit_checkpoints.json`) and in each backup's manifest. `audit verify` then requires the chain to
still contain the checkpoint's event with the same hash; a chain extended since then passes.

The database identity does not depend on where the file lies (a copied or migrated database is the same
record): it is the hash of the agency id and the first audit event's hash, which a cut at the end and a
rewrite after the first event both leave unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enforcement_desk.core.errors import DomainError
from enforcement_desk.paths import user_data_dir
from enforcement_desk.store.models import Agency, AuditEvent

CHECKPOINTS_FILE = "audit_checkpoints.json"
CHECKPOINTS_FORMAT = 1
# Earlier (seq, hash) pairs kept per database so a rewrite can be narrowed down to a few events; thinned
# (every other older pair dropped) once there are more, so the file stays small however long the chain.
HISTORY_LIMIT = 400
# The last events' (seq, hash, time) kept with the latest checkpoint, so a cut of up to this many events
# names the first one removed exactly, with its time.
TAIL_LENGTH = 64


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head as seen at `recorded_at`, signed with the agency key (signature None when this
    PC had no usable keyring)."""

    database_id: str
    agency_id: int
    genesis: str
    seq: int
    hash: str
    event_at: str
    recorded_at: str
    signature: str | None = None

    def message(self) -> bytes:
        """The bytes the signature covers: every field but the signature, as canonical JSON."""
        fields = asdict(self)
        fields.pop("signature")
        return json.dumps(
            {"kind": "enforcement-desk audit checkpoint", **fields}, sort_keys=True, separators=(",", ":")
        ).encode()

    def to_dict(self) -> dict:
        """The checkpoint as stored in the local file and in a backup manifest."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Checkpoint:
        """A checkpoint read back; refuses one with missing or unknown fields."""
        try:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k != "signature"},
                       signature=data.get("signature"))  # fmt: skip
        except (KeyError, TypeError) as exc:
            raise DomainError(f"审计检查点格式不正确（缺少 {exc}）") from None

    @property
    def label(self) -> str:
        """How the checkpoint is named to the user: its head and when it was recorded."""
        return f"#{self.seq}（{_short_time(self.event_at)}，记录于 {_short_time(self.recorded_at)}）"


@dataclass(frozen=True)
class ChainHead:
    """What identifies a database's chain and where it ends now."""

    agency_id: int
    genesis: str
    seq: int
    hash: str
    event_at: str
    founding: str = ""
    fork: str = ""  # the hash of the event that began this copy as a database of its own (migrate-to)

    @property
    def database_id(self) -> str:
        """The database's identity: the agency and the first event's hash, never the file's path; a server
        database migrated from an embedded one adds the migration's event, for the two chains go on apart."""
        return database_identity(self.agency_id, self.genesis, self.fork)


@dataclass(frozen=True)
class CheckpointCheck:
    """One checkpoint compared with the chain: where it came from, and what was wrong (None when it holds)."""

    source: str
    checkpoint: Checkpoint
    signature: str  # "有效" / "无效" / "未签名" / "无法核对"
    problem: str | None

    @property
    def ok(self) -> bool:
        """True when the chain still contains the checkpoint's event unchanged and the signature holds."""
        return self.problem is None

    @property
    def signature_label(self) -> str:
        """The signature's state as a phrase for the report."""
        return {
            "有效": "签名有效",
            "无效": "签名无效",
            "未签名": "未签名",
            "无法核对": "签名无法核对（本机没有可用的系统密钥环）",
        }[self.signature]


def database_identity(agency_id: int, genesis: str, fork: str = "") -> str:
    """The identity checkpoints are kept under: stable across copies and backups; a migration to the
    server (`fork`) starts a new one."""
    text = f"enforcement-desk audit\n{agency_id}\n{genesis}" + (f"\n{fork}" if fork else "")
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _short_time(text: str) -> str:
    return text[:19].replace("T", " ") if text else "时间不详"


# ---- reading the chain -------------------------------------------------------------------------


def chain_head(session: Session) -> ChainHead | None:
    """The chain's identity and its last event; None for a database without an agency or events."""
    agency = session.execute(select(Agency.id, Agency.created_at).order_by(Agency.id).limit(1)).first()
    agency_id = agency[0] if agency else None
    first = session.execute(select(AuditEvent.hash).where(AuditEvent.seq == 1)).first()
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    if agency_id is None or first is None or last is None:
        return None
    fork = _migration_fork(session)
    return ChainHead(agency_id, first[0], last[0], last[1], last[2], founding_mark(agency_id, agency[1], fork), fork)


MIGRATION_EVENT = "migrated_from_embedded"


def _migration_fork(session: Session) -> str:
    """The event with which `migrate-to` began a server database from an embedded one: from there the
    server's chain and the embedded one's go on apart. Honoured on PostgreSQL only, the one migration
    target, so that a marker slipped into an embedded file cannot shed that file's checkpoints."""
    if session.get_bind().dialect.name != "postgresql":
        return ""
    row = session.execute(
        select(AuditEvent.hash).where(AuditEvent.action == MIGRATION_EVENT).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return row[0] if row else ""


def founding_mark(agency_id: int, created_at: object, fork: str = "") -> str:
    """A mark of the agency row's creation, kept beside the checkpoints: when a database's first event
    no longer matches any checkpoint but its agency was created at the same moment as one this PC saw,
    the whole chain was deleted or rewritten from its start."""
    text = created_at.isoformat(sep=" ") if isinstance(created_at, datetime) else str(created_at)
    mark = f"enforcement-desk agency\n{agency_id}\n{text}" + (f"\n{fork}" if fork else "")
    return hashlib.sha256(mark.encode()).hexdigest()[:32]


def _event(session: Session, seq: int) -> tuple[str, str] | None:
    row = session.execute(select(AuditEvent.hash, AuditEvent.at).where(AuditEvent.seq == seq)).first()
    return (row[0], row[1]) if row else None


# ---- signing -----------------------------------------------------------------------------------


def _keyring_usable() -> bool:
    from enforcement_desk.store.credentials import keyring_status

    return keyring_status().available


def sign_checkpoint(head: ChainHead, recorded_at: datetime) -> Checkpoint:
    """A checkpoint of `head`, signed with the agency key when this PC's keyring holds (or can hold) it."""
    checkpoint = Checkpoint(
        database_id=head.database_id,
        agency_id=head.agency_id,
        genesis=head.genesis,
        seq=head.seq,
        hash=head.hash,
        event_at=head.event_at,
        recorded_at=recorded_at.isoformat(timespec="seconds"),
    )
    if not _keyring_usable():
        return checkpoint
    from enforcement_desk.transfer.signing import agency_signing_key

    try:
        key = agency_signing_key(head.agency_id)
    except DomainError:  # the keyring refused: an unsigned checkpoint still anchors this PC's view
        return checkpoint
    signature = key.sign(checkpoint.message())
    return Checkpoint(**{**asdict(checkpoint), "signature": base64.b64encode(signature).decode()})


def signature_status(checkpoint: Checkpoint) -> str:
    """“有效”, “无效” (forged or altered), “未签名”, or “无法核对” (no keyring on this PC)."""
    if not checkpoint.signature:
        return "未签名"
    if not _keyring_usable():
        return "无法核对"
    from enforcement_desk.transfer.signing import agency_signing_key, public_key_pem, verify_signature

    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
    except ValueError:
        return "无效"
    try:
        key = public_key_pem(agency_signing_key(checkpoint.agency_id))
    except DomainError:  # the keyring refused to give the key up
        return "无法核对"
    return "有效" if verify_signature(key, signature, checkpoint.message()) else "无效"


# ---- the local file ----------------------------------------------------------------------------


def checkpoints_path() -> Path:
    """This PC's checkpoint file, in the user's data folder (ENFORCEMENT_DESK_HOME or XDG_DATA_HOME)."""
    return user_data_dir() / CHECKPOINTS_FILE


def _read_file(path: Path) -> dict:
    if not path.is_file():
        return {"format": CHECKPOINTS_FORMAT, "databases": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DomainError(f"本机审计检查点文件“{path}”无法读取（{exc}），该文件可能已被改动") from None
    if not isinstance(data, dict) or not isinstance(data.get("databases"), dict):
        raise DomainError(f"本机审计检查点文件“{path}”格式不正确，该文件可能已被改动")
    return data


def local_entry(database_id: str, path: Path | None = None) -> tuple[Checkpoint | None, list[list]]:
    """This PC's latest checkpoint of a database and the earlier (seq, hash, at) triples it saw
    (older heads and the events just before the latest one)."""
    entry = _read_file(path or checkpoints_path())["databases"].get(database_id)
    if not entry:
        return None, []
    return Checkpoint.from_dict(entry["latest"]), [*entry.get("history", []), *entry.get("tail", [])]


def _thin(history: list[list]) -> list[list]:
    if len(history) <= HISTORY_LIMIT:
        return history
    half = len(history) // 2
    return history[:half:2] + history[half:]


def save_local(
    checkpoint: Checkpoint, path: Path | None = None, tail: list[list] | None = None, founding: str = ""
) -> None:
    """Make `checkpoint` this PC's latest for its database, keeping the previous one in the history."""
    path = path or checkpoints_path()
    data = _read_file(path)
    entry = data["databases"].get(checkpoint.database_id) or {}
    history = list(entry.get("history", []))
    previous = entry.get("latest")
    if previous and previous["seq"] < checkpoint.seq:
        history.append([previous["seq"], previous["hash"], previous["event_at"]])
    data["databases"][checkpoint.database_id] = {
        "latest": checkpoint.to_dict(),
        "history": _thin(history),
        "tail": tail or [],
        "founding": founding or entry.get("founding", ""),
    }
    _write_file(path, data)


def _write_file(path: Path, data: dict) -> None:
    data["format"] = CHECKPOINTS_FORMAT
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".checkpoints-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
    os.replace(partial, path)


def accept_restore(db, now: datetime, backup: str, backup_seq: int, by: str) -> None:
    """An administrator replaced this database with a backup (admin.backup.restore_backup): the events
    after the backup's head are gone by that decision, not by a cut. This PC's checkpoint moves to the
    restored chain's head, the earlier heads past the backup are dropped, and the restore is kept beside
    the checkpoint so that `audit verify` keeps naming the abandoned events."""
    with db.read() as session:
        head = chain_head(session)
        if head is None:
            return
        tail = tail_before(session, head.seq)
    path = checkpoints_path()
    data = _read_file(path)
    entry = data["databases"].get(head.database_id) or {}
    previous = entry.get("latest")
    restores = list(entry.get("restores", []))
    if previous and previous["seq"] > backup_seq:
        restores.append(
            {"at": now.isoformat(sep=" ", timespec="seconds"), "by": by, "backup": backup,
             "kept_to": backup_seq, "abandoned_to": previous["seq"]}
        )  # fmt: skip
    data["databases"][head.database_id] = {
        "latest": sign_checkpoint(head, now).to_dict(),
        "history": [h for h in entry.get("history", []) if h[0] <= backup_seq],
        "tail": tail,
        "founding": head.founding or entry.get("founding", ""),
        "restores": restores,
    }
    _write_file(path, data)


def restore_notes(head: ChainHead | None) -> list[str]:
    """What this PC recorded of restores of the database: which events each one abandoned."""
    if head is None:
        return []
    entry = _read_file(checkpoints_path())["databases"].get(head.database_id) or {}
    return [
        f"{r['at']} 由 {r['by']} 用备份“{r['backup']}”覆盖恢复：本机曾见到的事件 #{r['kept_to'] + 1}–#{r['abandoned_to']}"
        "随恢复放弃（恢复本身记入审计）"
        for r in entry.get("restores", [])
    ]


def tail_before(session: Session, seq: int) -> list[list]:
    """The (seq, hash, time) of the TAIL_LENGTH events before `seq`, oldest first."""
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at)
        .where(AuditEvent.seq < seq)
        .order_by(AuditEvent.seq.desc())
        .limit(TAIL_LENGTH)
    ).all()
    return [list(row) for row in reversed(rows)]


def refresh_checkpoint(db, now: datetime, path: Path | None = None) -> Checkpoint | None:
    """After a command wrote: record the chain's new head as this PC's checkpoint of the database.

    The checkpoint only moves forward along the same chain: when the chain no longer contains the
    current checkpoint's event unchanged (cut short or rewritten), the old checkpoint is kept so that
    `audit verify` goes on reporting it. Costs one small read and one small file per command."""
    with db.read() as session:
        head = chain_head(session)
        if head is None:
            return None
        known, _ = local_entry(head.database_id, path)
        if known is None and path is None and _replaced_chain(head):
            return None  # a chain restarted after a wipe is never anchored: verify keeps reporting it
        if known is not None:
            if known.seq == head.seq and known.hash == head.hash:
                return known
            if known.seq > head.seq or _event(session, known.seq) != (known.hash, known.event_at):
                return known
        tail = tail_before(session, head.seq)
    checkpoint = sign_checkpoint(head, now)
    save_local(checkpoint, path, tail, head.founding)
    return checkpoint


# ---- checking the chain against checkpoints ----------------------------------------------------


def _first_difference(session: Session, checkpoint: Checkpoint, known: list[list]) -> str:
    """Name the first event that is gone or no longer the one this PC saw, as closely as the earlier
    (seq, hash, time) triples allow: after the last one that still matches, up to the first that does not."""
    triples = sorted({(seq, digest, at) for seq, digest, at in known if seq < checkpoint.seq})
    triples.append((checkpoint.seq, checkpoint.hash, checkpoint.event_at))
    stored: dict[int, str] = {}
    seqs = [t[0] for t in triples]
    for start in range(0, len(seqs), 500):
        rows = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(seqs[start : start + 500]))
        )
        stored.update({seq: digest for seq, digest in rows})
    good = 0
    for seq, digest, at in triples:
        if stored.get(seq) == digest:
            good = seq
            continue
        if seq == good + 1:
            state = "已不存在" if seq not in stored else "已被替换或改动"
            return f"第一个{state}的事件为 #{seq}（原事件时间 {_short_time(at)}）"
        if good == 0:
            return f"第一个缺失或被改动的事件不晚于 #{seq}（更早的事件没有记录可比）"
        return f"第一个缺失或被改动的事件在 #{good + 1} 至 #{seq} 之间（#{good} 及以前未变）"
    return "未能确定具体事件"


def check_against(
    session: Session, checkpoint: Checkpoint, source: str, known: Iterable[list] = ()
) -> CheckpointCheck:
    """Does the chain still hold the checkpoint's event unchanged, and is the checkpoint genuine?"""
    signature = signature_status(checkpoint)
    if signature == "无效":
        return CheckpointCheck(
            source,
            checkpoint,
            signature,
            f"{source}审计检查点 {checkpoint.label}的签名与本机关密钥不符（检查点被伪造或改动）",
        )
    if signature == "未签名" and _keyring_usable():
        # written where no keyring was usable; here one is, so an unsigned checkpoint may be a swapped one
        return CheckpointCheck(
            source,
            checkpoint,
            signature,
            f"{source}审计检查点 {checkpoint.label}没有签名，而本机可以签名（检查点可能被替换；"
            "若该检查点确是在没有系统密钥环时记录的，下次写入后会换成签名的检查点）",
        )
    last = session.scalar(select(func.max(AuditEvent.seq))) or 0
    if last < checkpoint.seq:
        return CheckpointCheck(
            source,
            checkpoint,
            signature,
            f"审计链被截短（末尾事件被删除）：{source}检查点 {checkpoint.label}记录的链头为 #{checkpoint.seq}，"
            f"现在只到 #{last}；{_first_difference(session, checkpoint, list(known))}",
        )
    found = _event(session, checkpoint.seq)
    if found is None or found[0] != checkpoint.hash:
        return CheckpointCheck(
            source,
            checkpoint,
            signature,
            f"审计链被改写（哈希被重新计算）：事件 #{checkpoint.seq} 与{source}检查点 {checkpoint.label}不符；"
            f"{_first_difference(session, checkpoint, list(known))}",
        )
    return CheckpointCheck(source, checkpoint, signature, None)


def backup_checkpoint(backup: Path) -> tuple[Checkpoint, list[list]]:
    """The signed checkpoint in a backup's manifest (a backup folder or .zip), read without unpacking it,
    and the (seq, hash, time) of the events just before it."""
    import zipfile

    backup = Path(backup)
    try:
        if backup.is_dir():
            text = (backup / "manifest.json").read_text(encoding="utf-8")
        elif zipfile.is_zipfile(backup):
            with zipfile.ZipFile(backup) as archive:
                text = archive.read("manifest.json").decode("utf-8")
        else:
            raise DomainError(f"“{backup}”不是备份文件夹，也不是备份 zip 文件")
        data = json.loads(text)
    except (OSError, KeyError, ValueError):
        raise DomainError(f"无法读取备份“{backup}”的清单 manifest.json") from None
    if not isinstance(data, dict) or not data.get("audit_checkpoint"):
        raise DomainError(f"备份“{backup}”的清单中没有审计检查点（旧版本程序制作的备份）")
    return Checkpoint.from_dict(data["audit_checkpoint"]), list(data["audit_checkpoint"].get("tail", []))


def check_backup_checkpoints(session: Session, backups: Iterable[Path]) -> list[CheckpointCheck]:
    """The chain against the checkpoint each given backup was signed with at backup time."""
    head = chain_head(session)
    checks = []
    for backup in backups:
        checkpoint, tail = backup_checkpoint(backup)
        source = f"备份“{Path(backup).name}”"
        if head is None or checkpoint.database_id != head.database_id:
            checks.append(
                CheckpointCheck(
                    source,
                    checkpoint,
                    signature_status(checkpoint),
                    f"{source}的审计检查点 {checkpoint.label}属于另一个数据库（机关或首个审计事件不同）："
                    "若备份确是本库的，则审计链已从第 1 条起被替换",
                )
            )
            continue
        checks.append(check_against(session, checkpoint, source, tail))
    return checks


def check_local_checkpoints(session: Session) -> tuple[ChainHead | None, list[CheckpointCheck]]:
    """The chain against every checkpoint this PC holds for the database (none for a new database)."""
    head = chain_head(session)
    if head is None:
        return None, []
    try:
        checkpoint, history = local_entry(head.database_id)
    except DomainError as exc:
        dummy = Checkpoint(head.database_id, head.agency_id, head.genesis, 0, "", "", "")
        return head, [CheckpointCheck("本机", dummy, "无法核对", str(exc))]
    if checkpoint is None:
        return head, _replaced_chain(head)
    return head, [check_against(session, checkpoint, "本机", history)]


def _replaced_chain(head: ChainHead) -> list[CheckpointCheck]:
    """A database this PC never anchored: unless its agency row is one this PC anchored under another
    first event, which means the chain was replaced from its start."""
    for entry in _read_file(checkpoints_path())["databases"].values():
        if head.founding and entry.get("founding") == head.founding:
            earlier = Checkpoint.from_dict(entry["latest"])
            return [
                CheckpointCheck(
                    "本机",
                    earlier,
                    signature_status(earlier),
                    f"审计链被整体替换：本机检查点 {earlier.label}记录的是同一机关数据库（机关创建时间相同）的审计链，"
                    "但现在的首个审计事件已不同（审计记录被全部删除或从头改写）；第一个被改动的事件为 #1",
                )
            ]
    return []


def anchor_after_writes(db) -> str | None:
    """At the end of a command or a desk session: refresh the checkpoint if anything was written.

    Never fails the command that wrote (its work is committed): returns a warning to show instead."""
    if not db.commits:
        return None
    try:
        refresh_checkpoint(db, datetime.now())
    except DomainError as exc:
        return f"未能更新本机的审计检查点：{exc}"
    except Exception as exc:  # a database without the audit tables yet, an unwritable data folder
        return f"未能更新本机的审计检查点：{type(exc).__name__}：{exc}"
    return None
