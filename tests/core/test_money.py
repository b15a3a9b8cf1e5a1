"""人民币大写, amount parsing and the art. 72 surcharge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.money import amount_in_capitals, format_yuan, late_payment_surcharge, parse_amount


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("0", "人民币零元整"),
        ("10", "人民币壹拾元整"),
        ("200", "人民币贰佰元整"),
        ("20000", "人民币贰万元整"),
        ("50000", "人民币伍万元整"),
        ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        ("1.05", "人民币壹元零伍分"),
        ("0.05", "人民币伍分"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("100500", "人民币壹拾万零伍佰元整"),
        ("1000000.01", "人民币壹佰万元零壹分"),
    ],
)
def test_amounts_in_capitals_follow_the_payment_writing_rules(amount, capitals):
    assert amount_in_capitals(Decimal(amount)) == capitals


@pytest.mark.parametrize(
    ("amount", "message"), [("-1", "负数"), ("1.005", "精确到分"), ("1000000000000", "超出")]
)
def test_amounts_that_cannot_be_written_are_refused(amount, message):
    with pytest.raises(DomainError, match=message):
        amount_in_capitals(Decimal(amount))


NUMERALS = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def read_capitals(text: str) -> Decimal:
    """An independent reader of financial capitals, to check the writer against."""
    text = text.removeprefix("人民币").removesuffix("整")
    total, section, digit = 0, 0, 0
    fen = 0
    for ch in text:
        if ch in NUMERALS:
            digit = NUMERALS[ch]
        elif ch in SMALL:
            section += digit * SMALL[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        elif ch == "元":
            total += section + digit
            section = digit = 0
        elif ch == "角":
            fen += digit * 10
            digit = 0
        elif ch == "分":
            fen += digit
            digit = 0
    return Decimal(total) + Decimal(fen) / 100


money = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)


@given(money)
def test_capitals_read_back_to_the_same_amount(amount):
    text = amount_in_capitals(amount)
    assert read_capitals(text) == amount
    assert "零零" not in text
    assert not text.removeprefix("人民币").startswith("零") or amount == 0


@given(money)
def test_a_formatted_amount_parses_back(amount):
    assert parse_amount(format_yuan(amount)) == amount


def test_officers_may_type_amounts_as_they_speak():
    assert parse_amount("2万") == Decimal("20000")
    assert parse_amount("３０００元") == Decimal("3000")
    assert parse_amount("1,500.50") == Decimal("1500.50")
    with pytest.raises(DomainError, match="金额格式不正确"):
        parse_amount("两千")


def test_surcharge_is_three_percent_a_day_from_the_day_after_the_last_day():
    due = date(2026, 11, 17)
    assert late_payment_surcharge(Decimal("20000"), due, due) == Decimal("0")
    assert late_payment_surcharge(Decimal("20000"), due, date(2026, 11, 18)) == Decimal("600.00")
    assert late_payment_surcharge(Decimal("20000"), due, date(2026, 11, 27)) == Decimal("6000.00")


@given(money, st.integers(min_value=-30, max_value=2000))
def test_surcharge_never_exceeds_the_fine(fine, days_late):
    due = date(2026, 1, 1)
    surcharge = late_payment_surcharge(fine, due, date.fromordinal(due.toordinal() + days_late))
    assert Decimal(0) <= surcharge <= fine
    if days_late >= 34:
        assert surcharge == fine
