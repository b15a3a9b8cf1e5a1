"""Discretion on real databases: the recommendation for a case, the officer's audited choice, and an
agency importing its own table (preview, then confirm)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from case_builders import db_snapshot, new_case
from openpyxl import Workbook
from sqlalchemy import select

from enforcement_desk.core.discretion.engine import Facts
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.discretion.service import (
    choose_for_case,
    compute_for_case,
    confirm_import,
    discard_import,
    library_in_use,
    list_imports,
    list_violations,
    preview_import,
    recorded_discretion,
    show_violation,
    suggest_for_case,
)
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.store.models import AuditEvent

HEADER = ["违法行为编码", "违法行为名称", "裁量阶次", "适用情形", "裁量标准", "说明"]
COUNTY_ROWS = [
    ["SY-001", "供管水人员无体检合格证", "从轻", "persons_affected <= 1", "300", "1人"],
    ["SY-001", "供管水人员无体检合格证", "一般", "", "500", "2人以上"],
    ["SY-001", "供管水人员无体检合格证", "从重", "逾期不改正", "1000", "仍未改正"],
]
BAD_ROWS = [
    ["XX-999", "不存在的违法行为", "一般", "", "500", ""],  # unknown code
    ["SY-001", "供管水人员无体检合格证", "从重", "逾期不改正", "1500", ""],  # duplicate and above 1,000
    ["GG-001", "无证营业", "特别从重", "", "30000", ""],  # no such level
    ["YL-001", "无证行医", "从轻", "duration_days < 90", "50000-80000", ""],  # amounts for a gains multiple
    ["GG-004", "无健康证", "从轻", "天气 == 晴", "600", ""],  # unknown fact
    ["GG-005", "事故未处置", "减轻", "", "6000", ""],  # mitigation not below the minimum
]


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        # A spreadsheet stores typed-in figures as numbers, not text.
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    workbook.save(path)
    return path


def water_case(office):
    return new_case(
        office,
        party_id=office.org_party_id,
        cause="集中式供水单位安排未取得体检合格证的人员从事直接供、管水工作",
        violation_code="SY-001",
        category="水",
    )


def test_recommendation_for_a_case_uses_its_violation_and_dates(office):
    case = new_case(office, violation_code="YL-001")
    result = compute_for_case(
        office.ctx, office.officer, case.id, Facts(illegal_gains=Decimal("3000"), duration_days=200)
    )
    assert (result.statutory.minimum, result.statutory.maximum) == (Decimal("50000"), Decimal("200000"))
    assert "2026-09-01" in result.explanation[0].text  # the act date recorded on the case
    assert result.library_version == "2026.2"


def test_the_officers_choice_is_saved_on_the_case_with_the_benchmark_version_and_audited(office):
    case = new_case(office, violation_code="YL-001")
    facts = Facts(illegal_gains=Decimal("3000"), duration_days=200)
    detail = choose_for_case(office.ctx, office.officer, case.id, case.version, facts)
    assert detail.fine_amount == Decimal("110000") and detail.confiscation_amount == Decimal("3000")
    assert "罚款" in detail.penalty_kinds
    saved = recorded_discretion(office.ctx, office.officer, case.id)
    assert saved["library_version"] == "2026.2" and saved["level"] == "一般"
    assert saved["chosen_fine"] == "110000"
    assert any("第九十九条" in rule["article"] for rule in saved["explanation"])
    with office.ctx.db.read() as session:
        payload = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "proposal_set")).one()
    assert json.loads(payload)["after"]["level"] == "一般"


def test_a_fine_outside_the_level_range_without_a_reason_is_refused_and_nothing_changes(office):
    case = new_case(office, violation_code="YL-001")
    before = db_snapshot(office, case.id)
    facts = Facts(illegal_gains=Decimal("3000"), duration_days=200)
    with pytest.raises(DomainError, match="须书面说明理由"):
        choose_for_case(office.ctx, office.officer, case.id, case.version, facts, fine=Decimal("190000"))
    assert db_snapshot(office, case.id) == before
    detail = choose_for_case(
        office.ctx,
        office.officer,
        case.id,
        case.version,
        facts,
        fine=Decimal("190000"),
        reason="造成两名患者延误治疗",
    )
    assert detail.discretion["deviation"] and detail.discretion["reason"] == "造成两名患者延误治疗"


def test_mitigation_below_the_minimum_marks_the_case_major(office):
    case = new_case(office, violation_code="YL-001")
    facts = Facts(illegal_gains=Decimal("3000"), duration_days=200, art32=frozenset({"eliminated_harm"}))
    with pytest.raises(DomainError, match="未采用建议的裁量阶次“从轻”"):
        choose_for_case(office.ctx, office.officer, case.id, case.version, facts, level="减轻")
    detail = choose_for_case(
        office.ctx,
        office.officer,
        case.id,
        case.version,
        facts,
        level="减轻",
        reason="主动退赔全部诊疗费用并停止执业",
    )
    assert detail.mitigated and detail.fine_amount < Decimal("50000")
    assert detail.major.is_major and any("减轻" in reason for reason in detail.major.reasons)


def test_only_a_handling_officer_records_the_discretion(office):
    case = new_case(office, violation_code="YL-001")
    with pytest.raises(PermissionDenied):
        choose_for_case(office.ctx, office.reviewer, case.id, case.version, Facts())
    with pytest.raises(DomainError, match="只有本案承办人"):
        choose_for_case(office.ctx, office.officer3, case.id, case.version, Facts())


def test_browsing_lists_and_shows_violations_with_their_provisions(office):
    water = list_violations(office.ctx, office.officer, area="生活饮用水")
    assert {v.code for v in water} >= {"SY-001", "SY-004"}
    detail = show_violation(office.ctx, office.officer, "GG-001")
    assert "第三十五条" in detail.versions[0].penalty
    assert {level.level for level in detail.levels} >= {"从轻", "一般", "从重"}


def test_a_malformed_spreadsheet_keeps_good_rows_rejects_bad_ones_and_changes_nothing_until_confirmed(
    office, tmp_path
):
    case = water_case(office)
    facts = Facts(persons_affected=1)
    before = compute_for_case(office.ctx, office.officer, case.id, facts)
    path = write_xlsx(tmp_path / "某县卫生监督裁量基准.xlsx", COUNTY_ROWS + BAD_ROWS)

    preview = preview_import(office.ctx, office.admin, path)
    assert preview.status == "pending"
    assert [row["row"] for row in preview.accepted] == [2, 3, 4]
    reasons = {r.row: r.reason for r in preview.rejected}
    assert set(reasons) == {5, 6, 7, 8, 9, 10}
    assert "没有编码为“XX-999”" in reasons[5]
    assert "重复" in reasons[6]
    assert "裁量阶次“特别从重”无效" in reasons[7]
    assert "应写成倍数" in reasons[8]
    assert "不是可比较的数量事实" in reasons[9]
    assert "减轻处罚应低于法定最低额 5000" in reasons[10]

    # The preview alone changes nothing.
    assert library_in_use(office.ctx, office.officer).version == "2026.2"
    assert (
        compute_for_case(office.ctx, office.officer, case.id, facts).recommended_fine
        == before.recommended_fine
    )

    confirm_import(office.ctx, office.head, preview.id)
    after = compute_for_case(office.ctx, office.officer, case.id, facts)
    assert after.library_version == "2026.2+本机关第1版"
    assert after.level == "从轻" and after.recommended_fine == Decimal("300")
    assert (
        compute_for_case(office.ctx, office.officer, case.id, Facts(persons_affected=3)).recommended_fine
        == 500
    )


def test_a_case_keeps_the_version_it_was_decided_under_when_a_new_table_is_confirmed(office, tmp_path):
    case = water_case(office)
    detail = choose_for_case(office.ctx, office.officer, case.id, case.version, Facts(persons_affected=1))
    assert detail.discretion["library_version"] == "2026.2"
    preview = preview_import(office.ctx, office.admin, write_xlsx(tmp_path / "t.xlsx", COUNTY_ROWS))
    confirm_import(office.ctx, office.admin, preview.id)
    kept = get_case(office.ctx, office.officer, case.id)
    assert kept.discretion["library_version"] == "2026.2" and kept.fine_amount == detail.fine_amount


def test_a_second_confirmed_table_supersedes_the_first_and_a_preview_can_be_discarded(office, tmp_path):
    first = preview_import(office.ctx, office.admin, write_xlsx(tmp_path / "a.xlsx", COUNTY_ROWS))
    confirm_import(office.ctx, office.admin, first.id)
    with pytest.raises(DomainError, match="只能启用待确认"):
        confirm_import(office.ctx, office.admin, first.id)
    second = preview_import(office.ctx, office.admin, write_xlsx(tmp_path / "b.xlsx", COUNTY_ROWS[:1]))
    confirm_import(office.ctx, office.admin, second.id)
    third = preview_import(office.ctx, office.admin, write_xlsx(tmp_path / "c.xlsx", COUNTY_ROWS[1:]))
    discard_import(office.ctx, office.admin, third.id)
    assert [(t.version, t.status) for t in list_imports(office.ctx, office.admin)] == [
        (1, "superseded"),
        (2, "active"),
        (3, "discarded"),
    ]
    assert library_in_use(office.ctx, office.officer).version == "2026.2+本机关第2版"
    with office.ctx.db.read() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "discretion_table")
        ).all()
    assert actions.count("discretion_table_activated") == 2 and "discretion_table_discarded" in actions


def test_csv_tables_import_too_and_a_sheet_without_the_headings_is_refused(office, tmp_path):
    good = tmp_path / "table.csv"
    good.write_text("\n".join(",".join(row) for row in [HEADER, *COUNTY_ROWS]), encoding="utf-8-sig")
    assert len(preview_import(office.ctx, office.admin, good).accepted) == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("编码,阶次\nSY-001,一般\n", encoding="utf-8")
    with pytest.raises(DomainError, match="表头缺少“违法行为编码、裁量阶次”"):
        preview_import(office.ctx, office.admin, bad)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a spreadsheet")
    with pytest.raises(DomainError, match="无法读取"):
        preview_import(office.ctx, office.admin, broken)


def test_officers_cannot_import_a_table(office, tmp_path):
    with pytest.raises(PermissionDenied):
        preview_import(office.ctx, office.officer, write_xlsx(tmp_path / "t.xlsx", COUNTY_ROWS))


def test_facts_dates_default_to_the_case_and_the_act_date_drives_the_law_applied(office):
    case = new_case(office, violation_code="YL-001", act_date=date(2026, 9, 1))
    result = compute_for_case(office.ctx, office.officer, case.id, Facts(act_date=date(2020, 3, 1)))
    # An act in March 2020 falls under the 1994 regulation, lighter than the 2020 law — but it was
    # discovered more than two years later, so no penalty at all.
    assert result.outcome == "no_penalty"


def test_violations_are_suggested_from_the_cases_cause_and_category_and_listed_first(office):
    case = new_case(office, cause="某口腔诊所未取得医疗机构执业许可证擅自执业", category="医")
    suggested = suggest_for_case(office.ctx, office.officer, case.id)
    assert suggested.category_label == "医疗卫生" and suggested.suggestions[0].code == "YL-001"
    rows = list_violations(office.ctx, office.officer, case_id=case.id)
    assert rows[0].code == "YL-001" and rows[0].suggested and rows[0].reasons
    assert [r.code for r in rows if r.suggested] == [s.code for s in suggested.suggestions]
    assert not next(r for r in rows if r.code == "SY-001").suggested
    assert len(rows) == len(list_violations(office.ctx, office.officer))  # nothing left out


def test_a_violation_that_does_not_fit_the_case_is_warned_about_not_refused(office):
    case = new_case(office, cause="某口腔诊所未取得医疗机构执业许可证擅自执业", category="医")
    result = compute_for_case(
        office.ctx, office.officer, case.id, Facts(persons_affected=1), codes=("SY-001",)
    )
    assert any("“生活饮用水卫生”类" in w for w in result.warnings)
    assert any("没有共同的关键词" in w for w in result.warnings)
    fitting = compute_for_case(
        office.ctx, office.officer, case.id, Facts(illegal_gains=Decimal("3000")), codes=("YL-001",)
    )
    assert not [w for w in fitting.warnings if "请核对是否选错" in w]


def test_the_adopted_proposal_keeps_the_provisions_and_where_their_texts_were_checked(office):
    case = new_case(office, violation_code="YL-001")
    detail = choose_for_case(
        office.ctx, office.officer, case.id, case.version, Facts(illegal_gains=Decimal("3000"))
    )
    assert detail.proposal.violated_provision.startswith(
        "《中华人民共和国基本医疗卫生与健康促进法》第三十八条第二款"
    )
    assert detail.proposal.legal_basis.startswith(
        "《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款"
    )
    source = detail.discretion["source"]
    assert source["violated"] == source["penalty"]
    assert source["penalty"].startswith("LawRefBook/Laws@2f4c5c2 ")
    shown = show_violation(office.ctx, office.officer, "SY-002")
    assert shown.versions[0].source.label.startswith("未核实（未与法规文本核对）")


# ---- the same from a terminal ------------------------------------------------------------------


@pytest.fixture
def terminal(office, db_url, monkeypatch, capsys):
    from enforcement_desk.cli import main as cli

    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", "test-pass-123")
    monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", "2026-11-02")

    def run(user: str, *args: str) -> tuple[int, str, str]:
        code = cli.main(["--db", db_url, "--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_suggests_a_fine_for_a_violation_and_saves_the_choice_on_a_case(office, terminal):
    code, out, _ = terminal(
        "wang",
        "--json",
        "discretion",
        "suggest",
        "--code",
        "YL-001",
        "--gains",
        "40000",
        "--days",
        "200",
        "--act-date",
        "2026-06-01",
        "--discovered",
        "2026-10-08",
    )
    assert code == 0
    result = json.loads(out)
    assert result["statutory"]["min"] == "200000.00" and result["statutory"]["max"] == "800000.00"
    case = new_case(office, violation_code="YL-001")
    code, out, _ = terminal("wang", "discretion", "choose", f"#{case.id}", "--gains", "3000", "--days", "200")
    assert code == 0 and "罚款 110000 元" in out
    code, _, err = terminal(
        "wang", "discretion", "choose", f"#{case.id}", "--gains", "3000", "--fine", "300000"
    )
    assert code == 1 and "超过法定最高额" in err


def test_cli_imports_a_table_as_a_preview_and_confirms_it(office, terminal, tmp_path):
    path = write_xlsx(tmp_path / "county.xlsx", COUNTY_ROWS + BAD_ROWS[:1])
    code, out, _ = terminal("admin", "discretion", "import", str(path))
    assert code == 0 and "可用 3 行，拒绝 1 行" in out and "XX-999" in out
    table_id = list_imports(office.ctx, office.admin)[0].id
    code, out, _ = terminal("admin", "discretion", "confirm", str(table_id))
    assert code == 0 and "已启用本机关裁量基准第 1 版" in out
    code, out, _ = terminal("wang", "discretion", "show", "SY-001")
    assert code == 0 and "第二十五条" in out and "300–300 元" in out


def test_a_first_offence_waiver_becomes_a_no_penalty_proposal(office):
    case = water_case(office)
    facts = Facts(first_offence=True, corrected_promptly=True, harm="slight", persons_affected=1)
    detail = choose_for_case(office.ctx, office.officer, case.id, case.version, facts)
    assert detail.proposed_outcome.value == "no_penalty" and detail.fine_amount is None
    assert detail.discretion["level"] == "免予处罚"
    assert "第二十五条" in detail.discretion["penalty_basis"]


def test_cli_lists_the_suggestions_for_a_case_first_and_says_why(office, terminal):
    case = new_case(office, cause="某口腔诊所未取得医疗机构执业许可证擅自执业", category="医")
    code, out, _ = terminal("wang", "discretion", "list", "--case", f"#{case.id}")
    assert code == 0
    lines = out.splitlines()
    assert lines[2].startswith("建议") and "YL-001" in lines[2] and "完整名称" in lines[2]
    code, out, _ = terminal("zhou", "--json", "discretion", "list", "--case", f"#{case.id}", "--suggested")
    rows = json.loads(out)
    assert code == 0 and rows[0]["code"] == "YL-001" and all(r["suggested"] for r in rows)
    assert rows[0]["source"]["penalty"].startswith("LawRefBook/")
    code, _, err = terminal("wang", "discretion", "list", "--suggested")
    assert code == 1 and "--suggested 须与 --case 同用" in err


def test_cli_compute_warns_about_a_violation_that_does_not_fit_and_shows_sources(office, terminal):
    case = new_case(office, cause="某口腔诊所未取得医疗机构执业许可证擅自执业", category="医")
    code, out, _ = terminal(
        "wang", "--json", "discretion", "compute", "--case", f"#{case.id}", "--code", "SY-001"
    )
    result = json.loads(out)
    assert code == 0 and any("与本案执法类别“医疗卫生”不一致" in w for w in result["warnings"])
    assert result["source"] == {
        "violated": "未核实",
        "penalty": "未核实（二十元以上一千元以下的幅度未见原文）",
    }
    code, out, _ = terminal("wang", "discretion", "compute", "--case", f"#{case.id}", "--code", "SY-001")
    assert code == 0 and "! 所选违法行为 SY-001" in out and "未核实（未与法规文本核对）" in out
    code, out, _ = terminal("wang", "discretion", "show", "YS-002")
    assert code == 0 and "依据来源：LawRefBook/Laws@2f4c5c2 行政法/医师法(2021-08-20).md" in out
    code, out, _ = terminal("wang", "--json", "discretion", "show", "CR-001")
    versions = json.loads(out)["versions"]
    assert [v["effective_from"] for v in versions] == ["2004-12-01", "2025-09-01"]
    assert "第一百零七条" in versions[1]["penalty"] and versions[1]["source"]["penalty"].startswith(
        "X-STORAGE/"
    )


def test_case_show_prints_the_provisions_of_the_adopted_proposal(office, terminal):
    case = new_case(office, violation_code="YL-001")
    code, _, _ = terminal("wang", "discretion", "choose", f"#{case.id}", "--gains", "3000")
    assert code == 0
    code, out, _ = terminal("zhou", "case", "show", f"#{case.id}")
    assert code == 0
    assert "违反条款：《中华人民共和国基本医疗卫生与健康促进法》第三十八条第二款" in out
    assert "处罚依据：《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款" in out
    assert "依据来源：LawRefBook/Laws@2f4c5c2 行政法/基本医疗卫生与健康促进法(2019-12-28).md" in out
