"""Building a transfer package of recorder video, against `zip -0` of the same files in the same run.

    .venv/bin/python bench/bench_transfer_package.py [--gb 2] [--files 2]

Targets (issue 8): throughput ≥ 0.8 of `zip -0`; peak memory < 200 MB. Building and verifying each
run in a child process, so the peak memory is theirs alone (hashing, signing and the index PDF
included). The files live in a temporary folder removed at the end, also after an error.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUILD = """
import resource, sys, time
from pathlib import Path
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from enforcement_desk.transfer.index_pdf import IndexHeading, render_index
from enforcement_desk.transfer.package import PackageItem, build_package
from enforcement_desk.transfer.signing import public_key_pem
files = [Path(p) for p in sys.argv[2:]]
# The evidence store knows each hash already; the parent wrote it next to the file.
items = [PackageItem(f, f.name, "证据", f.with_suffix(".sha256").read_text(), f.stat().st_size,
                     {"evidence_type": "视听资料", "collected_by": "王强", "collected_at": "2026-11-02T09:15"})
         for f in files]
key = Ed25519PrivateKey.generate()
heading = IndexHeading("沂水县卫生健康综合监督执法局", ("案件编号：基准测试",))
started = time.perf_counter()
build_package(Path(sys.argv[1]), "移送材料", items, {}, key.sign, public_key_pem(key),
              lambda entries, sha: render_index(heading, entries, sha))
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

VERIFY = """
import resource, sys, time
from pathlib import Path
from enforcement_desk.transfer.package import verify_package
started = time.perf_counter()
report = verify_package(Path(sys.argv[1]))
assert report.intact, report.problems
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _write_video(path: Path, size: int) -> None:
    digest = hashlib.sha256()
    chunk = os.urandom(16 * 1024 * 1024)
    with path.open("wb") as out:
        written = 0
        while written < size:
            part = chunk[: min(len(chunk), size - written)]
            out.write(part)
            digest.update(part)
            written += len(part)
    path.with_suffix(".sha256").write_text(digest.hexdigest())


def _child(script: str, *args: str) -> tuple[float, float]:
    result = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True)
    elapsed, peak_kb = result.stdout.split()
    return float(elapsed), int(peak_kb) / 1024


def main() -> int:
    """Build and verify a transfer package; print its throughput against `zip -0` and its peak memory."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=2.0, help="evidence in the package, in GB")
    parser.add_argument("--files", type=int, default=2, help="how many video files share it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        folder = Path(tmp)
        files = [folder / f"DSJ_{index:04d}.mp4" for index in range(args.files)]
        for path in files:
            _write_video(path, int(args.gb * 1024**3 / args.files))
        started = time.perf_counter()
        subprocess.run(["zip", "-0", "-q", str(folder / "baseline.zip"), *map(str, files)], check=True)
        baseline = time.perf_counter() - started
        (folder / "baseline.zip").unlink()
        package = folder / "package.zip"
        elapsed, peak = _child(BUILD, str(package), *map(str, files))
        checked, verify_peak = _child(VERIFY, str(package))
        ratio = baseline / elapsed
        print(f"{args.gb:g} GB package ({args.files} files): zip -0 {baseline:.1f} s, ours {elapsed:.1f} s → "
              f"throughput ratio {ratio:.2f} (target ≥ 0.8) {'PASS' if ratio >= 0.8 else 'FAIL'}")  # fmt: skip
        print(f"peak memory building {peak:.0f} MB (target < 200 MB) {'PASS' if peak < 200 else 'FAIL'}")
        print(f"verifying the package: {checked:.1f} s, peak memory {verify_peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
