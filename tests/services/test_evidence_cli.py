"""`enforcement-desk evidence …` from a terminal: pick files from a recorder card by name and time,
import them, list them, void one, correct a time — and `audit verify` still passes."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from case_builders import new_case

from enforcement_desk.cli.main import main
from enforcement_desk.procedure.steps import advance

PASSWORD = "test-pass-123"  # the conftest office's password


@pytest.fixture
def card(tmp_path):
    """A recorder card: three clips named by their start time, plus the device's log file."""
    folder = tmp_path / "DCIM" / "100DSJ"
    folder.mkdir(parents=True)
    for name in ("DSJ0087_20261030081000.MP4", "DSJ0087_20261030091500.MP4", "DSJ0087_20261030143000.MP4"):
        (folder / name).write_bytes(os.urandom(3000))
    log = folder / "device.log"
    log.write_text("DSJ-0087 开机自检正常")
    os.utime(log, (datetime(2026, 10, 30, 18, 0).timestamp(),) * 2)
    return tmp_path / "DCIM"


@pytest.fixture
def desk(sqlite_office, monkeypatch, capsys):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    office = sqlite_office
    url = str(office.ctx.db.engine.url)

    def run(user: str | None, *args: str) -> tuple[int, object, str]:
        capsys.readouterr()
        options = ["--db", url, "--evidence-dir", str(office.ctx.evidence_dir), "--json"]
        code = main([*options, *(["--user", user] if user else []), *args])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() and code == 0 else out), err

    return office, run


def test_a_dry_run_lists_the_card_by_capture_time_without_logging_in(desk, card):
    _, run = desk
    code, files, _ = run(None, "evidence", "import-folder", "1", str(card), "--dry-run")
    assert code == 0
    assert [(f["path"].rsplit("/", 1)[-1], f["captured_at"], f["capture_source"]) for f in files] == [
        ("DSJ0087_20261030081000.MP4", "2026-10-30T08:10:00", "filename"),
        ("DSJ0087_20261030091500.MP4", "2026-10-30T09:15:00", "filename"),
        ("DSJ0087_20261030143000.MP4", "2026-10-30T14:30:00", "filename"),
        ("device.log", "2026-10-30T18:00:00", "file"),
    ]


def test_the_morning_inspection_is_imported_voided_and_corrected_from_the_terminal(desk, card):
    office, run = desk
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    code, items, err = run(
        "wang", "evidence", "import-folder", case.case_no, str(card), "--since", "2026-10-30 08:00",
        "--until", "2026-10-30 12:00", "--device", "DSJ-0087", "--place", "沂水县某诊所",
    )  # fmt: skip
    assert code == 0, err
    assert [(i["original_name"], i["device"], i["collected_place"]) for i in items] == [
        ("DSJ0087_20261030081000.MP4", "DSJ-0087", "沂水县某诊所"),
        ("DSJ0087_20261030091500.MP4", "DSJ-0087", "沂水县某诊所"),
    ]
    first, second = (i["id"] for i in items)
    code, _, err = run("wang", "evidence", "void", str(second), "--reason", "与本案无关的路面画面")
    assert code == 0, err
    code, _, err = run(
        "li", "evidence", "correct-time", str(first), "2026-10-30 08:05", "--reason", "记录仪时钟快五分钟"
    )
    assert code == 0, err
    code, listed, _ = run("zhou", "evidence", "list", case.case_no)
    assert [(e["voided"], e["void_reason"], e["captured_at"], e["original_captured_at"]) for e in listed] == [
        (False, "", "2026-10-30T08:05:00", "2026-10-30T08:10:00"),
        (True, "与本案无关的路面画面", "2026-10-30T09:15:00", "2026-10-30T09:15:00"),
    ]
    code, report, _ = run("admin", "audit", "verify")
    assert code == 0 and report["problems"] == [] and report["blobs_checked"] == 2


def test_a_name_not_on_the_card_and_an_officer_outside_the_case_are_refused(desk, card):
    office, run = desk
    case = new_case(office)
    code, _, err = run(
        "wang", "evidence", "import-folder", case.case_no, str(card), "--only", "DSJ0087_1.MP4"
    )
    assert code == 1 and "文件夹中没有这些文件：DSJ0087_1.MP4" in err
    clip = str(card / "100DSJ" / "DSJ0087_20261030081000.MP4")
    code, _, err = run("zhao", "evidence", "add", case.case_no, clip)
    assert code == 1 and "只有本案承办人可以登记证据" in err
