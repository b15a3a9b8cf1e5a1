"""The supervision command groups run against the demo database from a terminal, in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from enforcement_desk.admin.demo import DEMO_PASSWORD
from enforcement_desk.cli import main as cli

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "inspection_objects_sample.xlsx"


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", DEMO_PASSWORD)
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert cli.main(["--db", db, "demo", "--cases-per-stage", "1"]) == 0
    capsys.readouterr()

    def invoke(user: str, *args: str, expect: int = 0):
        code = cli.main(["--db", db, "--json", "--user", user, *args])
        out, err = capsys.readouterr()
        assert code == expect, err
        return json.loads(out) if code == 0 and out.strip() else err

    return invoke


def test_a_draw_from_the_terminal_is_re_checked_and_its_finding_becomes_a_case(run, tmp_path):
    assert run("wangqiang", "inspection", "import", str(SAMPLE))["added"] == 12
    draw = run(
        "chenjun", "inspection", "draw", "--title", "公共场所季度抽查", "--quota", "公=40%", "--seed", "Q4"
    )
    assert len(draw["tasks"]) == 2 and draw["seed"] == "Q4"
    assert run("chenjun", "inspection", "show", str(draw["id"]), "--verify")["verified"] is True
    first, second = draw["tasks"]
    found = run("chenjun", "inspection", "result", str(first["id"]), "--outcome", "finding",
                "--note", "从业人员无健康合格证明", "--open-case", "公共场所从业人员未取得健康合格证明")  # fmt: skip
    assert found["case_id"]
    run("chenjun", "inspection", "result", str(second["id"]), "--outcome", "compliant")
    out = tmp_path / "结果.csv"
    run("chenjun", "inspection", "export", str(draw["id"]), "--out", str(out))
    assert "已立案查处" in out.read_text(encoding="utf-8-sig")
    with pytest.raises(SystemExit):
        run("chenjun", "inspection", "draw", "--title", "x", "--quota", "公=abc")


def test_complaints_credit_and_statistics_from_the_terminal(run, tmp_path):
    added = run("wangqiang", "complaint", "add", "--channel", "网络", "--subject", "某美容店",
                "--content", "无证经营", "--assign", "lina", "--reporter", "钱某", "--phone", "13900001111")  # fmt: skip
    assert run("wangqiang", "complaint", "list")[0]["reporter"] == "（举报人信息保密）"
    assert run("lina", "complaint", "list")[0]["reporter"] == "钱某 13900001111"
    closed = run("lina", "complaint", "close", str(added["id"]), "--reason", "经核查已办理许可")
    assert closed["status"] == "closed"
    summary = run("wangqiang", "credit", "score", "2", "--rule", "I04")
    assert summary["year_points"] == 3
    entry = run("chenjun", "credit", "blacklist", "--add", "2", "--reason", "严重违法")
    assert [row["entry"]["id"] for row in run("chenjun", "credit", "blacklist")] == [entry["id"]]
    assert run("wangqiang", "credit", "show", "2")["on_blacklist"] is True
    stats = run("chenjun", "stats")
    assert stats["total_cases"] > 0
    workbook = run("chenjun", "stats", "--out", str(tmp_path / "月报.xlsx"))
    assert load_workbook(workbook["file"]).sheetnames[0] == "概况"
