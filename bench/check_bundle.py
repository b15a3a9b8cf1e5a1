"""Build the installable bundle, start it as an officer would, issue a document with it, and time its
cold start against starting from source.

    .venv/bin/python bench/check_bundle.py [--no-build]

Checks (issue 11): the built program creates its database under the user's data directory, finds
its templates and resources inside the bundle, opens the demo database and issues a 决定书 whose
PDF reads back correctly; cold start to the main window as a ratio to starting from source
(target ≤ 1.2×). Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "EnforcementDesk" / ("EnforcementDesk.exe" if os.name == "nt" else "EnforcementDesk")


def timed_start(command: list[str], env: dict[str, str], runs: int = 5) -> float:
    """Median seconds for `command` to start and exit, over `runs` runs."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--user", "wangqiang", "gui", "--exit-after-start"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    """Build the bundle, check it as an officer would, and print its cold start against starting from source."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "installer.spec"], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
    if not BUNDLE.exists():
        raise SystemExit(f"没有找到打包结果 {BUNDLE}")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ENFORCEMENT_DESK_HOME": home, "QT_QPA_PLATFORM": "offscreen",
               "ENFORCEMENT_DESK_PASSWORD": "demo-pass-2026"}  # fmt: skip
        subprocess.run([str(BUNDLE), "demo"], env=env, check=True, capture_output=True)
        database = Path(home) / "enforcement_desk.sqlite3"
        assert database.exists(), "the bundle did not create its database in the user data directory"
        out = Path(home) / "decision.pdf"
        issued = subprocess.run([str(BUNDLE), "--user", "wangqiang", "document", "issue", "2026-0025",
                                 "penalty_decision", "--out", str(out)], env=env, capture_output=True, text=True)  # fmt: skip
        assert issued.returncode == 0, issued.stderr
        from pypdf import PdfReader

        text = PdfReader(out).pages[0].extract_text()
        assert "行政处罚决定书" in text and "沂卫水罚〔2026〕" in text, text[:200]
        print(
            f"bundle: demo database created, 决定书 issued ({out.stat().st_size:,} bytes, text read back) PASS"
        )
        bundled = timed_start([str(BUNDLE)], env)
        source = timed_start([sys.executable, "-m", "enforcement_desk"], env)
        ratio = bundled / source
        print(f"cold start to main window: bundle {bundled:.2f} s, source {source:.2f} s → {ratio:.2f}x "
              f"(target ≤ 1.2x) {'PASS' if ratio <= 1.2 else 'FAIL'}")  # fmt: skip
        return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
