"""How typed input is read, the same in the CLI and the desk: dates, times, amounts, roles, lists of
名称=值 pairs and per-person opinions. Each raises DomainError with a Chinese message naming the input."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.core.supervision.random_draw import CategoryQuota


def parse_date(text: str) -> date:
    """年-月-日, e.g. 2026-11-22."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(f"日期格式不正确：“{text}”（应为 年-月-日，如 2026-11-22）") from None


def parse_datetime(text: str) -> datetime:
    """年-月-日 时:分 (a T between them is accepted too), e.g. 2026-12-10 09:30."""
    try:
        return datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise DomainError(f"时间格式不正确：“{text}”（应为 年-月-日 时:分，如 2026-12-10 09:30）") from None


def parse_moment(text: str) -> datetime:
    """年-月-日 时:分 with the time required (a moment compared by the hour, e.g. the police's receipt of a
    transfer): a date alone is refused rather than read as midnight."""
    moment = parse_datetime(text)
    if ":" not in text and "：" not in text:
        raise DomainError(f"请写明时间：“{text}”（应为 年-月-日 时:分，如 2026-11-03 09:30）")
    return moment


def parse_count(text: str) -> int:
    """A positive whole number of days."""
    try:
        value = int(text.strip())
    except ValueError:
        raise DomainError(f"天数应为正整数：“{text}”") from None
    if value <= 0:
        raise DomainError(f"天数应为正整数：“{text}”")
    return value


def parse_whole_number(text: str) -> int:
    """A whole number as typed (its range is the service's rule to check and name)."""
    try:
        return int(str(text).strip())
    except ValueError:
        raise DomainError(f"应为整数：“{text}”") from None


# No penalty amount comes near this; it keeps absurd input (1e30) from reaching the calculators.
LARGEST_AMOUNT = Decimal("1000000000000")


def parse_money(text: str) -> Decimal:
    """An amount in 元: non-negative, at most two decimals, thousands separators allowed."""
    try:
        amount = Decimal(text.strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise DomainError(f"金额格式不正确：“{text}”") from None
    if not amount.is_finite() or amount < 0 or amount >= LARGEST_AMOUNT:
        raise DomainError(f"金额应为非负数且小于一万亿元：“{text}”")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"金额最多两位小数：“{text}”")
    return amount


def parse_role(text: str) -> Role:
    """A role by its code (officer) or its Chinese name (执法人员)."""
    return Role.parse(text.strip())


def parse_quota(text: str) -> CategoryQuota:
    """`公=20%` (a ratio) or `医=3` (a count) for a random draw."""
    category, sep, amount = text.partition("=")
    if not sep or not category.strip() or not amount.strip():
        raise DomainError(f"抽取数量应写作 类别=比例% 或 类别=数量，如 公=20% 或 医=3：“{text}”")
    amount = amount.strip()
    try:
        if amount.endswith("%"):
            return CategoryQuota(category.strip(), ratio=Decimal(amount[:-1]) / 100)
        return CategoryQuota(category.strip(), count=int(amount))
    except (InvalidOperation, ValueError):
        raise DomainError(f"抽取数量不是数字：“{text}”") from None


def parse_pair(text: str) -> tuple[str, str]:
    """`名称=值` or `名称：值` (full or half width colon) → (名称, 值), both non-empty."""
    # the first separator splits: a value may itself hold one (陈军：同意，罚款=5000 元)
    positions = [i for i in (text.find(sep) for sep in ("=", "：", ":")) if i >= 0]
    if positions:
        name, value = text[: min(positions)], text[min(positions) + 1 :]
        if name.strip() and value.strip():
            return name.strip(), value.strip()
    raise DomainError(f"应写作 名称=值 或 名称：值 的形式：“{text}”")


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """Several `名称=值` pairs; a later pair with the same name wins."""
    params: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise DomainError(f"参数应为 名称=值 的形式：“{pair}”")
        key, value = pair.split("=", 1)
        params[key.strip()] = value.strip()
    return params


def parse_opinions(lines: list[str] | None) -> list[dict[str, str]]:
    """Each participant's opinion at a collective discussion, one `姓名：意见` (or `姓名=意见`) each; the
    desk passes the lines of its box, the CLI the values of --opinion."""
    opinions = []
    for line in lines or []:
        if not line.strip():
            continue
        try:
            name, opinion = parse_pair(line)
        except DomainError:
            raise DomainError(f"讨论意见每项应为“姓名：意见”，这一项不符合：“{line.strip()}”") from None
        opinions.append({"name": name, "opinion": opinion})
    return opinions
