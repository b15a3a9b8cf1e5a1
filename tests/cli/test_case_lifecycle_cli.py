"""A 未取得医疗机构执业许可证擅自执业 case carried from 受理 to 归档 through the CLI alone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, func, select

from enforcement_desk.cli.main import main
from enforcement_desk.store.models import AuditEvent, StageChange

PASSWORD = "cli-pass-2026"


class Terminal:
    """Runs `enforcement-desk` commands in-process the way a script would, as a given user and day."""

    def __init__(self, db_url: str, monkeypatch, capsys):
        self.db_url, self.monkeypatch, self.capsys = db_url, monkeypatch, capsys
        monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
        monkeypatch.setenv("ENFORCEMENT_DESK_NEW_PASSWORD", PASSWORD)

    def run(self, user: str | None, day: str, *args: str) -> tuple[int, str, str]:
        self.monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", day)
        argv = ["--db", self.db_url, "--json"] + (["--user", user] if user else []) + list(args)
        code = main(argv)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, user: str | None, day: str, *args: str):
        code, out, err = self.run(user, day, *args)
        assert code == 0, f"{args} failed: {err}"
        return json.loads(out) if out.strip() else None


@pytest.fixture
def terminal(db_url, monkeypatch, capsys) -> Terminal:
    term = Terminal(db_url, monkeypatch, capsys)
    term.ok(
        None,
        "2026-11-02",
        "init",
        "--agency",
        "沂水县卫生健康综合监督执法局",
        "--short-name",
        "沂",
        "--reconsideration-body",
        "沂水县人民政府",
        "--court",
        "沂水县人民法院",
        "--admin-login",
        "admin",
        "--admin-name",
        "管理员",
        "--training",  # the business date is pinned below: a training database only
    )
    for login, name, role, extra in (
        ("wang", "王强", "officer", ["--cert-no", "3713002023001", "--cert-valid-until", "2028-12-31"]),
        ("li", "李娜", "执法人员", ["--cert-no", "3713002023002", "--cert-valid-until", "2028-12-31"]),
        ("zhou", "周敏", "reviewer", ["--legal-qualified"]),
        ("chen", "陈军", "负责人", []),
        ("liu", "刘洋", "head", []),
    ):
        term.ok(
            "admin", "2026-11-02", "user", "add", "--login", login, "--name", name, "--role", role, *extra
        )
    return term


def _case_audit_and_history(db_url: str, case_id: int) -> tuple[int, int]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        events = conn.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id)
        )
        changes = conn.scalar(
            select(func.count()).select_from(StageChange).where(StageChange.case_id == case_id)
        )
    engine.dispose()
    return events, changes


def test_unlicensed_practice_case_goes_from_acceptance_to_archive_through_the_cli(terminal: Terminal) -> None:
    t = terminal
    party = t.ok(
        "wang",
        "2026-11-02",
        "party",
        "add",
        "--kind",
        "person",
        "--name",
        "张某某",
        "--id-number",
        "370323198503150010",
        "--address",
        "沂水县许家湖镇某村 56 号",
    )
    case = t.ok(
        "wang",
        "2026-11-02",
        "case",
        "create",
        "--source",
        "inspection",
        "--party",
        str(party["id"]),
        "--cause",
        "未取得医疗机构执业许可证擅自执业",
        "--handlers",
        "wang,li",
        "--discovered-on",
        "2026-11-01",
        "--act-date",
        "2026-09-01",
        "--category",
        "医",
    )
    ref = case["case_no"]
    assert case["stage"] == "accepted"

    steps = [
        ("chen", "2026-11-03", ["case", "advance", ref, "file", "--param", "opinion=同意立案"]),
        (
            "wang",
            "2026-11-05",
            [
                "case",
                "update",
                ref,
                "--set",
                "facts=当事人未取得医疗机构执业许可证开展静脉输液，违法所得3000元",
            ],
        ),
        ("wang", "2026-11-10", ["case", "advance", ref, "close_investigation"]),
        (
            "wang",
            "2026-11-10",
            [
                "case",
                "propose",
                ref,
                "--outcome",
                "penalty",
                "--kinds",
                "没收违法所得,罚款",
                "--fine",
                "50000",
                "--confiscation",
                "3000",
                "--level",
                "一般",
                "--reason",
                "违法所得不足一万元按一万元计",
                "--violated",
                "《医疗机构管理条例》第十四条",
                "--basis",
                "《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款",
            ],
        ),
        ("wang", "2026-11-10", ["case", "advance", ref, "deliberate"]),
        (
            "wang",
            "2026-11-11",
            ["case", "advance", ref, "send_prior_notice", "--param", "served_on=2026-11-11"],
        ),
        (
            "wang",
            "2026-11-13",
            ["case", "advance", ref, "request_hearing", "--param", "requested_on=2026-11-13"],
        ),
        ("wang", "2026-11-13", ["case", "hearing-notice", ref, "--at", "2026-11-24 09:30", "--place", "听证室",
                                "--host", "刘洋", "--served-on", "2026-11-13"]),
        ("wang", "2026-11-24", ["case", "hearing", ref, "--host", "刘洋", "--record", "当事人对事实无异议"]),
        ("wang", "2026-11-25", ["case", "advance", ref, "submit_review"]),
        (
            "zhou",
            "2026-11-26",
            [
                "review",
                "decide",
                ref,
                "--outcome",
                "建议修改",
                "--opinion",
                "请补充违法所得的计算依据",
                "--problem",
                "证据=缺少收费票据",
            ],
        ),
        ("wang", "2026-11-26", ["case", "advance", ref, "submit_review", "--param", "note=已补充收费票据"]),
        ("zhou", "2026-11-27", ["review", "decide", ref, "--outcome", "同意", "--opinion", "事实清楚，同意"]),
        (
            "chen",
            "2026-11-27",
            [
                "case",
                "discussion",
                ref,
                "--participants",
                "陈军,刘洋",
                "--opinion",
                "陈军=同意",
                "--conclusion",
                "同意处罚",
            ],
        ),
        ("chen", "2026-11-27", ["case", "advance", ref, "decide"]),
        (
            "wang",
            "2026-11-27",
            ["case", "advance", ref, "serve", "--param", "served_on=2026-11-27", "method=直接送达"],
        ),
        (
            "wang",
            "2026-12-03",
            ["case", "advance", ref, "record_payment", "--param", "amount=50000", "paid_on=2026-12-03"],
        ),
        (  # the confiscated illegal gains are paid on their own (行政处罚法 art. 28, 67)
            "wang",
            "2026-12-03",
            ["case", "advance", ref, "record_payment", "--param", "amount=3000", "paid_on=2026-12-03",
             "kind=confiscation"],
        ),
        ("chen", "2026-12-04", ["case", "advance", ref, "close", "--param", "summary=罚没款已缴清"]),
        ("wang", "2026-12-07", ["case", "advance", ref, "archive"]),
    ]
    for user, day, args in steps:
        detail = t.ok(user, day, *args)
        assert detail is not None

    final = t.ok("wang", "2026-12-07", "case", "show", ref)
    assert final["stage"] == "archived"
    assert final["filing_no"] == "沂卫医立〔2026〕1号"
    assert final["decision_no"] == "沂卫医罚〔2026〕1号"
    assert final["major"]["is_major"] is True

    history = t.ok("wang", "2026-12-07", "case", "history", ref)
    actions = [h["action"] for h in history]
    assert actions == [
        "accept",
        "file",
        "close_investigation",
        "deliberate",
        "send_prior_notice",
        "request_hearing",
        "submit_review",
        "return_review",
        "submit_review",
        "approve_review",
        "decide",
        "serve",
        "record_payment",
        "record_payment",
        "close",
        "archive",
    ]
    assert [h["to_stage"] for h in history][-1] == "archived"

    events, _ = _case_audit_and_history(t.db_url, final["id"])
    assert events >= len(steps) + 1
    report = t.ok("admin", "2026-12-07", "audit", "verify")
    assert report["problems"] == [] and report["events_checked"] > events


def test_out_of_order_and_unauthorised_steps_are_refused_and_change_nothing(terminal: Terminal) -> None:
    t = terminal
    party = t.ok(
        "wang",
        "2026-11-02",
        "party",
        "add",
        "--kind",
        "person",
        "--name",
        "张某某",
        "--id-number",
        "370323198503150010",
        "--address",
        "沂水县某村",
    )
    case = t.ok(
        "wang",
        "2026-11-02",
        "case",
        "create",
        "--source",
        "complaint",
        "--party",
        str(party["id"]),
        "--cause",
        "未取得医疗机构执业许可证擅自执业",
        "--handlers",
        "wang,li",
        "--discovered-on",
        "2026-11-01",
    )
    before = _case_audit_and_history(t.db_url, case["id"])

    code, _, err = t.run("chen", "2026-11-03", "case", "advance", case["case_no"], "decide")
    assert code == 1
    assert "当前处于“受理”阶段" in err and "作出决定" in err

    code, _, err = t.run("wang", "2026-11-03", "case", "advance", case["case_no"], "file")
    assert code == 1
    assert "须由负责人办理" in err

    code, _, err = t.run("chen", "2026-11-03", "case", "advance", case["case_no"], "not_file")
    assert code == 1 and "须填写理由" in err

    assert _case_audit_and_history(t.db_url, case["id"]) == before
    assert t.ok("wang", "2026-11-03", "case", "show", case["case_no"])["stage"] == "accepted"


def test_bad_input_gets_a_chinese_message_not_a_traceback(terminal: Terminal) -> None:
    code, _, err = terminal.run(
        "wang",
        "2026-11-02",
        "party",
        "add",
        "--kind",
        "organisation",
        "--name",
        "某公司",
        "--id-number",
        "91371323MA3C7X2Y1A",
        "--legal-representative",
        "刘某",
        "--address",
        "某地",
    )
    assert code == 1
    assert "校验" in err or "统一社会信用代码" in err
    assert "Traceback" not in err


def test_the_installed_console_script_runs_as_a_separate_process(tmp_path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "enforcement_desk",
            "--db",
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "--user",
            "nobody",
            "case",
            "list",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "", "ENFORCEMENT_DESK_PASSWORD": "x", "ENFORCEMENT_DESK_HOME": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "尚未初始化" in result.stderr
