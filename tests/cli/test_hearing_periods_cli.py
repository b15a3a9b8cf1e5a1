"""Hearings and periods from the terminal (issue #18): `case hearing --terminated/--agents`, `case extend` under
卫生健康行政处罚程序规定 art. 42(2), `case pause-period`/`pause-end` (art. 42(3)), a late decision's
`--late-reason`, `case extend-filing`, and the 证据先行登记保存's seven working days in `deadlines`."""

from __future__ import annotations

import zipfile

import pytest
import test_case_lifecycle_cli as lifecycle
from sqlalchemy import create_engine, func, select
from test_case_lifecycle_cli import Terminal, _case_audit_and_history

from enforcement_desk.cli.main import main
from enforcement_desk.store.models_steps import HearingRecord

terminal = lifecycle.terminal  # the same initialised office, run from the terminal


def _org_case(t: Terminal, fine: str = "60000") -> str:
    """An organisation's case at the hearing stage: notice served 11-06, the hearing from 11-17."""
    party = t.ok("wang", "2026-11-02", "party", "add", "--kind", "organisation", "--name", "沂水县悦来宾馆有限公司",
                 "--id-number", "91371323MA3C7X2Y1L", "--legal-representative", "刘某", "--address", "长安路 88 号")  # fmt: skip
    case = t.ok("wang", "2026-11-02", "case", "create", "--source", "inspection", "--party", str(party["id"]),
                "--cause", "未取得公共场所卫生许可证擅自营业", "--handlers", "wang,li", "--discovered-on", "2026-11-01",
                "--act-date", "2026-09-01", "--category", "公", "--location", "沂水县长安路 88 号")  # fmt: skip
    ref = case["case_no"]
    for user, day, *args in (
        ("chen", "2026-11-03", "case", "advance", ref, "file"),
        ("wang", "2026-11-03", "case", "update", ref, "--set", "facts=未取得公共场所卫生许可证擅自营业三个月"),
        ("wang", "2026-11-03", "case", "advance", ref, "close_investigation"),
        ("wang", "2026-11-03", "case", "propose", ref, "--outcome", "penalty", "--kinds", "罚款", "--fine", fine,
         "--level", "一般", "--reason", "营业三个月", "--violated", "《公共场所卫生管理条例》第八条",
         "--basis", "《公共场所卫生管理条例实施细则》第三十五条"),
        ("wang", "2026-11-03", "case", "advance", ref, "deliberate"),
        ("wang", "2026-11-04", "case", "advance", ref, "send_prior_notice", "--param", "served_on=2026-11-04"),
        ("wang", "2026-11-06", "case", "advance", ref, "request_hearing", "--param", "requested_on=2026-11-06"),
        ("wang", "2026-11-06", "case", "hearing-notice", ref, "--at", "2026-11-17 09:30", "--place", "听证室",
         "--host", "刘洋", "--served-on", "2026-11-06"),
    ):  # fmt: skip
        t.ok(user, day, *args)
    return ref


def _hearing_rows(t: Terminal) -> int:
    engine = create_engine(t.db_url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(HearingRecord))
    engine.dispose()
    return count


def test_a_terminated_hearing_through_the_cli_and_its_record(terminal: Terminal, tmp_path) -> None:
    t = terminal
    ref = _org_case(t)
    case_id = t.ok("wang", "2026-11-06", "case", "show", ref)["id"]
    before = _case_audit_and_history(t.db_url, case_id)
    # Bad input first: three agents, a hearing before the notice's seven working days, an unknown ground.
    code, _, err = t.run("wang", "2026-11-17", "case", "hearing", ref, "--host", "刘洋", "--record", "经过",
                         "--agents", "甲,乙,丙")  # fmt: skip
    assert code == 1 and "一至二人代理" in err and "第六十四条第（五）项" in err and "Traceback" not in err
    code, _, err = t.run("wang", "2026-11-16", "case", "hearing", ref, "--host", "刘洋", "--record", "当事人未到场",
                         "--terminated", "无正当理由拒不出席")  # fmt: skip
    assert code == 1 and "2026-11-17 起" in err and "第六十四条第（二）项" in err
    code, _, err = t.run("wang", "2026-11-17", "case", "hearing", ref, "--host", "刘洋", "--record", "经过",
                         "--terminated", "迟到")  # fmt: skip
    assert code == 1 and "终止听证的事由应为" in err and "第六十四条第（六）项" in err
    code, _, err = t.run("wang", "2026-11-17", "case", "hearing", ref, "--host", "刘洋", "--record", "当事人未到场",
                         "--signature", "未到场")  # fmt: skip
    assert code == 1 and "应登记为终止听证" in err
    assert _case_audit_and_history(t.db_url, case_id) == before and _hearing_rows(t) == 0

    detail = t.ok("wang", "2026-11-17", "case", "hearing", ref, "--host", "刘洋", "--agents", "王律师",
                  "--record", "代理人王律师于九时五十分未经主持人许可退场", "--terminated", "中途退出",
                  "--signature", "拒绝签名")  # fmt: skip
    assert detail["hearing_terminated_on"] == "2026-11-17" and detail["hearing_held_on"] is None
    assert detail["major"]["is_major"] is False
    out = tmp_path / "hr.docx"
    t.ok("wang", "2026-11-17", "document", "issue", ref, "hearing_record", "--format", "docx", "--out", str(out))
    text = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "终止听证" in text and "未经许可中途退出" in text and "王律师" in text
    # The case goes on to the decision; the 决定书 says the hearing was terminated. 60,000 is a large fine: the
    # heads discuss it first (卫生健康行政处罚程序规定 art. 40(一)), at the hearing stage since it needs no review.
    code, _, err = t.run("chen", "2026-11-18", "case", "advance", ref, "decide")
    assert code == 1 and "集体讨论" in err and "第四十条" in err
    t.ok("chen", "2026-11-18", "case", "discussion", ref, "--participants", "陈军,刘洋", "--opinion", "陈军=同意",
         "--conclusion", "同意处罚")  # fmt: skip
    decided = t.ok("chen", "2026-11-18", "case", "advance", ref, "decide")
    assert decided["stage"] == "decided"


def test_extensions_from_the_terminal(terminal: Terminal) -> None:
    t = terminal
    ref = _org_case(t)
    code, _, err = t.run("chen", "2026-11-06", "case", "extend", ref, "--days", "-5", "--reason", "案情复杂")
    assert code == 1 and "1 到 60 日" in err and "第四十二条第二款" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as parse_error:
        t.run("chen", "2026-11-06", "case", "extend", ref, "--days", "十", "--reason", "案情复杂")
    err = t.capsys.readouterr().err
    assert parse_error.value.code == 2 and "应为整数" in err and "Traceback" not in err
    code, _, err = t.run("wang", "2026-11-06", "case", "extend", ref, "--days", "10", "--reason", "案情复杂")
    assert code == 1 and "负责人" in err
    detail = t.ok("chen", "2026-11-06", "case", "extend", ref, "--days", "60", "--reason", "需补充检验")
    assert detail["decision_deadline"] == "2027-04-02"  # 11-03 + 90 = 2027-02-01, + 60 = 04-02
    code, _, err = t.run("liu", "2026-11-09", "case", "extend", ref, "--days", "10", "--reason", "仍需检验")
    assert code == 1 and "须经集体讨论决定" in err and "第四十二条第二款" in err
    code, _, err = t.run("liu", "2026-11-09", "case", "extend", ref, "--days", "10", "--reason", "仍需检验",
                         "--participants", "陈军、刘洋")  # fmt: skip
    assert code == 1 and "须同时写明" in err
    code, _, err = t.run("liu", "2026-11-09", "case", "extend", ref, "--days", "10", "--reason", "仍需检验",
                         "--discussion-date", "2026-11-08", "--participants", "陈军、王强", "--conclusion", "同意")  # fmt: skip
    assert code == 1 and "负责人应不少于两人" in err
    detail = t.ok("liu", "2026-11-09", "case", "extend", ref, "--days", "10", "--reason", "案情特别复杂",
                  "--discussion-date", "2026-11-08", "--participants", "陈军、刘洋", "--conclusion", "同意再延长十日")  # fmt: skip
    assert detail["decision_deadline"] == "2027-04-12"  # 04-02 + 10
    code, _, err = t.run("chen", "2026-11-10", "case", "extend", ref, "--days", "10", "--reason", "再延",
                         "--discussion-date", "2026-11-10", "--participants", "陈军、刘洋", "--conclusion", "同意")  # fmt: skip
    assert code == 1 and "不能再次延长" in err


def _not_established_case(t: Terminal) -> str:
    """A person's case filed 11-03 (the decision due 2027-02-01) whose handlers found no violation."""
    party = t.ok("wang", "2026-11-02", "party", "add", "--kind", "person", "--name", "张某某",
                 "--id-number", "370323198503150010", "--address", "沂水县许家湖镇某村 56 号")  # fmt: skip
    case = t.ok("wang", "2026-11-02", "case", "create", "--source", "inspection", "--party", str(party["id"]),
                "--cause", "未取得医疗机构执业许可证擅自执业", "--handlers", "wang,li", "--discovered-on", "2026-11-01",
                "--act-date", "2026-09-01")  # fmt: skip
    ref = case["case_no"]
    for user, *args in (
        ("chen", "case", "advance", ref, "file"),
        ("wang", "case", "update", ref, "--set", "facts=经查当事人已取得许可"),
        ("wang", "case", "advance", ref, "close_investigation"),
        ("wang", "case", "propose", ref, "--outcome", "not_established", "--reason", "违法事实不能成立"),
        ("wang", "case", "advance", ref, "deliberate"),
    ):  # fmt: skip
        t.ok(user, "2026-11-03", *args)
    return ref


def _text(t: Terminal, user: str, day: str, *args: str) -> tuple[int, str, str]:
    """A command's output as a person reads it (not --json)."""
    t.monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", day)
    code = main(["--db", t.db_url, "--user", user, *args])
    out, err = t.capsys.readouterr()
    return code, out, err


def test_time_not_counted_and_a_late_decision_from_the_terminal(terminal: Terminal) -> None:
    t = terminal
    ref = _not_established_case(t)
    case_id = t.ok("wang", "2026-11-03", "case", "show", ref)["id"]
    before = _case_audit_and_history(t.db_url, case_id)
    for args, words in (
        (("--kind", "检验", "--from", "2026-11-20", "--to", "2026-11-10"), "早于开始日期"),
        (("--kind", "检验", "--from", "2026-11-10", "--to", "2026-11-30"), "不能晚于今天"),
        (("--kind", "检验", "--from", "2026-11-01"), "之后开始"),
    ):
        code, _, err = t.run("wang", "2026-11-25", "case", "pause-period", ref, *args)
        assert code == 1 and words in err and "第四十二条第三款" in err and "Traceback" not in err
    code, _, err = t.run("chen", "2026-11-25", "case", "pause-period", ref, "--kind", "检验", "--from", "2026-11-10")
    assert code == 1 and "执法人员" in err
    with pytest.raises(SystemExit):
        t.run("wang", "2026-11-25", "case", "pause-period", ref, "--kind", "调查", "--from", "2026-11-10")
    assert "无效，可选" in t.capsys.readouterr().err
    assert _case_audit_and_history(t.db_url, case_id) == before
    # 检验 from 11-10, still running; its end on 11-25: 16 days not counted, 2027-02-01 + 16 = 02-17.
    t.ok("wang", "2026-11-12", "case", "pause-period", ref, "--kind", "检验", "--from", "2026-11-10", "--note", "送检")
    code, out, _ = _text(t, "wang", "2026-11-12", "case", "deadlines", ref)
    assert code == 0 and "暂停计算" in out and "检验 自 2026-11-10 起（尚未结束" in out
    code, _, err = t.run("chen", "2026-11-12", "case", "advance", ref, "decide")
    assert code == 1 and "尚未结束" in err
    detail = t.ok("li", "2026-11-25", "case", "pause-end", ref, "--to", "2026-11-25", "--note", "收到检验报告")
    assert detail["decision_deadline"] == "2027-02-17"
    code, out, _ = _text(t, "wang", "2026-11-25", "case", "deadlines", ref)
    assert "检验 2026-11-10 至 2026-11-25，16 日不计入办案期限" in out and "已恢复计算" in out
    # After the period: refused without a reason, decided with one, and the reason shown.
    code, _, err = t.run("chen", "2027-02-18", "case", "advance", ref, "decide")
    assert code == 1 and "超过办案期限的理由" in err and "第四十二条" in err
    t.ok("chen", "2027-02-18", "case", "advance", ref, "decide", "--late-reason", "检验机构补检延误")
    shown = t.ok("wang", "2027-02-18", "case", "show", ref)
    assert shown["late_decision_reason"] == "检验机构补检延误"
    assert shown["decision_pauses"][0]["days"] == 16
    code, out, _ = _text(t, "wang", "2027-02-18", "case", "show", ref)
    assert code == 0 and "超过办案期限作出决定：检验机构补检延误" in out
    code, out, _ = _text(t, "wang", "2027-02-18", "case", "history", ref)
    assert "超过办案期限作出决定：检验机构补检延误" in out


def test_the_filing_extension_and_the_preservation_period_from_the_terminal(terminal: Terminal, tmp_path) -> None:
    t = terminal
    party = t.ok("wang", "2026-11-02", "party", "add", "--kind", "person", "--name", "张某某",
                 "--id-number", "370323198503150010", "--address", "沂水县许家湖镇某村 56 号")  # fmt: skip
    case = t.ok("wang", "2026-11-02", "case", "create", "--source", "inspection", "--party", str(party["id"]),
                "--cause", "未取得医疗机构执业许可证擅自执业", "--handlers", "wang,li", "--discovered-on", "2026-11-01",
                "--act-date", "2026-09-01", "--location", "沂水县许家湖镇某村 56 号")  # fmt: skip
    ref = case["case_no"]
    code, _, err = t.run("wang", "2026-11-02", "case", "extend-filing", ref, "--reason", "需现场复核")
    assert code == 1 and "负责人" in err
    detail = t.ok("chen", "2026-11-09", "case", "extend-filing", ref, "--reason", "需现场复核")
    filing = [d for d in detail["deadlines"] if d["key"] == "filing" and d["status"] == "open"]
    assert filing[0]["due_on"] == "2026-11-19"
    code, _, err = t.run("liu", "2026-11-10", "case", "extend-filing", ref, "--reason", "再延")
    assert code == 1 and "延长过一次" in err and "《卫生健康行政处罚程序规定》第三十二条第一款" in err
    t.ok("chen", "2026-11-10", "case", "advance", ref, "file")
    goods = tmp_path / "药品照片.jpg"
    goods.write_bytes(b"\xff\xd8\xff\xe0 photo of the medicines kept")
    t.ok("wang", "2026-11-11", "evidence", "add", ref, str(goods), "--description", "输液用药品 12 盒")  # the items
    t.ok("wang", "2026-11-11", "document", "issue", ref, "evidence_preservation_decision")  # Wed: due 11-20
    rows = t.ok("wang", "2026-11-18", "deadlines")
    assert [(r["name"], r["due_on"]) for r in rows if r["key"] == "evidence_preservation"] == [
        ("先行登记保存处理期限", "2026-11-20")
    ]
    issued = t.ok("wang", "2026-11-23", "document", "issue", ref, "evidence_preservation_handling")
    assert issued["document"]["number"] and "2026-11-20" in issued["document"]["warnings"][0]
    code, out, _ = t.run("wang", "2026-11-23", "deadlines")
    assert code == 0 and "evidence_preservation" not in out


def _small_fine_case(t: Terminal) -> str:
    """An organisation's case proposing 3,000 yuan (no hearing right, no review), prior notice served 11-04."""
    party = t.ok("wang", "2026-11-02", "party", "add", "--kind", "organisation", "--name", "沂水县悦来宾馆有限公司",
                 "--id-number", "91371323MA3C7X2Y1L", "--legal-representative", "刘某", "--address", "长安路 88 号")  # fmt: skip
    case = t.ok("wang", "2026-11-02", "case", "create", "--source", "inspection", "--party", str(party["id"]),
                "--cause", "未取得公共场所卫生许可证擅自营业", "--handlers", "wang,li", "--discovered-on", "2026-11-01",
                "--act-date", "2026-09-01", "--category", "公", "--location", "沂水县长安路 88 号")  # fmt: skip
    ref = case["case_no"]
    for user, day, *args in (
        ("chen", "2026-11-03", "case", "advance", ref, "file"),
        ("wang", "2026-11-03", "case", "update", ref, "--set", "facts=未取得公共场所卫生许可证擅自营业"),
        ("wang", "2026-11-03", "case", "advance", ref, "close_investigation"),
        ("wang", "2026-11-03", "case", "propose", ref, "--outcome", "penalty", "--kinds", "警告,罚款", "--fine", "3000",
         "--level", "一般", "--reason", "首次发现", "--violated", "《公共场所卫生管理条例》第八条",
         "--basis", "《公共场所卫生管理条例实施细则》第三十五条"),
        ("wang", "2026-11-03", "case", "advance", ref, "deliberate"),
        ("wang", "2026-11-04", "case", "advance", ref, "send_prior_notice", "--param", "served_on=2026-11-04"),
    ):  # fmt: skip
        t.ok(user, day, *args)
    return ref


def test_collective_discussion_grounds_from_the_terminal(terminal: Terminal) -> None:
    """卫生健康行政处罚程序规定 art. 40: a small fine needs no discussion until a head refers it; then the
    discussion is recorded where the case is decided (no review needed) and the decision follows."""
    t = terminal
    ref = _small_fine_case(t)
    code, _, err = t.run("wang", "2026-11-06", "case", "discussion-grounds", ref, "--ground", "负责人提交", "--note", "x")
    assert code == 1 and "由负责人提交或撤回" in err and "第四十条" in err and "Traceback" not in err
    with pytest.raises(SystemExit):
        t.run("wang", "2026-11-06", "case", "discussion-grounds", ref, "--ground", "疑难复杂", "--note", "x")
    assert "无效，可选" in t.capsys.readouterr().err
    detail = t.ok("wang", "2026-11-06", "case", "discussion-grounds", ref, "--ground", "重大社会影响", "--note", "媒体报道")
    assert detail["discussion"]["grounds"] == ["第（三）项：有重大社会影响"]
    code, out, _ = _text(t, "chen", "2026-11-10", "case", "show", ref)
    assert "须经负责人集体讨论决定（《卫生健康行政处罚程序规定》第四十条）：第（三）项：有重大社会影响" in out
    code, _, err = t.run("chen", "2026-11-10", "case", "advance", ref, "decide")
    assert code == 1 and "集体讨论" in err
    t.ok("chen", "2026-11-10", "case", "discussion", ref, "--participants", "陈军,刘洋", "--conclusion", "同意处罚")
    assert t.ok("liu", "2026-11-10", "case", "advance", ref, "decide")["stage"] == "decided"
