"""Rows of an agency's own table: what a 裁量标准 cell means, and which rows the law lets it use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from enforcement_desk.core.discretion.benchmarks import BenchmarkFormatError
from enforcement_desk.core.discretion.engine import Facts, recommend
from enforcement_desk.core.discretion.table_import import check_table, header_map, parse_standard
from enforcement_desk.core.errors import DomainError
from enforcement_desk.discretion.library import load_library
from enforcement_desk.paths import resources_dir

LIBRARY = load_library(resources_dir() / "benchmarks")
TODAY = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300", {"kind": "amount", "low": "300", "high": "300"}),
        ("300元", {"kind": "amount", "low": "300", "high": "300"}),
        ("5000-10000元", {"kind": "amount", "low": "5000", "high": "10000"}),
        ("5,000元至10,000元", {"kind": "amount", "low": "5000", "high": "10000"}),
        ("1万-3万元", {"kind": "amount", "low": "10000", "high": "30000"}),
        ("5-8倍", {"kind": "times", "low": "5", "high": "8"}),
        ("5倍至8倍", {"kind": "times", "low": "5", "high": "8"}),
        ("30%-70%", {"kind": "fraction", "low": "0.3", "high": "0.7"}),
        ("", None),
    ],
)
def test_standard_cells_read_as_amounts_multiples_or_shares(text, expected):
    result = parse_standard(text)
    if expected is None:
        assert result is None
    else:
        assert result["kind"] == expected["kind"]
        assert float(result["low"]) == float(expected["low"]) and float(result["high"]) == float(
            expected["high"]
        )


@pytest.mark.parametrize("text", ["三百元", "10000-5000", "120%", "5-8 斤"])
def test_unreadable_or_inverted_standards_are_refused(text):
    with pytest.raises(BenchmarkFormatError):
        parse_standard(text)


def test_a_sheet_needs_the_code_and_level_headings():
    assert header_map(["说明", "违法行为编码", "裁量阶次"]) == {"description": 0, "code": 1, "level": 2}
    with pytest.raises(DomainError, match="表头缺少“裁量阶次”"):
        header_map(["违法行为编码", "裁量标准"])


def row(code, level, when="", standard="", description=""):
    return {"code": code, "level": level, "when": when, "standard": standard, "description": description}


def test_rows_inside_the_law_are_kept_and_rows_outside_are_rejected_with_the_statutory_range():
    checked = check_table(
        LIBRARY,
        [
            (2, row("GG-001", "从轻", "违法持续天数 < 15", "500-1500")),
            (3, row("GG-001", "从重", "一年内再次违法", "20000-30000")),  # inside the aggravated band
            (4, row("GG-001", "从重", "harm == serious", "20000-40000")),  # duplicate and above 30,000
            (5, row("GG-001", "一般", "", "200-1000")),  # below 500
            (6, row("YL-001", "减轻", "", "2-5倍")),
            (7, row("YL-001", "从轻", "", "3-6倍")),  # below 5 times
            (8, row("SY-001", "从轻", "", "5-8倍")),  # fixed amounts written as multiples
            (9, row("GG-001", "不予处罚", "", "")),  # a waiver needs its conditions
            (10, row("GG-001", "免予处罚", "初次违法 & 及时改正", "300")),  # a waiver has no fine
            (11, row("", "", "", "")),  # blank rows are ignored
        ],
        TODAY,
    )
    assert [r.row for r in checked.accepted] == [2, 3, 6]
    reasons = {r.row: r.reason for r in checked.rejected}
    assert "重复" in reasons[4]
    assert "超出法定罚款幅度 500–30000 元" in reasons[5]
    assert "超出法定幅度 5–20 倍" in reasons[7]
    assert "不能写成倍数" in reasons[8]
    assert "须写明适用情形" in reasons[9]
    assert "不应填写罚款标准" in reasons[10]


def test_accepted_rows_replace_only_the_levels_they_name():
    checked = check_table(LIBRARY, [(2, row("YL-001", "一般", "", "10-12倍"))], TODAY)
    library = LIBRARY.with_levels(checked.overrides(), "2026.2+本机关第1版")
    facts = Facts(illegal_gains=Decimal("20000"), duration_days=200)
    result = recommend(library, ["YL-001"], facts, decided_on=TODAY)
    assert (result.level_range.minimum, result.level_range.maximum) == (200000, 240000)
    assert library.get("YL-001").level_rule("从重") == LIBRARY.get("YL-001").level_rule("从重")
    assert LIBRARY.version == "2026.2"  # the shipped library itself is untouched
