"""Verifying an audit chain of 1,000,000 events.

    .venv/bin/python bench/bench_audit_verify.py [--events 1000000]

Target (issue 5): under 10 s. The baseline printed beside it is hashing the same rows with bare
hashlib in a loop (no chain logic, no database), measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from enforcement_desk.store.audit import GENESIS_HASH, canonical_payload, event_hash, verify_chain
from enforcement_desk.store.db import Database
from enforcement_desk.store.migrate import upgrade
from enforcement_desk.store.models import AuditEvent, AuditHead


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'audit.sqlite3'}")
        upgrade(db.engine)
        start = datetime(2026, 1, 1, 8, 0)
        prev = GENESIS_HASH
        rows = []
        built = time.perf_counter()
        for seq in range(1, args.events + 1):
            at = (start + timedelta(seconds=seq)).isoformat(timespec="microseconds")
            payload = canonical_payload({"case": seq % 5000, "note": "现场检查"})
            digest = event_hash(
                prev, seq, at, 2, "wangqiang", "case_updated", "case", str(seq % 5000), seq % 5000, payload
            )
            rows.append({"seq": seq, "at": at, "actor_id": 2, "actor_login": "wangqiang", "action": "case_updated",
                         "entity": "case", "entity_id": str(seq % 5000), "case_id": seq % 5000, "payload": payload,
                         "prev_hash": prev, "hash": digest})  # fmt: skip
            prev = digest
        with db.engine.begin() as conn:
            for index in range(0, len(rows), 50_000):
                conn.execute(insert(AuditEvent), rows[index : index + 50_000])
            conn.execute(insert(AuditHead).values(id=1, last_seq=args.events, last_hash=prev))
        print(f"built {args.events:,} events in {time.perf_counter() - built:.1f} s")

        started = time.perf_counter()
        for row in rows:
            hashlib.sha256(f"{row['prev_hash']}\n{row['payload']}".encode()).hexdigest()
        baseline = time.perf_counter() - started
        del rows

        with db.read() as session:
            started = time.perf_counter()
            report = verify_chain(session)
            elapsed = time.perf_counter() - started
        assert report.ok and report.events_checked == args.events, report
        verdict = "PASS" if elapsed < 10 else "FAIL"
        print(f"verify {args.events:,} events: {elapsed:.1f} s (target < 10 s) {verdict}; "
              f"bare hashing baseline {baseline:.1f} s → ratio {elapsed / baseline:.1f}x")  # fmt: skip
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
