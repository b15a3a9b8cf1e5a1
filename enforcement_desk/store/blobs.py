"""Content-addressed file store for evidence and issued documents.

A file lives at root/blobs/<first two hex digits>/<sha256>. It is streamed in (constant memory
whatever its size), hashed while copied to a temporary name in the same directory, flushed to disk,
and only then renamed into place — so a crash leaves at worst a stray temporary file, never a
half-written blob under a real name. Identical content is stored once. Blobs are never modified, except
that storing the genuine bytes again replaces a file that went missing or no longer hashes to its name.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from enforcement_desk.core.errors import DomainError

CHUNK = 1024 * 1024
TEMP_PREFIX = ".incoming-"


class ImportCancelled(DomainError):
    """The user cancelled while a file was being copied; nothing of that file was kept."""

    def __init__(self) -> None:
        super().__init__("导入已取消，正在复制的文件未保存")


@dataclass(frozen=True)
class StoredBlob:
    """A file in the store: its SHA-256, size and path, and whether it was there already."""

    sha256: str
    size: int
    path: Path
    already_present: bool
    # the file under this name had other bytes (damaged) and was replaced by the genuine ones
    repaired: bool = False


@dataclass(frozen=True)
class BlobFile:
    """A file found in the store by listing it, before anything says whether a row names it."""

    sha256: str
    path: Path
    size: int
    modified: float  # st_mtime


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    """Content-addressed files (evidence, issued documents) under `root`/blobs, named by their SHA-256."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.blob_dir = self.root / "blobs"

    def path_for(self, sha256: str) -> Path:
        """Where the file with this SHA-256 lives; refuses anything that is not a hex SHA-256."""
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.blob_dir / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        """True when the file with this SHA-256 is in the store."""
        return self.path_for(sha256).is_file()

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored file: False when its bytes no longer match its name."""
        path = self.path_for(sha256)
        return path.is_file() and sha256_of(path) == sha256

    def open(self, sha256: str) -> BinaryIO:
        """The stored file, opened for reading bytes."""
        return self.path_for(sha256).open("rb")

    def put_file(
        self,
        source: Path,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> StoredBlob:
        """Copy a file into the store (progress reported, cancellable) and return where it is."""
        source = Path(source)
        try:
            total = source.stat().st_size
            handle = source.open("rb")
        except OSError as exc:
            raise DomainError(f"无法读取文件“{source.name}”：{exc.strerror or exc}") from None
        with handle:
            return self.put_stream(handle, total=total, progress=progress, cancelled=cancelled)

    def put_bytes(self, data: bytes) -> StoredBlob:
        """Store bytes as a file and return where it is."""
        import io

        return self.put_stream(io.BytesIO(data), total=len(data))

    def put_stream(
        self,
        stream: BinaryIO,
        *,
        total: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> StoredBlob:
        """Copy `stream` into the store; `progress(done, total)` after each chunk; `cancelled()` may stop it
        (raising ImportCancelled, with the temporary removed)."""
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self.remove_abandoned_temporaries()
        digest = hashlib.sha256()
        size = 0
        temp, out = self._open_temporary()
        try:
            with out:
                while chunk := stream.read(CHUNK):
                    if cancelled is not None and cancelled():
                        raise ImportCancelled()
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress(size, total if total is not None else size)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path_for(sha)
            present = final.is_file()
            if present and final.stat().st_size == size and sha256_of(final) == sha:
                temp.unlink()
                # A fresh time tells `evidence gc` that a row naming this file may be about to commit.
                os.utime(final)
                return StoredBlob(sha, size, final, already_present=True)
            damaged = present  # there, but not these bytes: the genuine ones replace it
            if damaged and sha256_of(temp) != sha:
                raise DomainError("文件写入证据库后校验不符（磁盘可能有故障），原文件未替换")
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, final)
            _fsync_dir(final.parent)
            return StoredBlob(sha, size, final, already_present=False, repaired=damaged)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def _open_temporary(self) -> tuple[Path, BinaryIO]:
        """A new locked temporary. The lock marks it as in use, so another importer's clean-up leaves it
        alone; if a clean-up took it between creation and locking, start again with a new name."""
        while True:
            temp = self.blob_dir / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
            out = temp.open("xb")
            _lock(out)
            try:
                if os.name == "nt" or os.stat(temp).st_ino == os.fstat(out.fileno()).st_ino:
                    return temp, out
            except FileNotFoundError:
                pass
            out.close()

    def stray_temporaries(self) -> list[Path]:
        """Temporary files present now: imports running, or left behind by one that was killed."""
        if not self.blob_dir.is_dir():
            return []
        return sorted(self.blob_dir.glob(f"{TEMP_PREFIX}*"))

    def blob_files(self) -> Iterator[BlobFile]:
        """Every file stored under a SHA-256 name, as the directory holds it now (nothing is hashed)."""
        if not self.blob_dir.is_dir():
            return
        for folder in sorted(self.blob_dir.iterdir()):
            if not (folder.is_dir() and len(folder.name) == 2):
                continue
            for path in sorted(folder.iterdir()):
                if len(path.name) != 64 or not path.name.startswith(folder.name) or not _is_hex(path.name):
                    continue
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                if path.is_file():
                    yield BlobFile(path.name, path, stat.st_size, stat.st_mtime)

    def copy_partials(self) -> list[Path]:
        """Partial copies a store-to-store copy (backup, restore, moving to the server) writes beside the
        blob it becomes; one still there after its copy ended was left by a killed process."""
        if not self.blob_dir.is_dir():
            return []
        return sorted(self.blob_dir.glob(f"??/{TEMP_PREFIX}*"))

    def abandoned_temporaries(self) -> list[Path]:
        """Temporaries no running import holds (its importer died); on Windows, where an open file
        cannot be told from a closed one this way, every temporary."""
        abandoned = []
        for path in self.stray_temporaries():
            try:
                with path.open("rb") as handle:
                    if _try_lock(handle):
                        abandoned.append(path)
            except OSError:
                continue
        return abandoned

    def remove_abandoned_temporaries(self) -> int:
        """Delete temporaries whose importer died (no process holds their lock any more)."""
        return sum(self.remove_if_abandoned(path) for path in self.stray_temporaries())

    def remove_if_abandoned(self, temporary: Path) -> bool:
        """Delete one temporary unless a running import holds it; True when it was deleted."""
        try:
            with temporary.open("rb") as handle:
                if not _try_lock(handle):
                    return False
            temporary.unlink()
        except OSError:  # in use (Windows keeps open files) or already gone
            return False
        return True


def _is_hex(name: str) -> bool:
    return all(ch in "0123456789abcdef" for ch in name)


def _lock(handle) -> None:
    if os.name != "nt":
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _try_lock(handle) -> bool:
    if os.name == "nt":
        return True  # an open temporary cannot be deleted on Windows, so unlink fails safely instead
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _fsync_dir(directory: Path) -> None:
    # The rename itself must reach the disk, or a power cut could forget a committed blob.
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
