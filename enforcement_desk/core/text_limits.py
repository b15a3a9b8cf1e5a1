"""How long each kind of typed text may be, and which characters it may not hold.

The limits sit under the database columns (a party name is String(200), a cause String(300)), so an
overlong entry is refused with a message naming the field instead of failing in the database, and
they leave room for the longest real values: enterprise names run to about 60 characters, 少数民族
and foreign names to about 40, an address with building and room to about 100. Free text such as the
违法事实 can be long but not unbounded: a document of a hundred pages is not a typed field.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from enforcement_desk.core.errors import DomainError


@dataclass(frozen=True)
class TextKind:
    """A kind of field: the most characters it holds and whether line breaks belong in it."""

    limit: int
    multiline: bool = False


NAME = TextKind(100)  # a party's name (企业名称 or 姓名)
PERSON_NAME = TextKind(50)  # 法定代表人, a user's name, a participant
ADDRESS = TextKind(200)
ID_NUMBER = TextKind(30)  # any identifier typed as text (18 for the two national ones)
PHONE = TextKind(30)
SHORT_TEXT = TextKind(200)  # 案由, 检查地点, 经营类别
CODE = TextKind(40)  # 裁量基准编码 and other codes
LEVEL = TextKind(20)  # 裁量阶次
PROVISION = TextKind(1000, multiline=True)  # 违反条款, 处罚依据 (several articles quoted)
FREE_TEXT = TextKind(20000, multiline=True)  # 违法事实, 证据摘要, 裁量理由

_LINE_BREAKS = {"\n", "\r", "\t"}


def checked_text(value: str | None, label: str, kind: TextKind, *, required: bool = False) -> str:
    """The text stripped, or DomainError naming the field: too long, or holding control characters
    (a NUL or an escape pasted from another program prints as nothing or breaks the PDF)."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}")
    if len(text) > kind.limit:
        raise DomainError(f"{label}最多{kind.limit}个字，当前为{len(text)}个字，请精简后再保存")
    for ch in text:
        if ch in _LINE_BREAKS:
            if not kind.multiline and ch != "\t":
                raise DomainError(f"{label}应为一行文字，不能包含换行")
            continue
        # Private-use code points stay: agencies type 生僻字 that Unicode lacks with their own fonts.
        if unicodedata.category(ch) in ("Cc", "Cs"):
            raise DomainError(f"{label}包含无法显示或打印的字符（U+{ord(ch):04X}），请删除后再保存")
    return text


def checked_date(value: object, label: str) -> date | None:
    """A date a service is handed as a date or as 年-月-日 text; empty means not known."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{label}“{text}”不是有效日期（应为 年-月-日，如 2026-11-22）") from None
