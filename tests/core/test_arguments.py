"""Typed input read the same way by the CLI and the desk: any text is either read or refused in Chinese."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.commands.arguments import (
    parse_date,
    parse_datetime,
    parse_money,
    parse_opinions,
    parse_pair,
    parse_quota,
)
from enforcement_desk.core.errors import DomainError

PARSERS = (parse_date, parse_datetime, parse_money, parse_pair, parse_quota)


@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_with_a_domain_error(text: str):
    for parse in PARSERS:
        try:
            parse(text)
        except DomainError as exc:
            assert exc.message
        # anything else (InvalidOperation, ValueError, OverflowError) is a crash the user would see


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_an_amount_reads_back_as_itself(amount: Decimal):
    assert parse_money(f"{amount:,}") == amount
    assert parse_money(str(amount)) == amount


@pytest.mark.parametrize("text", ["NaN", "inf", "-1", "1e30", "1.001", "1000000000000", "一百"])
def test_amounts_no_penalty_can_have_are_refused(text: str):
    with pytest.raises(DomainError):
        parse_money(text)


names = st.text(st.characters(categories=("Lo", "Lu", "Ll")), min_size=1, max_size=6)
opinions = st.text(st.characters(categories=("Lo", "Nd", "Po", "Sm", "Zs")), min_size=1, max_size=20).filter(
    lambda t: t.strip() == t and t
)


@given(st.lists(st.tuples(names, opinions, st.sampled_from(["：", ":", "="])), max_size=5))
def test_a_discussions_opinions_read_back_whatever_separator_was_typed(rows):
    lines = [f"{name}{sep}{opinion}" for name, opinion, sep in rows]
    assert parse_opinions(lines) == [{"name": name, "opinion": opinion} for name, opinion, _ in rows]


def test_dates_and_a_discussion_line_refused_in_chinese():
    assert parse_date(" 2026-02-28 ") == date(2026, 2, 28)
    with pytest.raises(DomainError, match="日期格式不正确"):
        parse_date("2026-02-30")
    with pytest.raises(DomainError, match="姓名：意见"):
        parse_opinions(["只有名字"])
