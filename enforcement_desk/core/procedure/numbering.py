"""Document number formats (卫生行政执法文书规范 art. 4).

文号: 地区简称 + 卫 + 执法类别 + 执法性质 + 〔年份〕 + 序号 + 号, e.g. 沂卫医罚〔2026〕1号. The 序号 has no
虚位 (no leading zeros: GB/T 9704-2012 §7.2.4 "序号不编虚位（即1不编为01）"). The 执法性质 is one to three
characters so that each kind of document can have its own series (罚, 罚告, 听告 …), as an agency sets it.
编号: 年份-序号. The sequence itself is kept by the store, inside the issuing transaction.
"""

from __future__ import annotations

import re

from enforcement_desk.core.errors import DomainError

NATURE_LABELS = {
    "罚": "处罚决定",
    "告": "告知",
    "听": "听证",
    "立": "立案",
    "移": "移送",
    "催": "催告",
    "监": "监督意见",
    "执": "强制执行",
    "保": "证据保存",
    "罚告": "行政处罚事先告知",
    "听告": "听证告知",
    "听通": "听证通知",
    "刑移": "涉嫌犯罪案件移送",
    "保处": "证据先行登记保存处理",
}
MAX_NATURE = 3

_WENHAO = re.compile(r"^(?P<region>.+?)卫(?P<category>.)(?P<nature>[^〔]{1,3})〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def format_wenhao(region: str, category: str, nature: str, year: int, sequence: int) -> str:
    """A 文号 such as 沂卫医罚〔2026〕1号 from its parts; refuses a missing region or a bad part."""
    if not region:
        raise DomainError("机构未设置地区简称，无法编制文号（请管理员在机构设置中填写，如“沂”）")
    if len(category) != 1 or not 1 <= len(nature) <= MAX_NATURE or "〔" in nature:
        raise DomainError(f"执法类别应为一个汉字、执法性质应为一至三个汉字，收到“{category}”“{nature}”")
    if sequence < 1:
        raise DomainError("文号序号必须从 1 开始")
    return f"{region}卫{category}{nature}〔{year}〕{sequence}号"


def format_bianhao(year: int, sequence: int, width: int = 3) -> str:
    """A 编号 such as 2026-001."""
    if sequence < 1:
        raise DomainError("编号序号必须从 1 开始")
    return f"{year}-{sequence:0{width}d}"


def parse_wenhao(number: str) -> dict[str, str | int]:
    """The parts of a 文号 (region, category, nature, year, sequence); refuses a malformed one."""
    match = _WENHAO.match(number)
    if not match:
        raise DomainError(f"“{number}”不是规范的文号格式（如 沂卫医罚〔2026〕1号）")
    parts: dict[str, str | int] = dict(match.groupdict())
    parts["year"] = int(parts["year"])
    parts["seq"] = int(parts["seq"])
    return parts
