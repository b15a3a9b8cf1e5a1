"""The shipped benchmark library and the validation of library data."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from enforcement_desk.core.discretion.benchmarks import (
    BenchmarkFormatError,
    is_unverified,
    parse_condition,
    parse_library,
    source_label,
)
from enforcement_desk.discretion.library import load_library
from enforcement_desk.paths import resources_dir

LIBRARY = load_library(resources_dir() / "benchmarks")
AREAS = {
    "医疗机构",
    "医师",
    "公共场所",
    "生活饮用水",
    "职业卫生",
    "放射诊疗",
    "传染病防治",
    "医疗废物",
    "消毒",
    "母婴保健",
}


def test_shipped_library_has_at_least_thirty_violations_across_all_ten_areas():
    assert len(LIBRARY.violations) >= 30
    assert {v.area for v in LIBRARY.violations.values()} == AREAS
    assert LIBRARY.version and LIBRARY.effective_from <= date(2026, 11, 2)


def test_every_violation_quotes_law_name_and_article_for_both_provisions():
    for violation in LIBRARY.violations.values():
        for version in violation.versions:
            for citation in (version.violated, version.penalty):
                assert citation.law.startswith("《"), violation.code
                assert citation.article.startswith("第"), violation.code
                assert len(citation.text) >= 10, violation.code
            assert "罚款" in version.kinds
            assert version.bands[0].fine.basis in {"fixed", "gains", "goods_value"}


def test_every_violation_has_all_fine_levels_after_the_defaults_are_merged():
    for violation in LIBRARY.violations.values():
        assert {rule.level for rule in violation.levels} >= {"减轻", "从轻", "一般", "从重"}, violation.code


def test_domain_examples_match_the_published_figures():
    unlicensed = LIBRARY.get("YL-001").version_on(date(2026, 11, 2)).bands[0].fine
    assert (unlicensed.basis, unlicensed.min_times, unlicensed.max_times, unlicensed.base_floor) == (
        "gains",
        Decimal(5),
        Decimal(20),
        Decimal(10000),
    )
    public_place = LIBRARY.get("GG-001").version_on(date(2026, 11, 2))
    assert [(b.fine.minimum, b.fine.maximum) for b in public_place.bands] == [(500, 5000), (5000, 30000)]
    water = LIBRARY.get("SY-001").version_on(date(2026, 11, 2)).bands[0].fine
    assert (water.minimum, water.maximum) == (20, 1000)


def test_law_versions_of_one_violation_never_overlap_and_the_latest_is_open_or_flagged():
    for violation in LIBRARY.violations.values():
        dates = [(v.effective_from, v.effective_to) for v in violation.versions]
        assert dates == sorted(dates, key=lambda pair: pair[0])
        if violation.versions[-1].effective_to is not None:
            # Only provisions replaced by a revision whose text is not in the library yet.
            assert violation.area == "传染病防治", violation.code


def _minimal() -> dict:
    return {
        "library": {"name": "测试库", "version": "t1", "effective_from": "2026-01-01"},
        "violations": [
            {
                "code": "T-1",
                "name": "测试",
                "area": "测试",
                "category": "医",
                "phrasing": "当事人……",
                "versions": [
                    {
                        "effective_from": "2020-01-01",
                        "kinds": ["罚款"],
                        "violated": {
                            "law": "《某法》",
                            "article": "第一条",
                            "text": "不得如此。",
                            "source": "未核实",
                        },
                        "penalty": {
                            "law": "《某法》",
                            "article": "第九条",
                            "text": "处一千元以下罚款。",
                            "source": "https://example.org/某法",
                        },
                        "bands": [{"name": "法定罚款", "basis": "fixed", "min": 0, "max": 1000}],
                    }
                ],
            }
        ],
    }


def test_a_minimal_library_parses():
    library = parse_library(_minimal())
    assert library.get("T-1").version_on(date(2026, 1, 1)).bands[0].fine.maximum == 1000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["violations"][0]["versions"][0]["bands"][0].update(max=1000.5), "带引号的小数"),
        (lambda d: d["violations"][0]["versions"][0]["bands"][0].update(min=2000), "高于上限"),
        (lambda d: d["violations"][0]["versions"][0].update(kinds=["警告"]), "须包含“罚款”"),
        (lambda d: d["violations"][0].update(levels=[{"level": "特别从重"}]), "裁量阶次“特别从重”无效"),
        (
            lambda d: d["violations"][0].update(levels=[{"level": "从重", "when": ["天气 == 晴"]}]),
            "不是可比较的数量事实",
        ),
        (lambda d: d["violations"][0].pop("name"), "缺少“name”"),
        (
            lambda d: d["violations"][0]["versions"][0]["penalty"].pop("source"),
            "第1项（T-1）.versions[0].penalty：缺少依据来源“source”",
        ),
        (
            lambda d: d["violations"][0]["versions"][0]["violated"].update(source="  "),
            "第1项（T-1）.versions[0].violated：缺少依据来源“source”",
        ),
        (lambda d: d["violations"].append(copy.deepcopy(d["violations"][0])), "编码“T-1”重复"),
        (
            lambda d: d["violations"][0]["versions"].append(copy.deepcopy(d["violations"][0]["versions"][0])),
            "施行期间重叠",
        ),
    ],
)
def test_malformed_library_entries_are_refused_with_the_reason(change, message):
    data = _minimal()
    change(data)
    with pytest.raises(BenchmarkFormatError) as refused:
        parse_library(data)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("duration_days >= 90", "违法持续天数不少于90"),
        ("违法持续天数 < 30", "违法持续天数少于30"),
        ("一年内再次违法", "一年内再次违法"),
        ("harm == serious", "危害后果严重"),
        ("情形:以伪造的卫生许可证营业", "以伪造的卫生许可证营业"),
        ("duration_days < 90 & harm == none", "违法持续天数少于90且无危害后果"),
    ],
)
def test_conditions_read_in_english_keys_or_chinese_labels(text, label):
    assert parse_condition(text).label == label


def test_every_text_of_the_shipped_library_names_its_source_or_says_it_is_unverified():
    checked = unverified = 0
    for violation in LIBRARY.violations.values():
        for version in violation.versions:
            for citation in (version.violated, version.penalty):
                assert citation.source.strip(), violation.code
                if citation.verified:
                    checked += 1
                    assert citation.source.startswith(
                        ("LawRefBook/", "X-STORAGE/", "Theonefkguy/", "http")
                    ), (
                        violation.code,
                        citation.source,
                    )
                else:
                    unverified += 1
                    assert citation.source.startswith("未核实"), (violation.code, citation.source)
    assert checked > unverified > 0


def test_source_marks_read_as_checked_or_unverified():
    assert source_label("LawRefBook/Laws@2f4c5c2 行政法/医师法(2021-08-20).md").startswith("依据来源：")
    assert source_label("未核实") == "未核实（未与法规文本核对）"
    assert source_label("未核实（条号未见原文）") == "未核实（未与法规文本核对）：条号未见原文"
    assert is_unverified("") and not is_unverified("https://example.org")


def test_the_infectious_disease_entries_carry_both_texts_of_the_law_with_their_dates():
    for code, item in (("CR-001", "第（一）项"), ("CR-002", "第（三）项")):
        old, new = LIBRARY.get(code).versions
        assert (old.effective_to, new.effective_from, new.effective_to) == (
            date(2025, 8, 31),
            date(2025, 9, 1),
            None,
        )
        assert old.penalty.article.startswith("第七十三条") and old.bands[0].fine.maximum == 50000
        assert new.penalty.article == f"第一百零七条{item}" and new.bands[0].fine.maximum == 200000
        assert new.violated.article == "第三十八条第一款" and new.penalty.verified
    assert LIBRARY.get("CR-003").version_on(date(2025, 8, 31)) is None
