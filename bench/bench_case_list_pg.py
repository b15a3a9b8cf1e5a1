"""Case-list filter latency at 100,000 cases: the PostgreSQL server next to the embedded SQLite file.

The same generated office (bulk_cases.build_big_database, same seed) is built in both databases and
the same service call (`list_cases`, a page of 100) is timed for each filter. Each row prints both
medians and their ratio. Target (issue 2): a filtered page in under 50 ms.

    python bench/bench_case_list_pg.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Without --pg it uses ED_TEST_PG_URL, or starts a throw-away cluster with .ci/pg_cluster.py. A new
database is created on the server for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / ".ci"))

from bulk_cases import PASSWORD, build_big_database  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from enforcement_desk.admin.auth import login  # noqa: E402
from enforcement_desk.core.stages import Stage  # noqa: E402
from enforcement_desk.procedure.cases import CaseFilter, list_cases  # noqa: E402
from enforcement_desk.store.credentials import masked_url  # noqa: E402

FILTERS = {
    "no filter": CaseFilter(),
    "stage": CaseFilter(stage=Stage.INVESTIGATING),
    "text 3+ chars (卫生室)": CaseFilter(text="卫生室"),
    "text 2 chars (宾馆)": CaseFilter(text="宾馆"),
    "party": CaseFilter(party="许家湖镇王"),
    "number": CaseFilter(number="2024-00"),
    "stage + text": CaseFilter(stage=Stage.DECIDED, text="供水"),
}


def median_ms(func, repeat: int) -> float:
    """Median milliseconds of `repeat` calls of `func`."""
    func()  # warm caches and prepared plans, as a list that is already open would be
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(url: str | None, folder: Path, cases: int, repeat: int) -> tuple[float, dict[str, float]]:
    """Baseline and filtered-page times (ms) on one database, SQLite when `url` is None."""
    started = time.perf_counter()
    ctx, officer_login = build_big_database(folder / "big.sqlite3", cases, url=url)
    where = "PostgreSQL" if url else "SQLite"
    print(f"built {cases} cases on {where} in {time.perf_counter() - started:.1f} s", flush=True)
    actor = login(ctx, officer_login, PASSWORD)
    try:
        results = {
            name: median_ms(lambda flt=flt: list_cases(ctx, actor, flt, limit=100), repeat)
            for name, flt in FILTERS.items()
        }
    finally:
        ctx.close()
    return max(results.values()), results


def server_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    """A fresh database on the server and the function that drops it again."""
    name = f"ed_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{admin_url.rpartition('/')[0]}/{name}", drop


def main() -> int:
    """Time the case list on SQLite and on PostgreSQL and print the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pg", help="PostgreSQL URL of a database the run may create databases from")
    args = parser.parse_args()
    cluster = None
    admin_url = args.pg or os.environ.get("ED_TEST_PG_URL")
    if not admin_url:
        from pg_cluster import PostgresCluster

        cluster = PostgresCluster.start_if_possible()
        if cluster is None:
            print("PostgreSQL is not installed here: nothing to compare")
            return 1
        admin_url = cluster.url
    try:
        url, drop = server_database(admin_url)
        print(f"server: {masked_url(url)}")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                sqlite_worst, sqlite_ms = measure(None, Path(tmp) / "sqlite", args.cases, args.repeat)
                pg_worst, pg_ms = measure(url, Path(tmp) / "pg", args.cases, args.repeat)
        finally:
            drop()
    finally:
        if cluster:
            cluster.stop()
    print(f"\npage of 100 from {args.cases} cases, median of {args.repeat} (ms)")
    print(f"  {'filter':<24} {'SQLite':>9} {'PostgreSQL':>11} {'PG/SQLite':>10}")
    for name in FILTERS:
        print(
            f"  {name:<24} {sqlite_ms[name]:9.2f} {pg_ms[name]:11.2f} {pg_ms[name] / sqlite_ms[name]:9.1f}x"
        )
    for label, worst in (("SQLite", sqlite_worst), ("PostgreSQL", pg_worst)):
        print(
            f"worst filtered page on {label}: {worst:.2f} ms (target < 50 ms) {'PASS' if worst < 50 else 'FAIL'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
