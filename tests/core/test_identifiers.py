"""Check characters and dates of 统一社会信用代码 and 居民身份证号码; valid ones are never refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.identifiers import (
    ID_CHECK_CHARS,
    USCC_ALPHABET,
    mask_phone,
    mask_resident_id,
    resident_id_check_char,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "12371323MB2853161H", "91371323MA3C7X2Y1L"])
def test_published_and_sample_credit_codes_are_accepted(code):
    assert validate_uscc(code) == code


def test_pasted_codes_are_cleaned_before_checking():
    assert validate_uscc(" ９１３５０１００m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "不能为空"),
        ("91350100M000100Y4", "应为18位，当前为17位"),
        ("91350100M000100Y44", "校验位不符.*应为“3”"),
        ("91350100M0001O0Y43", "第14位“O”.*不使用字母I、O、Z、S、V"),
        ("B1350100M000100Y43", "登记管理部门码"),
        ("913A0100M000100Y43", "行政区划码"),
    ],
)
def test_a_wrong_credit_code_is_refused_saying_what_is_wrong(code, message):
    with pytest.raises(DomainError, match=message):
        validate_uscc(code)


def test_a_resident_id_yields_birth_date_and_sex():
    resident = validate_resident_id("37132319880808123x", today=TODAY)
    assert resident.number == "37132319880808123X"
    assert resident.birth_date == date(1988, 8, 8)
    assert resident.sex == "男"
    assert validate_resident_id("371323199001010021", today=TODAY).sex == "女"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("371323880808123", "15位居民身份证已于2013年停止使用"),
        ("3713231988080812", "应为18位，当前为16位"),
        ("37132319880808123Y", "第18位应为数字或X"),
        ("371323198808081231", "校验位不符.*应为“X”"),
        ("371323198802301230", "出生日期“19880230”不是有效日期"),
        ("001323198808081236", "省级行政区划码"),
    ],
)
def test_a_wrong_resident_id_is_refused_saying_what_is_wrong(number, message):
    with pytest.raises(DomainError, match=message):
        validate_resident_id(number, today=TODAY)


def test_a_birth_date_after_today_is_refused():
    first17 = "37132320270101123"
    with pytest.raises(DomainError, match="晚于今天"):
        validate_resident_id(first17 + resident_id_check_char(first17), today=TODAY)


def test_masking_hides_birth_date_and_middle_of_phone():
    assert mask_resident_id("37132319880808123X") == "371323********123X"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("0539-1234567") == "*******4567"


uscc_body = st.builds(
    lambda authority, kind, region, rest: authority + kind + region + rest,
    st.sampled_from("123456789ANY"),
    st.sampled_from(USCC_ALPHABET),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)


@given(uscc_body)
def test_every_code_with_its_check_character_is_accepted(body):
    code = body + uscc_check_char(body)
    assert validate_uscc(code) == code


@given(uscc_body, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_any_single_character_slip_in_a_credit_code_is_caught(body, position, replacement):
    code = body + uscc_check_char(body)
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(DomainError):
        validate_uscc(typo)


resident_body = st.builds(
    lambda province, rest, birth, seq: f"{province}{rest}{birth:%Y%m%d}{seq}",
    st.sampled_from(["11", "37", "44", "65", "81"]),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


@given(resident_body)
def test_every_resident_id_with_its_check_character_is_accepted(body):
    number = body + resident_id_check_char(body)
    resident = validate_resident_id(number, today=TODAY)
    assert resident.number == number
    assert resident.sex == ("男" if int(body[16]) % 2 else "女")


@given(resident_body, st.integers(min_value=0, max_value=17))
def test_any_single_digit_slip_in_a_resident_id_is_caught(body, position):
    number = body + resident_id_check_char(body)
    alphabet = ID_CHECK_CHARS if position == 17 else "0123456789"
    replacement = alphabet[(alphabet.index(number[position]) + 1) % len(alphabet)]
    typo = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(DomainError):
        validate_resident_id(typo, today=TODAY)
