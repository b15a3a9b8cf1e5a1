"""The period calculator from the terminal: `deadlines compute`."""

from __future__ import annotations

import json

from test_documents_cli import run


def test_deadlines_compute_gives_the_due_date_and_each_skipped_holiday(tmp_path):
    db = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    done = run(tmp_path, "--db", db, "--json", "deadlines", "compute", "--from", "2026-09-29", "--working-days", "5")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["due_on"] == "2026-10-12" and result["makeup_workdays"] == ["2026-10-10"]
    assert {"day": "2026-10-01", "reason": "法定节假日"} in result["skipped"]
    text = run(tmp_path, "--db", db, "deadlines", "compute", "--from", "2026-12-31", "--days", "30")
    assert "期限届满日：2027-02-01" in text.stdout and "2027年" in text.stdout  # 1-30 is a Saturday
    bad = run(tmp_path, "--db", db, "deadlines", "compute", "--from", "2026-02-30", "--days", "3")
    assert bad.returncode == 2 and "日期格式不正确" in bad.stderr and "Traceback" not in bad.stderr
