"""统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999): check characters and dates.

A valid number is never refused; a wrong one gets a message that says exactly what is wrong, so an
officer can tell a typing slip from a made-up number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from enforcement_desk.core.errors import DomainError

# GB 32100: 31 characters; I, O, Z, S, V are left out so they cannot be confused with 1, 0, 2, 5, U.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration-management department codes (登记管理部门码) in use.
USCC_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监督管理（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业农村",
    "Y": "其他",
}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# First two digits: province-level codes (GB/T 2260), 71/81/82/83 for 台湾/香港/澳门 residence permits,
# 9x for the 2023 外国人永久居留身份证.
ID_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83", "91", "92", "93", "94", "95", "96", "97", "98", "99",
}  # fmt: skip

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺｘ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZX",
)


def _clean(text: str) -> str:
    """Officers paste numbers from documents: tolerate spaces, hyphens, full-width forms, lower case."""
    return "".join(text.translate(_FULL_WIDTH).split()).replace("-", "").upper()


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a 统一社会信用代码 from its first 17 (GB 32100-2015)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(text: str) -> str:
    """The cleaned 18-character code, or DomainError naming what is wrong."""
    code = _clean(text or "")
    if not code:
        raise DomainError("统一社会信用代码不能为空")
    if len(code) != 18:
        raise DomainError(f"统一社会信用代码应为18位，当前为{len(code)}位", rule="GB 32100-2015")
    for position, ch in enumerate(code, start=1):
        if ch not in USCC_ALPHABET:
            hint = "（代码不使用字母I、O、Z、S、V）" if ch in "IOZSV" else ""
            raise DomainError(
                f"统一社会信用代码第{position}位“{ch}”不是允许的字符{hint}", rule="GB 32100-2015"
            )
    if code[0] not in USCC_AUTHORITIES:
        raise DomainError(f"统一社会信用代码第1位“{code[0]}”不是有效的登记管理部门码", rule="GB 32100-2015")
    if not code[2:8].isdigit():
        raise DomainError("统一社会信用代码第3至8位应为行政区划码（6位数字）", rule="GB 32100-2015")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise DomainError(
            f"统一社会信用代码校验位不符：第18位为“{code[17]}”，按前17位计算应为“{expected}”，请核对是否录入有误",
            rule="GB 32100-2015",
        )
    return code


@dataclass(frozen=True)
class ResidentId:
    """A valid 居民身份证号码 with what it encodes: birth date, sex and region code."""

    number: str
    birth_date: date
    sex: str  # 男 | 女
    region_code: str


def resident_id_check_char(first17: str) -> str:
    """The 18th (check) character of a 居民身份证号码 from its first 17 (GB 11643-1999)."""
    return ID_CHECK_CHARS[sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_resident_id(text: str, *, today: date | None = None) -> ResidentId:
    """The cleaned 18-character number with birth date and sex, or DomainError naming what is wrong."""
    number = _clean(text or "")
    if not number:
        raise DomainError("居民身份证号码不能为空")
    if len(number) == 15 and number.isdigit():
        raise DomainError("15位居民身份证已于2013年停止使用，请录入18位号码", rule="GB 11643-1999")
    if len(number) != 18:
        raise DomainError(f"居民身份证号码应为18位，当前为{len(number)}位", rule="GB 11643-1999")
    if not number[:17].isdigit():
        raise DomainError("居民身份证号码前17位应为数字", rule="GB 11643-1999")
    if not (number[17].isdigit() or number[17] == "X"):
        raise DomainError(f"居民身份证号码第18位应为数字或X，当前为“{number[17]}”", rule="GB 11643-1999")
    if number[:2] not in ID_PROVINCES:
        raise DomainError(f"居民身份证号码前两位“{number[:2]}”不是有效的省级行政区划码", rule="GB 11643-1999")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError(
            f"居民身份证号码中的出生日期“{number[6:14]}”不是有效日期", rule="GB 11643-1999"
        ) from None
    today = today or date.today()
    if birth > today:
        raise DomainError(f"居民身份证号码中的出生日期{birth.isoformat()}晚于今天", rule="GB 11643-1999")
    if birth.year < 1880:
        raise DomainError(f"居民身份证号码中的出生年份{birth.year}不合理", rule="GB 11643-1999")
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise DomainError(
            f"居民身份证号码校验位不符：第18位为“{number[17]}”，按前17位计算应为“{expected}”，请核对是否录入有误",
            rule="GB 11643-1999",
        )
    sex = "男" if int(number[16]) % 2 else "女"
    return ResidentId(number, birth, sex, number[:6])


def mask_resident_id(number: str) -> str:
    """Publicity form (信用信息公示): keep the region's first 6 and the last 4 characters."""
    number = _clean(number or "")
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """Mobile numbers keep 3 + 4 digits (138****5678); other numbers keep only their last 4 digits."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]
