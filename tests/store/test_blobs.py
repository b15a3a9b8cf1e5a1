"""The content-addressed blob store: layout, streaming, dedupe, cancel, and what a crash leaves."""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement_desk.store.blobs import TEMP_PREFIX, BlobStore, ImportCancelled


class Zeros(io.RawIOBase):
    """A stream of `size` zero bytes that never holds more than one read in memory."""

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


def test_a_blob_lives_under_its_sha256_in_a_folder_named_by_the_first_two_hex_digits(tmp_path):
    store = BlobStore(tmp_path)
    stored = store.put_bytes("现场笔录".encode())
    sha = hashlib.sha256("现场笔录".encode()).hexdigest()
    assert stored.sha256 == sha and stored.size == len("现场笔录".encode())
    assert store.path_for(sha) == tmp_path / "blobs" / sha[:2] / sha == stored.path
    assert store.exists(sha) and store.verify(sha)
    with store.open(sha) as handle:
        assert handle.read() == "现场笔录".encode()
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")
    with pytest.raises(ValueError):
        store.path_for(sha.upper())


def test_identical_content_is_stored_once(tmp_path):
    store = BlobStore(tmp_path)
    source = tmp_path / "clip.mp4"
    source.write_bytes(os.urandom(300_000))
    first = store.put_file(source)
    with source.open("rb") as handle:
        second = store.put_stream(handle)
    assert (first.already_present, second.already_present) == (False, True)
    assert first.sha256 == second.sha256
    assert list((store.blob_dir / first.sha256[:2]).iterdir()) == [first.path]
    assert store.stray_temporaries() == []


def test_progress_counts_every_byte_up_to_the_total(tmp_path):
    store = BlobStore(tmp_path)
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    seen: list[tuple[int, int]] = []
    store.put_file(source, progress=lambda done, total: seen.append((done, total)))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (source.stat().st_size, source.stat().st_size)


def test_a_cancelled_copy_keeps_nothing(tmp_path):
    store = BlobStore(tmp_path)
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(4 * 1024 * 1024))
    chunks: list[int] = []
    with pytest.raises(ImportCancelled, match="导入已取消"):
        store.put_file(
            source, progress=lambda done, total: chunks.append(done), cancelled=lambda: len(chunks) >= 2
        )
    assert chunks and chunks[-1] < source.stat().st_size
    assert store.stray_temporaries() == []
    assert not store.exists(hashlib.sha256(source.read_bytes()).hexdigest())


def test_an_unreadable_source_is_refused_in_chinese(tmp_path):
    with pytest.raises(Exception, match="无法读取文件"):
        BlobStore(tmp_path).put_file(tmp_path / "missing.mp4")


def test_a_changed_byte_fails_verification_and_a_missing_blob_does_not_exist(tmp_path):
    store = BlobStore(tmp_path)
    stored = store.put_bytes(os.urandom(5000))
    data = bytearray(stored.path.read_bytes())
    data[1234] ^= 0x80
    stored.path.write_bytes(bytes(data))
    assert store.exists(stored.sha256) and not store.verify(stored.sha256)
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(missing) and not store.verify(missing)


def test_a_large_stream_is_copied_in_constant_memory(tmp_path):
    store = BlobStore(tmp_path)
    size = 96 * 1024 * 1024
    tracemalloc.start()
    try:
        stored = store.put_stream(io.BufferedReader(Zeros(size)), total=size)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == size and stored.sha256 == hashlib.sha256(bytes(size)).hexdigest()
    assert peak < 8 * 1024 * 1024, (
        f"peak Python allocation {peak / 2**20:.1f} MB while copying {size / 2**20:.0f} MB"
    )


def test_a_temporary_left_by_a_dead_importer_is_removed_but_one_in_use_is_kept(tmp_path):
    store = BlobStore(tmp_path)
    store.blob_dir.mkdir(parents=True)
    abandoned = store.blob_dir / f"{TEMP_PREFIX}dead"
    abandoned.write_bytes(b"half a video")
    in_use = store.blob_dir / f"{TEMP_PREFIX}live"
    with in_use.open("wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a running importer holds its temporary
        store.put_bytes(b"next import")
        assert store.stray_temporaries() == [in_use]
    assert not abandoned.exists()
    assert store.remove_abandoned_temporaries() == 1 and store.stray_temporaries() == []


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000))
def test_whatever_is_put_is_read_back_byte_for_byte_under_its_own_hash(tmp_path_factory, data):
    store = BlobStore(Path(tmp_path_factory.mktemp("store")))
    stored = store.put_stream(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    with store.open(stored.sha256) as handle:
        assert handle.read() == data
