"""Execution through the terminal: the 催告书's service, the application refused until the law allows it, the
court's replies, a waiver by the head, and `case show` (text and JSON) saying how each sum ended."""

from __future__ import annotations

import json

import pytest
from conftest import PASSWORD
from services.test_execution_steps import _served_in_march

from enforcement_desk.cli.main import main


@pytest.fixture
def run(sqlite_office, monkeypatch, capsys):
    url = str(sqlite_office.ctx.db.engine.url)
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)

    def run(user: str, day: str, *args: str, json_out: bool = False) -> tuple[int, str, str]:
        monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", day)
        code = main(["--db", url, "--user", user, *(["--json"] if json_out else []), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_execution_from_the_terminal(sqlite_office, run, tmp_path):
    office = sqlite_office
    case_id = _served_in_march(office)
    ref = f"#{case_id}"
    assert run("wang", "2026-09-25", "document", "issue", ref, "payment_reminder")[0] == 0
    code, _, err = run("wang", "2026-09-25", "case", "reminder-served", ref, "--served-on", "2026-09-24",
                       "--receiver", "张某某")  # fmt: skip
    assert code == 1 and "早于催告书的出具日期 2026-09-25" in err and "第五十四条" in err
    code, out, _ = run("wang", "2026-09-28", "case", "reminder-served", ref, "--receiver", "张某某")
    assert code == 0 and "至 2026-10-16" in out
    code, _, err = run("chen", "2026-10-16", "case", "advance", ref, "apply_enforcement", "--reason", "经催告仍未履行")
    assert code == 1 and "2026-10-16 之后仍未履行的方可申请强制执行" in err and "第六十九条" in err
    code, out, _ = run("wang", "2026-10-16", "case", "show", ref)
    assert "催告书：2026-09-25 出具，2026-09-28 以直接送达方式送达（张某某签收），十个工作日至 2026-10-16" in out
    assert "提起行政诉讼期限至 2026-09-02" in out and "至 2026-12-02 止" in out
    code, out, _ = run("wang", "2026-10-16", "case", "deadlines", ref)
    assert "催告履行期限" in out and "2026-10-16" in out
    assert run("chen", "2026-10-19", "case", "advance", ref, "apply_enforcement", "--reason", "经催告仍未履行")[0] == 0
    code, _, err = run("chen", "2026-10-20", "case", "advance", ref, "close", "--param", "summary=已申请")
    assert code == 1 and "罚款 3,000.00 元、加处罚款 3,000.00 元" in err
    code, _, err = run("wang", "2026-10-22", "case", "court-reply", ref, "--kind", "受理", "--replied-on", "2026-10-18",
                       "--document-no", "（2026）鲁1323行审12号")  # fmt: skip
    assert code == 1 and "早于申请强制执行的日期 2026-10-19" in err
    assert run("wang", "2026-10-22", "case", "court-reply", ref, "--kind", "受理",
               "--document-no", "（2026）鲁1323行审12号")[0] == 0  # fmt: skip
    assert run("wang", "2026-10-29", "case", "court-reply", ref, "--kind", "准予执行",
               "--document-no", "（2026）鲁1323行审12号")[0] == 0  # fmt: skip
    code, _, err = run("wang", "2026-11-20", "case", "court-reply", ref, "--kind", "终结执行", "--document-no",
                       "（2026）鲁1323执45号", "--fine", "9000")  # fmt: skip
    assert code == 1 and "超过" in err
    assert run("wang", "2026-11-20", "case", "court-reply", ref, "--kind", "终结执行", "--document-no",
               "（2026）鲁1323执45号", "--fine", "1000")[0] == 0  # fmt: skip
    code, out, _ = run("wang", "2026-11-20", "case", "show", ref, json_out=True)
    execution = json.loads(out)["execution"]
    assert [r["kind"] for r in execution["court_replies"]] == ["受理", "准予执行", "终结执行"]
    assert execution["open_sums"] == []
    assert [s["ended"] for s in execution["sums"]] == ["人民法院终结执行（（2026）鲁1323执45号）"] * 2
    assert execution["balance"]["fine_paid"] == "1000.00"
    code, _, err = run("wang", "2026-11-20", "case", "waive", ref, "--kind", "罚款", "--amount", "100",
                       "--decision-no", "x", "--reason", "y")  # fmt: skip
    assert code == 1 and "须由负责人" in err
    assert run("chen", "2026-11-23", "case", "advance", ref, "close", "--param", "summary=法院终结执行")[0] == 0
    code, out, _ = run("admin", "2026-11-23", "audit", "verify")
    assert code == 0
