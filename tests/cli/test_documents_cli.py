"""Documents from the terminal: kinds, issue with export, list, case file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENFORCEMENT_DESK_HOME": str(home), "ENFORCEMENT_DESK_PASSWORD": "demo-pass-2026"}
    return subprocess.run(
        [sys.executable, "-m", "enforcement_desk", *args], capture_output=True, text=True, env=env
    )


def test_issue_export_list_and_assemble_from_the_terminal(tmp_path):
    assert run(tmp_path, "demo").returncode == 0
    kinds = json.loads(run(tmp_path, "--json", "document", "kinds").stdout)
    assert {k["key"] for k in kinds} >= {"penalty_decision", "prior_notice", "service_receipt"}
    # The demo issued each step's documents as it went: printing the 决定书 again takes no new number.
    before = json.loads(run(tmp_path, "--user", "wangqiang", "--json", "document", "list", "2026-0025").stdout)
    issued = run(tmp_path, "--user", "wangqiang", "--json", "document", "issue", "2026-0025", "penalty_decision",
                 "--out", str(tmp_path / "决定书.pdf"))  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    assert "行政处罚决定书" in PdfReader(tmp_path / "决定书.pdf").pages[0].extract_text()
    listed = json.loads(run(tmp_path, "--user", "wangqiang", "--json", "document", "list", "2026-0025").stdout)
    assert listed == before and "penalty_decision" in [d["kind"] for d in listed]
    investigating = json.loads(run(tmp_path, "--user", "zhaolei", "--json", "case", "list", "--stage", "investigating").stdout)
    case_no = investigating[0]["case_no"]
    for _ in range(2):  # a second 询问笔录 for another person questioned
        second = run(tmp_path, "--user", "zhaolei", "document", "issue", case_no, "inquiry_record", "--another")
        assert "询问笔录" in second.stdout, second.stderr
    kinds = [d["kind"] for d in json.loads(run(tmp_path, "--user", "zhaolei", "--json", "document", "list", case_no).stdout)]
    assert kinds.count("inquiry_record") == 2
    late = run(tmp_path, "--user", "wangqiang", "document", "issue", "2026-0025", "inquiry_record", "--another")
    assert late.returncode == 1 and "调查取证" in late.stderr
    built = run(
        tmp_path,
        "--user",
        "wangqiang",
        "document",
        "casefile",
        "2026-0025",
        "--out",
        str(tmp_path / "卷.pdf"),
    )
    assert built.returncode == 0 and (tmp_path / "卷.pdf").exists()
    refused = run(tmp_path, "--user", "wangqiang", "document", "issue", "2026-0001", "penalty_decision")
    assert refused.returncode == 1 and "“决定”环节" in refused.stderr
