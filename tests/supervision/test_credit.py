"""Credit: points per scoring year by rules kept as data, blacklist terms, exit and credit repair."""

from __future__ import annotations

import json
from datetime import date

import pytest

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.supervision.credit import (
    BlacklistTerm,
    check_repair,
    parse_rules,
    scoring_year,
    scoring_year_bounds,
    year_points,
)
from enforcement_desk.paths import resources_dir
from enforcement_desk.supervision.credit import (
    add_to_blacklist,
    credit_rules,
    credit_summary,
    current_blacklist,
    record_points,
    remove_from_blacklist,
    repair_credit,
)

RULES_FILE = resources_dir() / "credit_rules.json"


def test_the_bundled_rules_load_and_cover_institutions_and_practitioners():
    rules = parse_rules(json.loads(RULES_FILE.read_text(encoding="utf-8")))
    assert {r.subject for r in rules.rules} == {"institution", "practitioner"}
    assert rules.rule("I01").points == 12 and rules.blacklist_term_years == 3


def test_a_rules_file_with_an_unknown_subject_is_refused():
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    data["rules"][0]["subject"] = "hospital"
    data["rules"][1]["points"] = 0
    with pytest.raises(DomainError, match="记分规则文件有误") as refused:
        parse_rules(data)
    assert len(refused.value.details) == 2


def test_points_count_only_in_their_scoring_year():
    assert scoring_year(date(2026, 3, 1), start_month=7) == 2025
    assert scoring_year_bounds(2025, 7) == (date(2025, 7, 1), date(2026, 6, 30))
    entries = [(date(2025, 12, 31), 6), (date(2026, 1, 1), 3), (date(2026, 12, 31), 2)]
    assert year_points(entries, 2026) == 5
    # A year starting in July: 2025-12-31 and 2026-01-01 both fall in the year begun July 2025.
    assert (year_points(entries, 2025, start_month=7), year_points(entries, 2026, start_month=7)) == (9, 2)


def test_repair_is_allowed_only_after_the_minimum_term_while_still_listed():
    rules = credit_rules()
    term = BlacklistTerm(date(2024, 2, 29), date(2027, 2, 28))
    with pytest.raises(DomainError, match="最早 2025-02-28"):
        check_repair(term, date(2025, 2, 27), rules)
    check_repair(term, date(2025, 2, 28), rules)
    with pytest.raises(DomainError, match="期满移出"):
        check_repair(term, date(2027, 3, 1), rules)


def test_points_reach_the_thresholds_and_show_when_a_case_opens(sqlite_office):
    office = sqlite_office
    with pytest.raises(DomainError, match="适用于医疗卫生机构"):
        record_points(office.ctx, office.officer, office.person_party_id, "I01", date(2026, 10, 1))
    record_points(office.ctx, office.officer, office.org_party_id, "I02", date(2025, 12, 20))
    summary = record_points(office.ctx, office.officer, office.org_party_id, "I01", date(2026, 3, 1))
    assert (summary.scoring_year, summary.year_points) == (2026, 12)  # last year's 6 points do not carry over
    assert [t.points for t in summary.measures] == [6, 12]
    assert "2026 年度不良执业行为记 12 分" in summary.warning
    with pytest.raises(DomainError, match="没有编码"):
        record_points(office.ctx, office.officer, office.org_party_id, "X99", date(2026, 3, 1))


def test_a_blacklist_entry_runs_its_term_and_can_be_exited_or_repaired(sqlite_office):
    office = sqlite_office
    with pytest.raises(DomainError, match="负责人"):
        add_to_blacklist(office.ctx, office.officer, office.org_party_id, "屡查屡犯")
    entry = add_to_blacklist(office.ctx, office.head, office.org_party_id, "一年内三次因同一违法行为受处罚")
    assert entry.ends_on == date(2029, 11, 2) and entry.status == "在列"
    with pytest.raises(DomainError, match="已于 2026-11-02 列入黑名单"):
        add_to_blacklist(office.ctx, office.head, office.org_party_id, "再次")
    assert credit_summary(office.ctx, office.officer, office.org_party_id).on_blacklist
    with pytest.raises(DomainError, match="满 1 年后"):
        repair_credit(office.ctx, office.head, entry.id, "已整改到位")
    office.at(date(2027, 11, 2))
    repaired = repair_credit(office.ctx, office.head, entry.id, "已整改到位，公开作出信用承诺")
    assert repaired.status == "已信用修复" and current_blacklist(office.ctx, office.head) == []
    person = add_to_blacklist(office.ctx, office.head, office.person_party_id, "非法行医被追究刑事责任")
    exited = remove_from_blacklist(office.ctx, office.head, person.id, "原处罚决定被复议机关撤销")
    assert exited.status == "已移出"
    assert not credit_summary(office.ctx, office.head, office.person_party_id).on_blacklist
