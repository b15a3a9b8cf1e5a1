"""When two party names probably mean the same party.

Officers write the same clinic as “沂水县悦来宾馆有限公司”, “悦来宾馆有限公司” or “悦来宾馆（有限公司）”,
with full-width or half-width brackets and spaces. An enterprise name is 行政区划 + 字号 + 行业 +
组织形式 (企业名称登记管理规定): the part that tells parties apart is the 字号 and 行业, so the
comparison drops the division in front, the organisation form at the end, and everything that is not
a letter or a digit.
"""

from __future__ import annotations

import re
import unicodedata

# Longest first: "有限责任公司" must go before "公司" is tried.
ORGANISATION_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "个人独资企业",
    "普通合伙企业",
    "有限合伙企业",
    "合伙企业",
    "有限公司",
    "分公司",
    "公司",
    "个体工商户",
)
# 超市, 门市, 景区, 小区 … end like a division but belong to the 字号 or 行业: not stripped.
_DIVISION = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,7}?"
    r"(?:省|自治区|(?<![超门菜夜集城])市|自治州|地区|盟|县|(?<![景社小园校厂营商库])区|旗|镇|乡|街道))+"
)
MIN_CONTAINED = 3  # a shorter core (e.g. “宾馆”) inside another name says nothing


def plain_name(name: str) -> str:
    """NFKC (full-width to half-width), letters and digits only, Latin letters in upper case."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if ch.isalnum()).upper()


def name_core(name: str) -> str:
    """The distinguishing part of a name: no division in front, no organisation form at the end.
    Never empty for a non-empty plain name (a name that is only “沂水县” stays as it is)."""
    plain = plain_name(name)
    core = plain
    for form in ORGANISATION_FORMS:
        if core.endswith(form) and len(core) > len(form):
            core = core[: -len(form)]
            break
    without_division = _DIVISION.sub("", core)
    return without_division or core


def names_match(first: str, second: str, *, organisations: bool = True) -> str:
    """Why two names probably mean the same party ("" when they do not): the same name once
    spaces, brackets and width are ignored; for organisations also the same core, or one core
    inside the other. A person's name has no parts to drop: 王强 and 王强强 are different people."""
    plain_first, plain_second = plain_name(first), plain_name(second)
    if not plain_first or not plain_second:
        return ""
    if plain_first == plain_second:
        return "名称相同"
    if not organisations:
        return ""
    core_first, core_second = name_core(first), name_core(second)
    if core_first == core_second:
        return "名称主体相同"
    shorter, longer = sorted((core_first, core_second), key=len)
    if len(shorter) >= MIN_CONTAINED and shorter in longer:
        return "名称相近"
    return ""
