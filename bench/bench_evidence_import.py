"""Importing a large recorder file into the evidence store, against `cp` + `sha256sum` of the same file.

    .venv/bin/python bench/bench_evidence_import.py [--gb 2]

Targets (issue 5): throughput ≥ 0.7 of cp followed by sha256sum; peak memory of the import < 200 MB
(measured in a child process, so the figure is the import's own).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import resource, sys, time
from pathlib import Path
from enforcement_desk.admin.auth import login
from enforcement_desk.context import AppContext
from enforcement_desk.evidence.service import add_evidence
url, evidence, case_id, source, who = sys.argv[1:]
ctx = AppContext.open(url, Path(evidence))
actor = login(ctx, who, "demo-pass-2026")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
add_evidence(ctx, actor, int(case_id), Path(source))
print(time.perf_counter() - started, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_random(path: Path, size: int) -> None:
    """A file of `size` random bytes, written in chunks."""
    chunk = os.urandom(16 * 1024 * 1024)
    with path.open("wb") as out:
        written = 0
        while written < size:
            part = chunk[: min(len(chunk), size - written)]
            out.write(part)
            written += len(part)


def main() -> int:
    """Import a large file; print its throughput against cp + sha256sum and its peak memory."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=2.0)
    args = parser.parse_args()
    from enforcement_desk.admin.auth import login
    from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
    from enforcement_desk.admin.users import list_users
    from enforcement_desk.context import AppContext
    from enforcement_desk.core.stages import Stage
    from enforcement_desk.procedure.cases import CaseFilter, get_case, list_cases

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        folder = Path(tmp)
        ctx = AppContext.open(f"sqlite:///{folder / 'bench.sqlite3'}", folder / "evidence")
        build_demo(ctx)
        admin = login(ctx, "admin", DEMO_PASSWORD)
        case = list_cases(ctx, admin, CaseFilter(stage=Stage.INVESTIGATING), limit=1)[0]
        handler = get_case(ctx, admin, case.id).handlers[0]
        who = next(u.login for u in list_users(ctx, admin) if u.id == handler.user_id)
        size = int(args.gb * 1024**3)
        source = folder / "recorder.mp4"
        write_random(source, size)
        # cp then sha256sum: what a careful clerk would do by hand
        started = time.perf_counter()
        subprocess.run(["cp", str(source), str(folder / "copy.mp4")], check=True)
        subprocess.run(["sha256sum", str(folder / "copy.mp4")], check=True, capture_output=True)
        baseline = time.perf_counter() - started
        (folder / "copy.mp4").unlink()
        url = str(ctx.db.engine.url)
        result = subprocess.run([sys.executable, "-c", CHILD, url, str(ctx.evidence_dir), str(case.id), str(source), who],
                                check=True, capture_output=True, text=True)  # fmt: skip
        elapsed, before_kb, peak_kb = result.stdout.split()
        elapsed = float(elapsed)
        peak_mb = int(peak_kb) / 1024
        ratio = baseline / elapsed
        print(f"{args.gb:g} GB: cp + sha256sum {baseline:.1f} s, import {elapsed:.1f} s "
              f"→ throughput ratio {ratio:.2f} (target ≥ 0.7) {'PASS' if ratio >= 0.7 else 'FAIL'}")  # fmt: skip
        print(
            f"peak memory of the importing process {peak_mb:.0f} MB (target < 200 MB) {'PASS' if peak_mb < 200 else 'FAIL'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
