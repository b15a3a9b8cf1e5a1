"""Listing and filtering 100,000 cases through the service layer.

Target (issue 2): a filtered page of 100 cases in under 50 ms. Printed as a ratio to a baseline
measured in the same run: the same page of rows read with a bare indexed SQL query
(`SELECT * FROM cases ORDER BY accepted_on DESC LIMIT 100`) on the raw driver.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bulk_cases import PASSWORD, build_big_database

from enforcement_desk.admin.auth import login
from enforcement_desk.core.stages import Stage
from enforcement_desk.procedure.cases import CaseFilter, list_cases


def timed(func, repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls of `func`."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    """Fill the database, time the filtered pages and print each as a ratio to the bare query."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", help="PostgreSQL URL to also measure (optional)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ctx, officer_login = build_big_database(Path(tmp) / "big.sqlite3", args.cases)
        print(f"built {args.cases} cases in {time.perf_counter() - started:.1f} s")
        actor = login(ctx, officer_login, PASSWORD)
        raw = ctx.db.engine.raw_connection()

        def baseline() -> None:
            cursor = raw.cursor()
            cursor.execute("SELECT * FROM cases ORDER BY accepted_on DESC LIMIT 100")
            cursor.fetchall()

        filters = {
            "no filter": CaseFilter(),
            "stage": CaseFilter(stage=Stage.INVESTIGATING),
            "text 3+ chars (卫生室)": CaseFilter(text="卫生室"),
            "text 2 chars (宾馆)": CaseFilter(text="宾馆"),
            "party": CaseFilter(party="许家湖镇王"),
            "number": CaseFilter(number="2024-00"),
            "stage + text": CaseFilter(stage=Stage.DECIDED, text="供水"),
        }
        base = statistics.median(timed(baseline, args.repeat))
        print(f"baseline raw SQL page of 100: {base:.2f} ms")
        worst = 0.0
        for name, flt in filters.items():
            samples = timed(lambda flt=flt: list_cases(ctx, actor, flt, limit=100), args.repeat)
            median = statistics.median(samples)
            worst = max(worst, median)
            print(f"  {name:<24} median {median:7.2f} ms   ratio to baseline {median / base:6.1f}x")
        verdict = "PASS" if worst < 50 else "FAIL"
        print(f"worst filtered page of 100: {worst:.2f} ms (target < 50 ms) {verdict}")
        raw.close()
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
