"""The desk with 100,000 cases: cold start to the main window, and case-list filtering per keystroke.

    .venv/bin/python bench/bench_gui_start.py [--cases 100000]

Targets (issue 3): cold start ≤ 2× a bare PySide6 window started the same way (a new process,
offscreen); filtering ≤ 100 ms per keystroke (count + first page + model reset). The database is
built once into bench/out/ and reused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BARE = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\nwindow = QMainWindow()\nwindow.resize(1280, 800)\nwindow.show()\napp.processEvents()\n"
)


def median_run(command: list[str], env: dict[str, str], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from bulk_cases import PASSWORD, build_big_database

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    database = out / f"desk_{args.cases}.sqlite3"
    if not database.exists():
        started = time.perf_counter()
        ctx, _ = build_big_database(database, args.cases)
        ctx.close()
        print(f"built {args.cases:,} cases in {time.perf_counter() - started:.0f} s")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENFORCEMENT_DESK_PASSWORD": PASSWORD,
           "ENFORCEMENT_DESK_HOME": str(out / "home")}  # fmt: skip
    bare = median_run([sys.executable, "-c", BARE], env)
    desk = median_run([sys.executable, "-m", "enforcement_desk", "--db", f"sqlite:///{database}", "--user",
                       "officer0", "gui", "--exit-after-start"], env)  # fmt: skip
    ratio = desk / bare
    print(f"cold start with {args.cases:,} cases: desk {desk:.2f} s, bare PySide6 window {bare:.2f} s → {ratio:.2f}x "
          f"(target ≤ 2x) {'PASS' if ratio <= 2 else 'FAIL'}")  # fmt: skip

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from enforcement_desk.services.auth import login
    from enforcement_desk.services.context import AppContext
    from enforcement_desk.ui.app import application
    from enforcement_desk.ui.main_window import MainWindow

    app = application()
    ctx = AppContext.open(f"sqlite:///{database}", out / "evidence")
    window = MainWindow(ctx, login(ctx, "officer0", PASSWORD), "bench")
    window.show()
    app.processEvents()
    view = window.cases
    latencies = []
    for typed in ("卫", "卫生", "卫生室", "卫生室王", "", "沂", "沂水", "宾馆", "供水", ""):
        view.text.setText(typed)
        started = time.perf_counter()
        view.apply_filter()
        app.processEvents()
        latencies.append((time.perf_counter() - started) * 1000)
    worst = max(latencies)
    print(f"filter per keystroke at {args.cases:,} cases: median {statistics.median(latencies):.0f} ms, "
          f"worst {worst:.0f} ms (target ≤ 100 ms) {'PASS' if worst <= 100 else 'FAIL'}")  # fmt: skip
    window.close()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
