"""The discretion engine against hand-worked cases (issue 6) and the articles of the 行政处罚法 it applies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from enforcement_desk.core.discretion.benchmarks import parse_library
from enforcement_desk.core.discretion.engine import Facts, check_choice, recommend
from enforcement_desk.core.errors import DomainError
from enforcement_desk.discretion.library import load_library
from enforcement_desk.paths import resources_dir

LIBRARY = load_library(resources_dir() / "benchmarks")
DECIDED = date(2026, 11, 2)
RECENT = dict(act_date=date(2026, 6, 1), discovered_on=date(2026, 10, 8))


def D(text: str) -> Decimal:
    return Decimal(text)


@pytest.mark.parametrize(
    ("code", "facts", "statutory", "band"),
    [
        # Gains of 3,000 count as 10,000 (基本医疗卫生与健康促进法 art. 99 §1): 5–20 times.
        (
            "YL-001",
            Facts(illegal_gains=D("3000"), duration_days=200, **RECENT),
            ("50000", "200000"),
            "法定罚款",
        ),
        (
            "YL-001",
            Facts(illegal_gains=D("40000"), duration_days=200, **RECENT),
            ("200000", "800000"),
            "法定罚款",
        ),
        # Public place without a licence for more than three months: the aggravated band of art. 35.
        ("GG-001", Facts(duration_days=120, **RECENT), ("5000", "30000"), "第三十五条第一款所列情形"),
        ("GG-001", Facts(duration_days=20, **RECENT), ("500", "5000"), "法定罚款"),
        (
            "GG-001",
            Facts(
                duration_days=20,
                circumstances=frozenset({"以涂改、转让、倒卖、伪造的卫生许可证擅自营业"}),
                **RECENT,
            ),
            ("5000", "30000"),
            "第三十五条第一款所列情形",
        ),
        # Water supplier staff without a health certificate: 生活饮用水卫生监督管理办法 art. 25.
        ("SY-001", Facts(persons_affected=2, **RECENT), ("20", "1000"), "法定罚款"),
        # 非医师行医: 医师法 art. 59, 2–10 times, gains under 10,000 count as 10,000.
        (
            "YS-001",
            Facts(illegal_gains=D("8000"), duration_days=100, **RECENT),
            ("20000", "100000"),
            "法定罚款",
        ),
        # 母婴保健法实施办法 art. 40: gains of 5,000 or more 3–5 times; less than that 5,000–20,000.
        ("MY-001", Facts(illegal_gains=D("4999"), **RECENT), ("5000", "20000"), "法定罚款"),
        ("MY-001", Facts(illegal_gains=D("12000"), **RECENT), ("36000", "60000"), "法定罚款"),
        # 医疗废物管理条例 art. 47: 5,000–10,000; not corrected by the deadline 10,000–30,000.
        ("YF-002", Facts(overdue_uncorrected=True, **RECENT), ("10000", "30000"), "逾期不改正"),
    ],
)
def test_statutory_range_follows_the_penalty_article(code, facts, statutory, band):
    result = recommend(LIBRARY, [code], facts, decided_on=DECIDED)
    assert result.outcome == "penalty"
    assert (result.statutory.minimum, result.statutory.maximum) == (D(statutory[0]), D(statutory[1]))
    assert result.band == band
    assert result.statutory.contains(result.recommended_fine)
    assert result.level_range.minimum <= result.recommended_fine <= result.level_range.maximum


def test_unlicensed_practice_confiscates_the_gains_and_names_every_article_applied():
    result = recommend(
        LIBRARY, ["YL-001"], Facts(illegal_gains=D("3000"), duration_days=200, **RECENT), decided_on=DECIDED
    )
    assert result.confiscation == D("3000")
    articles = [rule.article for rule in result.explanation]
    assert "《行政处罚法》第三十六条" in articles
    assert "《行政处罚法》第三十七条" in articles
    assert "《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款" in articles
    assert "《行政处罚法》第二十八条" in articles
    assert result.level == "一般" and (result.level_range.minimum, result.level_range.maximum) == (
        D("80000"),
        D("140000"),
    )
    assert result.recommended_fine == D("110000")


@pytest.mark.parametrize(
    ("facts", "level"),
    [
        (Facts(persons_affected=1, **RECENT), "从轻"),
        (Facts(persons_affected=2, **RECENT), "一般"),
        (Facts(persons_affected=2, overdue_uncorrected=True, **RECENT), "从重"),
        # Heavier and lighter circumstances together offset each other.
        (Facts(persons_affected=1, repeat_within_year=True, **RECENT), "一般"),
    ],
)
def test_water_certificate_case_levels_follow_the_table_conditions(facts, level):
    result = recommend(LIBRARY, ["SY-001"], facts, decided_on=DECIDED)
    assert result.level == level
    assert Decimal(20) <= result.recommended_fine <= Decimal(1000)


def test_first_offence_promptly_corrected_with_slight_harm_may_go_unpunished_art_33():
    facts = Facts(first_offence=True, corrected_promptly=True, harm="slight", duration_days=10, **RECENT)
    result = recommend(LIBRARY, ["GG-004"], facts, decided_on=DECIDED)
    assert result.outcome == "no_penalty" and result.level == "免予处罚"
    assert any("首违不罚" in rule.text for rule in result.explanation)
    # It is a "may": the officer can still choose a lighter fine, but must say why.
    chosen = recommend(LIBRARY, ["GG-004"], facts, decided_on=DECIDED, level="从轻")
    assert chosen.outcome == "penalty"
    with pytest.raises(DomainError, match="书面说明理由"):
        check_choice(chosen, chosen.recommended_fine)
    assert check_choice(chosen, chosen.recommended_fine, "当事人此前已被约谈两次").needs_reason


def test_minor_violation_corrected_without_harm_is_not_punished_and_no_fine_can_be_chosen():
    facts = Facts(minor=True, corrected_promptly=True, harm="none", **RECENT)
    result = recommend(LIBRARY, ["SY-001"], facts, decided_on=DECIDED)
    assert result.level == "不予处罚" and result.recommended_fine == 0
    with pytest.raises(DomainError, match="不能选择“一般”"):
        recommend(LIBRARY, ["SY-001"], facts, decided_on=DECIDED, level="一般")


def test_act_undiscovered_for_two_years_is_time_barred_art_36():
    facts = Facts(act_date=date(2023, 3, 1), discovered_on=date(2026, 10, 8), illegal_gains=D("5000"))
    result = recommend(LIBRARY, ["YL-001"], facts, decided_on=DECIDED)
    assert result.outcome == "no_penalty"
    assert result.explanation[0].article == "《行政处罚法》第三十六条"
    assert "已超过2年" in result.explanation[0].text
    with pytest.raises(DomainError, match="不再给予行政处罚"):
        recommend(LIBRARY, ["YL-001"], facts, decided_on=DECIDED, level="一般")


def test_life_and_health_harm_extends_the_limit_to_five_years():
    facts = Facts(
        act_date=date(2023, 3, 1), discovered_on=date(2026, 10, 8), life_health_harm=True, harm="serious"
    )
    result = recommend(LIBRARY, ["YS-001"], facts, decided_on=DECIDED)
    assert result.outcome == "penalty" and result.level == "从重"


def test_the_law_at_the_time_of_the_act_applies_when_the_new_one_is_heavier_art_37():
    facts = Facts(
        act_date=date(2019, 10, 1), discovered_on=date(2020, 9, 1), illegal_gains=D("3000"), duration_days=200
    )
    result = recommend(LIBRARY, ["YL-001"], facts, decided_on=date(2020, 10, 9))
    assert (result.statutory.minimum, result.statutory.maximum) == (D("0"), D("10000"))
    assert result.law_in_force_from == date(1994, 9, 1)
    assert "医疗机构管理条例" in result.penalty_basis
    # A table in multiples of gains cannot apply to the old fixed-amount article.
    assert result.level_range.maximum <= D("10000")


def test_the_new_law_applies_when_it_is_lighter_art_37():
    library = parse_library(
        {
            "library": {"name": "测试", "version": "t1", "effective_from": "2020-01-01"},
            "violations": [
                {
                    "code": "T-1",
                    "name": "测试违法行为",
                    "area": "测试",
                    "category": "医",
                    "phrasing": "…",
                    "versions": [
                        _version("2010-01-01", "2021-12-31", "旧法", 10000, 50000),
                        _version("2022-01-01", None, "新法", 1000, 5000),
                    ],
                }
            ],
        }
    )
    facts = Facts(act_date=date(2021, 6, 1), discovered_on=date(2022, 3, 1))
    result = recommend(library, ["T-1"], facts, decided_on=date(2022, 4, 1))
    assert "新法" in result.penalty_basis
    assert result.statutory.maximum == D("5000")
    assert "从旧兼从轻" in next(r.text for r in result.explanation if r.article.endswith("第三十七条"))


def test_an_act_before_the_provision_existed_cannot_be_punished_under_it():
    facts = Facts(act_date=date(2021, 6, 1), discovered_on=date(2022, 3, 1))
    with pytest.raises(DomainError, match="尚未施行"):
        recommend(LIBRARY, ["YS-002"], facts, decided_on=date(2022, 4, 1))


def test_one_act_under_two_provisions_is_fined_once_under_the_heavier_art_29():
    facts = Facts(act_date=date(2025, 6, 1), discovered_on=date(2025, 7, 1), persons_affected=300)
    result = recommend(LIBRARY, ["SY-004", "CR-001"], facts, decided_on=date(2025, 8, 20))
    assert result.code == "CR-001" and result.statutory.maximum == D("50000")
    rule = next(r for r in result.explanation if r.article.endswith("第二十九条"))
    assert "生活饮用水卫生监督管理办法" in rule.text


def _one_violation_library(*versions: dict):
    return parse_library(
        {
            "library": {"name": "测试", "version": "t1", "effective_from": "2020-01-01"},
            "violations": [
                {"code": "T-9", "name": "测试", "area": "测试", "category": "传", "phrasing": "…",
                 "versions": list(versions)}
            ],
        }
    )  # fmt: skip


def test_a_provision_missing_for_the_decision_date_is_flagged_not_guessed():
    library = _one_violation_library(_version("2004-12-01", "2025-08-31", "旧法", 0, 50000))
    facts = Facts(act_date=date(2025, 6, 1), discovered_on=date(2025, 7, 1))
    result = recommend(library, ["T-9"], facts, decided_on=DECIDED)
    assert any("未收录决定时" in warning for warning in result.warnings)
    later = Facts(act_date=date(2025, 10, 1), discovered_on=date(2025, 11, 1))
    with pytest.raises(DomainError, match="未收录"):
        recommend(library, ["T-9"], later, decided_on=DECIDED)


@pytest.mark.parametrize(
    ("code", "item"), [("CR-001", "第（一）项"), ("CR-002", "第（三）项"), ("CR-003", "第（一）项")]
)
def test_an_act_after_1_september_2025_is_handled_under_the_2025_infectious_disease_law(code, item):
    facts = Facts(act_date=date(2025, 10, 8), discovered_on=date(2025, 10, 20))
    result = recommend(LIBRARY, [code], facts, decided_on=DECIDED)
    assert result.statutory.maximum == D("200000") and result.law_in_force_from == date(2025, 9, 1)
    assert result.penalty_basis.startswith(f"《中华人民共和国传染病防治法》（2025）第一百零七条{item}")
    assert "疾病预防控制部门" in result.penalty_basis
    assert not any("未收录" in w for w in result.warnings)
    assert result.to_json()["source"]["penalty"].startswith("X-STORAGE/Laws@")


def test_an_act_before_the_2025_revision_decided_after_it_keeps_the_lighter_2013_fine_art_37():
    facts = Facts(act_date=date(2025, 6, 1), discovered_on=date(2025, 7, 1))
    result = recommend(LIBRARY, ["CR-001"], facts, decided_on=DECIDED)
    assert result.statutory.maximum == D("50000") and "第七十三条" in result.penalty_basis
    rule = next(r.text for r in result.explanation if r.article.endswith("第三十七条"))
    assert "第一百零七条" in rule and "现行规定" in rule and not result.warnings


def test_art_32_circumstances_allow_only_lighter_or_mitigated_and_mitigation_is_below_the_minimum():
    facts = Facts(illegal_gains=D("3000"), duration_days=400, art32=frozenset({"confessed"}), **RECENT)
    result = recommend(LIBRARY, ["YL-001"], facts, decided_on=DECIDED)
    assert result.level == "从轻" and result.allowed_levels == ("减轻", "从轻")
    with pytest.raises(DomainError, match="不能选择“从重”"):
        recommend(LIBRARY, ["YL-001"], facts, decided_on=DECIDED, level="从重")
    mitigated = recommend(LIBRARY, ["YL-001"], facts, decided_on=DECIDED, level="减轻")
    assert mitigated.mitigated
    assert mitigated.recommended_fine < mitigated.statutory.minimum == D("50000")
    assert any(r.article.endswith("第五十八条") for r in mitigated.explanation)
    with pytest.raises(DomainError, match="应低于法定最低额"):
        check_choice(mitigated, D("50000"))


def test_without_art_32_circumstances_mitigation_is_refused():
    with pytest.raises(DomainError, match="不能选择“减轻”"):
        recommend(
            LIBRARY, ["YL-001"], Facts(illegal_gains=D("3000"), **RECENT), decided_on=DECIDED, level="减轻"
        )


def test_a_fine_below_the_statutory_minimum_needs_mitigation_and_above_the_maximum_is_impossible():
    result = recommend(LIBRARY, ["GG-001"], Facts(duration_days=120, **RECENT), decided_on=DECIDED)
    with pytest.raises(DomainError, match="只能选择“减轻”"):
        check_choice(result, D("4000"), "理由")
    with pytest.raises(DomainError, match="超过法定最高额"):
        check_choice(result, D("30001"), "理由")
    inside = check_choice(result, result.recommended_fine)
    assert not inside.needs_reason and not inside.outside_level


def test_a_fine_outside_the_level_range_needs_a_written_reason():
    result = recommend(LIBRARY, ["GG-001"], Facts(duration_days=120, **RECENT), decided_on=DECIDED)
    assert result.level == "一般"
    with pytest.raises(DomainError, match="须书面说明理由"):
        check_choice(result, D("29000"))
    check = check_choice(result, D("29000"), "涉及多名顾客投诉")
    assert check.outside_level and check.needs_reason


def test_minors_under_fourteen_are_not_punished_art_30():
    result = recommend(LIBRARY, ["YS-001"], Facts(party_age=13, **RECENT), decided_on=DECIDED)
    assert result.level == "不予处罚"


def test_facts_survive_a_round_trip_through_json():
    facts = Facts(
        illegal_gains=D("1234.50"),
        duration_days=3,
        harm="slight",
        art32=frozenset({"coerced"}),
        circumstances=frozenset({"造成感染性疾病暴发"}),
        party_age=16,
        **RECENT,
    )
    assert Facts.from_json(facts.to_json()) == facts


def _version(start: str, end: str | None, law: str, low: int, high: int) -> dict:
    data = {
        "effective_from": start,
        "kinds": ["罚款"],
        "violated": {"law": law, "article": "第一条", "text": "禁止。", "source": "未核实"},
        "penalty": {"law": law, "article": "第二条", "text": "处罚款。", "source": "测试用文本"},
        "bands": [{"name": "法定罚款", "basis": "fixed", "min": low, "max": high}],
    }
    if end:
        data["effective_to"] = end
    return data


def test_goods_value_multiples_respect_the_cap_the_article_sets():
    version = _version("2020-01-01", None, "某条例", 0, 1)
    version["bands"] = [
        {"name": "法定罚款", "basis": "goods_value", "min_times": 1, "max_times": 3, "cap": 30000}
    ]
    library = parse_library(
        {
            "library": {"name": "测试", "version": "t1", "effective_from": "2020-01-01"},
            "violations": [
                {
                    "code": "T-2",
                    "name": "货值",
                    "area": "测试",
                    "category": "消",
                    "phrasing": "…",
                    "versions": [version],
                }
            ],
        }
    )
    small = recommend(library, ["T-2"], Facts(goods_value=D("5000"), **RECENT), decided_on=DECIDED)
    assert (small.statutory.minimum, small.statutory.maximum) == (D("5000"), D("15000"))
    large = recommend(library, ["T-2"], Facts(goods_value=D("20000"), **RECENT), decided_on=DECIDED)
    assert (large.statutory.minimum, large.statutory.maximum) == (D("20000"), D("30000"))
    assert "最高不超过 30000 元" in large.statutory.working


def test_without_a_duration_the_act_dates_give_it_and_a_184_day_practice_is_not_treated_as_short():
    library = load_library(resources_dir() / "benchmarks")
    dated = Facts(illegal_gains=Decimal("3000"), act_date=date(2026, 3, 1), discovered_on=date(2026, 8, 31))
    assert dated.with_known_duration().duration_days == 184
    stated = Facts(illegal_gains=Decimal("3000"), duration_days=184, act_date=date(2026, 3, 1),
                   discovered_on=date(2026, 8, 31))  # fmt: skip
    by_dates = recommend(library, ("YL-001",), dated, decided_on=date(2026, 9, 1))
    assert by_dates.level == recommend(library, ("YL-001",), stated, decided_on=date(2026, 9, 1)).level
    assert "持续天数少于90" not in " ".join(str(e) for e in by_dates.explanation)
    assert Facts().with_known_duration().duration_days == 0
