"""The validators every typed field passes, in the desk and the CLI alike: lengths, characters, dates,
amounts and penalty kinds each refused with a Chinese message naming the field and what is allowed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.money import MAX_AMOUNT, checked_amount
from enforcement_desk.core.penalty_kinds import ACCEPTED_KINDS, MEASURE_WORDS, PENALTY_KINDS, checked_kinds
from enforcement_desk.core.text_limits import (
    ADDRESS,
    FREE_TEXT,
    NAME,
    PERSON_NAME,
    SHORT_TEXT,
    TextKind,
    checked_date,
    checked_text,
)

# Characters a name or a fact may really hold: CJK (with Extension B), Latin, digits, brackets, emoji.
printable = st.characters(blacklist_categories=("Cc", "Cs"))


@given(st.text(printable, max_size=NAME.limit))
def test_a_name_within_the_limit_is_kept_as_typed_less_surrounding_space(text):
    assert checked_text(text, "当事人名称或姓名", NAME) == text.strip()


@given(st.text(printable, min_size=1, max_size=50).map(str.strip).filter(bool), st.integers(1, 300))
def test_a_name_over_the_limit_is_refused_naming_the_field_and_the_limit(piece, extra):
    text = (piece * (NAME.limit // len(piece) + 1))[: NAME.limit] + "字" * extra

    with pytest.raises(DomainError) as refused:
        checked_text(text, "当事人名称或姓名", NAME)

    assert "当事人名称或姓名" in refused.value.message
    assert f"最多{NAME.limit}个字" in refused.value.message


@given(
    st.text(printable, max_size=20),
    st.characters(whitelist_categories=("Cc",)).filter(lambda c: c not in "\n\r\t"),
)
def test_a_control_character_is_refused_wherever_it_is(text, control):
    with pytest.raises(DomainError) as refused:
        checked_text("店" + text + control + "店", "违法事实", FREE_TEXT)

    assert "违法事实" in refused.value.message
    assert f"U+{ord(control):04X}" in refused.value.message


def test_line_breaks_belong_in_free_text_but_not_in_a_name():
    assert checked_text("第一段\n第二段", "违法事实", FREE_TEXT) == "第一段\n第二段"
    with pytest.raises(DomainError, match="住所（地址）应为一行文字"):
        checked_text("长安路\n88号", "住所（地址）", ADDRESS)


def test_rare_characters_and_emoji_count_as_one_character_each():
    name = "𠀀" * PERSON_NAME.limit

    assert checked_text(name, "姓名", PERSON_NAME) == name
    with pytest.raises(DomainError):
        checked_text(name + "😀", "姓名", PERSON_NAME)


def test_limits_leave_room_for_real_values_and_stay_under_the_columns():
    longest_real_name = (
        "内蒙古自治区鄂尔多斯市伊金霍洛旗阿勒腾席热镇某某某某某某医疗器械销售与技术服务有限责任公司第一分公司"
    )
    assert checked_text(longest_real_name, "当事人名称或姓名", NAME)
    assert NAME.limit <= 200 and ADDRESS.limit <= 300 and SHORT_TEXT.limit <= 300  # String(200/300) columns


def test_a_required_field_left_empty_is_asked_for():
    with pytest.raises(DomainError, match="请填写案由"):
        checked_text("  ", "案由", SHORT_TEXT, required=True)


@given(st.integers(1, 5), st.integers(0, 3))
def test_limit_is_exact(limit, over):
    kind = TextKind(limit)
    assert checked_text("字" * limit, "字段", kind) == "字" * limit
    if over:
        with pytest.raises(DomainError):
            checked_text("字" * (limit + over), "字段", kind)


# ---- dates ----


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_real_date_as_text_reads_back_as_itself(day):
    assert checked_date(day.isoformat(), "违法行为发生日期") == day
    assert checked_date(day, "违法行为发生日期") == day


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026-00-10", "昨天", "2026/02/03x"])
def test_a_date_that_does_not_exist_is_refused_naming_the_field(text):
    with pytest.raises(DomainError) as refused:
        checked_date(text, "违法行为发生日期")

    assert "违法行为发生日期" in refused.value.message and text in refused.value.message
    assert "年-月-日" in refused.value.message


# ---- amounts ----


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False))
def test_every_amount_in_fen_up_to_the_maximum_is_accepted(amount):
    assert checked_amount(amount, "罚款金额") == amount
    assert checked_amount(str(amount), "罚款金额") == amount


@given(
    st.one_of(
        st.sampled_from(
            ["NaN", "nan", "sNaN", "inf", "-inf", "Infinity", "1e30", "-1", "1.001", "", "二万", "0x10"]
        ),
        st.floats(allow_nan=True, allow_infinity=True).filter(
            lambda f: f != f or f in (float("inf"), float("-inf"))
        ),
        st.decimals(min_value=MAX_AMOUNT + Decimal("0.01"), allow_nan=False, allow_infinity=False),
        st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False),
    )
)
def test_no_amount_outside_fen_and_the_range_gets_through(value):
    with pytest.raises(DomainError) as refused:
        checked_amount(value, "罚款金额")

    assert refused.value.message.startswith("罚款金额")


# ---- penalty kinds ----


@given(st.lists(st.sampled_from(PENALTY_KINDS), min_size=1, max_size=6))
def test_lawful_kinds_pass_in_order_without_repeats(kinds):
    result = checked_kinds(kinds)

    assert list(result) == list(dict.fromkeys(kinds))


_MEASURE_INITIALS = {word[0] for word in MEASURE_WORDS} | {"予", "并"}


@given(
    st.text(printable, min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda k: k and k[0] not in _MEASURE_INITIALS and k not in ACCEPTED_KINDS)
)
def test_a_kind_not_worded_as_a_statutory_measure_is_refused_with_the_list(kind):
    with pytest.raises(DomainError) as refused:
        checked_kinds(["警告", kind])

    assert f"“{kind}”" in refused.value.message
    assert "警告、通报批评、罚款" in refused.value.message
    assert refused.value.rule == "行政处罚法第九条"


@pytest.mark.parametrize(
    "kind",
    ["吊销医师执业证书", "没收药品、器械", "暂停执业活动", "予以取缔", "责令改正", "没收较大数额违法所得"],
)
def test_the_health_laws_own_wording_of_a_measure_is_accepted(kind):
    assert checked_kinds([kind]) == (kind,)


@pytest.mark.parametrize("kind", ["不存在的种类", "拘留", "吊销" + "许可证" * 10])
def test_a_made_up_or_overlong_kind_is_refused(kind):
    with pytest.raises(DomainError, match="不是法定的处罚种类"):
        checked_kinds([kind])


def test_kinds_typed_in_one_box_keep_the_objects_of_a_confiscation_together():
    from enforcement_desk.core.penalty_kinds import checked_kinds, split_kinds

    assert split_kinds("警告、罚款，没收药品、器械、没收违法所得") == ("警告", "罚款", "没收药品、器械", "没收违法所得")
    assert checked_kinds(split_kinds("罚款、没收药品、器械")) == ("罚款", "没收药品、器械")
    with pytest.raises(DomainError, match="不是法定的处罚种类"):
        checked_kinds(split_kinds("罚款、不存在的种类"))
    with pytest.raises(DomainError, match="不是法定的处罚种类"):
        checked_kinds(["罚款不存在"])
