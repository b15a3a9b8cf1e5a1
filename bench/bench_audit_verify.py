"""Verifying an audit chain of 1,000,000 events.

    .venv/bin/python bench/bench_audit_verify.py [--events 1000000]

Target (issue 5): under 10 s, for the chain check `audit verify` runs (services.audit_service.check_chain);
the reference row-by-row check it falls back to when something is wrong is timed beside it. The baseline printed beside it is hashing the same rows with bare
hashlib in a loop (no chain logic, no database), measured in the same run. The chain is built by
direct inserts in batches, computing each hash as `append_event` does. BENCH_TMP picks the scratch
folder (deleted afterwards).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from enforcement_desk.admin.audit_check import check_chain
from enforcement_desk.store.audit import GENESIS_HASH, canonical_payload, event_hash, verify_chain
from enforcement_desk.store.db import Database
from enforcement_desk.store.migrate import upgrade
from enforcement_desk.store.models import AuditEvent, AuditHead


def event_rows(count: int, batch: int = 50_000) -> Iterator[list[dict]]:
    """The chain in batches, hashed as append_event would hash it: a million rows never sit in memory."""
    start = datetime(2026, 1, 1, 8, 0)
    prev = GENESIS_HASH
    rows: list[dict] = []
    for seq in range(1, count + 1):
        at = (start + timedelta(seconds=seq)).isoformat(timespec="microseconds")
        case = seq % 5000
        payload = canonical_payload(
            {"case": case, "note": "现场检查", "fields": {"location": f"长安路 {case} 号"}}
        )
        digest = event_hash(prev, seq, at, 2, "wangqiang", "case_updated", "case", str(case), case, payload)
        rows.append({"seq": seq, "at": at, "actor_id": 2, "actor_login": "wangqiang", "action": "case_updated",
                     "entity": "case", "entity_id": str(case), "case_id": case, "payload": payload,
                     "prev_hash": prev, "hash": digest})  # fmt: skip
        prev = digest
        if len(rows) == batch:
            yield rows
            rows = []
    if rows:
        yield rows


def main() -> int:
    """Build the audit chain, time its verification and print it against hashing the rows with bare hashlib."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'audit.sqlite3'}")
        upgrade(db.engine)
        built = time.perf_counter()
        baseline = 0.0
        last_hash = GENESIS_HASH
        with db.engine.begin() as conn:
            for rows in event_rows(args.events):
                conn.execute(insert(AuditEvent), rows)
                # the floor: one bare SHA-256 per event over the same text, no chain logic, no database
                started = time.perf_counter()
                for row in rows:
                    hashlib.sha256(f"{row['prev_hash']}\n{row['payload']}".encode()).hexdigest()
                baseline += time.perf_counter() - started
                last_hash = rows[-1]["hash"]
            conn.execute(insert(AuditHead).values(id=1, last_seq=args.events, last_hash=last_hash))
        print(f"built {args.events:,} events in {time.perf_counter() - built:.1f} s")

        with db.read() as session:
            started = time.perf_counter()
            report = check_chain(session)  # what `audit verify` runs
            elapsed = time.perf_counter() - started
            assert report.ok and report.events_checked == args.events, report
            started = time.perf_counter()
            reference = verify_chain(session)  # row by row in Python: the fallback that names a break
            reference_elapsed = time.perf_counter() - started
            assert reference.ok and reference.events_checked == args.events, reference
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        verdict = "PASS" if elapsed < 10 else "FAIL"
        print(f"audit verify, chain of {args.events:,} events: {elapsed:.1f} s (target < 10 s) {verdict}; "
              f"bare hashing baseline {baseline:.1f} s → ratio {elapsed / baseline:.1f}x; "
              f"reference row-by-row check {reference_elapsed:.1f} s; peak memory {peak_mb:.0f} MB")  # fmt: skip
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
