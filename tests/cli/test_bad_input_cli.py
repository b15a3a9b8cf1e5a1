"""Input the issue found slipping through (#19 item 9): an amount that is not an amount, a date that
does not exist, a penalty kind the law does not know, overlong or unprintable names. Each is refused
with a Chinese message naming the field and what is allowed, a non-zero exit and no traceback — in the
CLI and in the services the desk calls."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from case_builders import new_case

from enforcement_desk.cli.main import main
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import Outcome
from enforcement_desk.core.text_limits import NAME
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.parties import PartyDraft, add_party

PASSWORD = "cli-pass-2026"
DAY = "2026-11-05"


class Terminal:
    """`enforcement-desk` run in-process as a given user."""

    def __init__(self, db_url: str, monkeypatch, capsys):
        self.db_url, self.capsys = db_url, capsys
        monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
        monkeypatch.setenv("ENFORCEMENT_DESK_NEW_PASSWORD", PASSWORD)
        monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", DAY)

    def run(self, user: str | None, *args: str) -> tuple[int, str]:
        try:
            code = main(["--db", self.db_url, "--json", *(["--user", user] if user else []), *args])
        except SystemExit as exit_:  # argparse refuses a value its type function rejected
            code = exit_.code
        out, err = self.capsys.readouterr()
        return code, out + err

    def ok(self, user: str | None, *args: str):
        code, text = self.run(user, *args)
        assert code == 0, text
        return json.loads(text) if text.strip() else None

    def refused(self, user: str | None, *args: str) -> str:
        code, text = self.run(user, *args)
        assert code not in (0, None), text
        assert "Traceback" not in text
        return text


@pytest.fixture
def terminal(sqlite_url, monkeypatch, capsys) -> tuple[Terminal, str]:
    t = Terminal(sqlite_url, monkeypatch, capsys)
    t.ok(None, "init", "--agency", "沂水县卫生健康综合监督执法局", "--short-name", "沂",
         "--reconsideration-body", "沂水县人民政府", "--court", "沂水县人民法院", "--admin-login", "admin",
         "--admin-name", "管理员", "--training")  # fmt: skip
    for login, name, cert in (("wang", "王强", "3713002023001"), ("li", "李娜", "3713002023002")):
        t.ok("admin", "user", "add", "--login", login, "--name", name, "--role", "officer",
             "--cert-no", cert, "--cert-valid-until", "2028-12-31")  # fmt: skip
    t.ok("admin", "user", "add", "--login", "chen", "--name", "陈军", "--role", "head")
    party = t.ok("wang", "party", "add", "--kind", "person", "--name", "张某某",
                 "--id-number", "370323198503150010", "--address", "沂水县许家湖镇某村 56 号")  # fmt: skip
    case = t.ok("wang", "case", "create", "--source", "inspection", "--party", str(party["id"]),
                "--cause", "未取得医疗机构执业许可证擅自执业", "--handlers", "wang,li",
                "--discovered-on", "2026-11-01", "--category", "医")  # fmt: skip
    t.ok("chen", "case", "advance", case["case_no"], "file", "--param", "opinion=同意立案")
    return t, case["case_no"]


@pytest.mark.parametrize("amount", ["NaN", "inf", "-Infinity", "1e30", "-5", "12.345", "二万"])
def test_a_fine_that_is_not_an_amount_is_refused(terminal, amount):
    t, ref = terminal

    text = t.refused(
        "wang", "case", "propose", ref, "--outcome", "penalty", "--kinds", "罚款", f"--fine={amount}"
    )

    assert "--fine" in text and "金额" in text
    assert "error" not in text and "argument" not in text  # argparse's own words, in Chinese


def test_argparse_refusals_speak_chinese(terminal):
    t, ref = terminal
    assert "参数 --fine 需要一个值" in t.refused("wang", "case", "propose", ref, "--outcome", "penalty", "--fine")
    text = t.refused("wang", "case", "propose", ref, "--outcome", "maybe")
    assert "参数 --outcome 的值 'maybe' 无效，可选：" in text and "用法：" in text
    assert "缺少必填参数：--outcome" in t.refused("wang", "case", "propose", ref)


def test_a_date_that_does_not_exist_is_refused_naming_the_field(terminal):
    t, ref = terminal

    text = t.refused("wang", "case", "update", ref, "--set", "act_date=2026-02-30")

    assert "2026-02-30" in text and "年-月-日" in text


def test_a_penalty_kind_the_law_does_not_know_is_refused_with_the_lawful_kinds(terminal):
    t, ref = terminal

    text = t.refused("wang", "case", "propose", ref, "--outcome", "penalty", "--kinds", "警告,不存在的种类")

    assert "“不存在的种类”不是法定的处罚种类" in text
    assert "通报批评" in text and "责令关闭" in text


def test_an_overlong_party_name_is_refused_with_the_limit(terminal):
    t, _ = terminal

    text = t.refused("wang", "party", "add", "--kind", "person", "--name", "张" * (NAME.limit + 1),
                     "--address", "沂水县某村")  # fmt: skip

    assert f"当事人名称或姓名最多{NAME.limit}个字" in text


def test_facts_with_a_control_character_are_refused(terminal):
    t, ref = terminal

    text = t.refused("wang", "case", "update", ref, "--set", "facts=当事人\x07开展静脉输液")

    assert "违法事实包含无法显示或打印的字符" in text


def test_an_unknown_field_is_refused_naming_those_that_can_be_changed(terminal):
    t, ref = terminal

    text = t.refused("wang", "case", "update", ref, "--set", "fine=100")

    assert "不能直接修改：fine" in text and "act_date" in text


def test_nothing_refused_was_saved(terminal):
    t, ref = terminal
    before = t.ok("wang", "case", "show", ref)

    t.refused("wang", "case", "update", ref, "--set", "act_date=2026-02-30")
    t.refused("wang", "case", "propose", ref, "--outcome", "penalty", "--kinds", "不存在的种类")

    after = t.ok("wang", "case", "show", ref)
    assert after["version"] == before["version"]


def test_the_real_entry_point_prints_no_traceback_for_nan(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "enforcement_desk", "--db", f"sqlite:///{tmp_path / 'x.db'}", "case", "propose",
         "1", "--outcome", "penalty", "--fine", "NaN"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode != 0
    assert "金额" in result.stderr and "Traceback" not in result.stderr


# ---- the same refusals in the services the desk calls ----


@pytest.mark.parametrize(
    "fine",
    [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("1e30"), Decimal("-1"), float("nan")],
)
def test_the_proposal_service_refuses_a_fine_that_is_not_an_amount(sqlite_office, fine):
    case = new_case(sqlite_office)

    with pytest.raises(DomainError, match="罚款金额"):
        set_proposal(sqlite_office.ctx, sqlite_office.officer, case.id, case.version,
                     Proposal(Outcome.PENALTY, ("罚款",), fine=fine))  # fmt: skip


def test_the_proposal_service_refuses_an_unknown_kind(sqlite_office):
    case = new_case(sqlite_office)

    with pytest.raises(DomainError, match="“罚酒三杯”不是法定的处罚种类"):
        set_proposal(sqlite_office.ctx, sqlite_office.officer, case.id, case.version,
                     Proposal(Outcome.PENALTY, ("警告", "罚酒三杯")))  # fmt: skip


def test_the_case_service_refuses_a_date_given_as_text_that_does_not_exist(sqlite_office):
    case = new_case(sqlite_office)

    with pytest.raises(DomainError, match="违法行为发生日期“2026-02-30”不是有效日期"):
        update_case(sqlite_office.ctx, sqlite_office.officer, case.id, case.version, act_date="2026-02-30")

    assert get_case(sqlite_office.ctx, sqlite_office.officer, case.id).version == case.version


def test_the_party_service_refuses_an_overlong_address(sqlite_office):
    with pytest.raises(DomainError, match="住所（地址）最多200个字"):
        add_party(sqlite_office.ctx, sqlite_office.officer,
                  PartyDraft("person", "王某", address="沂水县" + "某" * 200))  # fmt: skip
