"""Issuing documents: our PDF renderer against LibreOffice converting the same DOCX, and a 40-document
case file.

    .venv/bin/python bench/bench_documents.py

Targets (issue 4): a 决定书 PDF at least 30× faster than `libreoffice --headless --convert-to pdf`
of the same content; a 40-document case file assembled in under 2 s. LibreOffice is installed from
apt when missing (root only).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def ensure_libreoffice() -> str:
    """The LibreOffice binary used for the DOCX baseline, installed with apt when missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("需要 LibreOffice（apt-get install libreoffice-writer-nogui）")
    subprocess.run(["apt-get", "install", "-y", "-q", "libreoffice-writer-nogui"], check=True)
    return shutil.which("soffice") or "soffice"


def main() -> int:
    """Render the documents and print their times as ratios to LibreOffice's conversion."""
    office = ensure_libreoffice()
    from enforcement_desk.admin.auth import login
    from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
    from enforcement_desk.context import AppContext
    from enforcement_desk.documents.case_file import build_case_file
    from enforcement_desk.documents.docx import render_docx
    from enforcement_desk.documents.pdf import render_pdf
    from enforcement_desk.documents.service import (
        document_kinds,
        issue_document,
        rendered_from_record,
    )
    from enforcement_desk.procedure.cases import find_case_id
    from enforcement_desk.store.models import DocumentRecord

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx = AppContext.open(f"sqlite:///{folder / 'demo.sqlite3'}", folder / "evidence")
        build_demo(ctx)
        officer = login(ctx, "wangqiang", DEMO_PASSWORD)
        case_id = find_case_id(ctx, officer, "2026-0025")
        decision = issue_document(ctx, officer, case_id, "penalty_decision")
        with ctx.db.read() as session:
            document = rendered_from_record(session.get(DocumentRecord, decision.id).content)

        samples = []
        for _ in range(10):
            started = time.perf_counter()
            render_pdf(document)
            samples.append(time.perf_counter() - started)
        ours = statistics.median(samples)

        docx = folder / "decision.docx"
        docx.write_bytes(render_docx(document))
        profile = folder / "lo-profile"
        command = [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(folder / "lo"), str(docx)]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)  # first start creates the profile
        lo_samples = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            lo_samples.append(time.perf_counter() - started)
        theirs = statistics.median(lo_samples)
        ratio = theirs / ours
        print(f"决定书 PDF：ours {ours * 1000:.1f} ms, LibreOffice {theirs * 1000:.0f} ms → {ratio:.0f}× faster "
              f"(target ≥ 30×) {'PASS' if ratio >= 30 else 'FAIL'}")  # fmt: skip

        kinds = [k.key for k in document_kinds(ctx) if k.key not in ("onsite_decision", "case_file_cover",
                                                                      "case_file_index")]  # fmt: skip
        for kind in kinds:
            issue_document(ctx, officer, case_id, kind)
        extra = 40 - len(kinds)
        for _ in range(extra):
            issue_document(ctx, officer, case_id, "inquiry_record", another=True)
        started = time.perf_counter()
        path = build_case_file(ctx, officer, case_id, folder / "casefile.pdf")
        elapsed = time.perf_counter() - started
        from pypdf import PdfReader

        pages = len(PdfReader(path).pages)
        print(
            f"40-document case file ({pages} pages): {elapsed:.2f} s (target < 2 s) {'PASS' if elapsed < 2 else 'FAIL'}"
        )
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
