"""Money as the documents need it: 人民币大写, grouped figures, and the art. 72 late-payment surcharge.

Amounts are Decimal yuan with at most two places (分); floats never enter.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from enforcement_desk.core.errors import DomainError

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
SECTION_UNITS = ("", "万", "亿")
MAX_AMOUNT = Decimal("999999999999.99")
FEN = Decimal("0.01")
SURCHARGE_RATE_PER_DAY = Decimal("0.03")


def _check_amount(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        amount = Decimal(str(amount))
    if amount.is_nan() or amount.is_infinite():
        raise DomainError("金额不是有效数字")
    if amount < 0:
        raise DomainError("金额不能为负数")
    if amount > MAX_AMOUNT:
        raise DomainError("金额超出可表示范围（不超过一万亿元）")
    if amount != amount.quantize(FEN):
        raise DomainError(f"金额最多精确到分（两位小数），收到 {amount}")
    return amount.quantize(FEN)


def checked_amount(amount: object, label: str) -> Decimal:
    """An amount a service is handed (from the desk, the CLI or a script), or DomainError naming the
    field and what is allowed: NaN, infinity, negatives, more than two decimals and absurd sizes never
    reach the calculators or the database."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int, str, float)):
        raise DomainError(f"{label}不是有效金额（应为不小于0、最多两位小数、不超过一万亿元的数）")
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
        return _check_amount(value)
    except InvalidOperation:
        raise DomainError(f"{label}“{amount}”不是有效金额（应为不小于0、最多两位小数的数）") from None
    except DomainError as exc:
        raise DomainError(f"{label}“{amount}”无效：{exc.message}") from None


def _section(number: int) -> str:
    """0 < number < 10000 → e.g. 1009 → 壹仟零玖; zeros inside collapse to one 零."""
    digits = f"{number:04d}"
    out: list[str] = []
    pending_zero = False
    for index, ch in enumerate(digits):
        value = int(ch)
        if value == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[value] + SMALL_UNITS[3 - index])
    return "".join(out)


def _integer_in_capitals(number: int) -> str:
    if number == 0:
        return ""
    sections: list[int] = []
    while number:
        sections.append(number % 10000)
        number //= 10000
    out: list[str] = []
    need_zero = False
    for position in range(len(sections) - 1, -1, -1):
        value = sections[position]
        if value == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or value < 1000):
            out.append("零")
        out.append(_section(value) + SECTION_UNITS[position])
        need_zero = False
    return "".join(out)


def amount_in_capitals(amount: Decimal, *, prefix: str = "人民币") -> str:
    """Financial capitals per the 支付结算办法 writing rules: 20000 → 人民币贰万元整, 1409.5 → 人民币壹仟肆佰零玖元伍角整."""
    amount = _check_amount(amount)
    fen_total = int(amount * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    integer = _integer_in_capitals(yuan)
    if fen_total == 0:
        return f"{prefix}零元整"
    text = f"{integer}元" if yuan else ""
    if jiao == 0 and fen == 0:
        return f"{prefix}{text}整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return prefix + text


def format_yuan(amount: Decimal | None, *, unit: bool = True) -> str:
    """20000 → 20,000.00元; None → empty (an amount not set is shown blank, not as zero)."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}" + ("元" if unit else "")


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def parse_amount(text: str) -> Decimal:
    """An amount typed by an officer: "20000", "20,000.00", "2万", "３０００元"; Chinese message if not."""
    raw = (text or "").strip()
    if not raw:
        raise DomainError("请输入金额")
    cleaned = raw.translate(_FULL_WIDTH_DIGITS).replace(",", "").replace("，", "").replace(" ", "")
    cleaned = cleaned.removesuffix("元").removeprefix("￥").removeprefix("¥")
    multiplier = Decimal(1)
    if cleaned.endswith("万"):
        cleaned, multiplier = cleaned[:-1], Decimal(10000)
    try:
        amount = Decimal(cleaned) * multiplier
    except InvalidOperation:
        raise DomainError(f"金额格式不正确：“{raw}”（示例：20000、2万、1,500.50）") from None
    try:
        return _check_amount(amount)
    except DomainError as exc:
        raise DomainError(f"金额“{raw}”无效：{exc.message}") from None


def late_payment_surcharge(fine: Decimal, due_on: date, paid_on: date) -> Decimal:
    """Art. 72: 3% of the fine for each day after the last day to pay, never more than the fine itself."""
    fine = _check_amount(fine)
    days_late = (paid_on - due_on).days
    if days_late <= 0:
        return Decimal("0.00")
    surcharge = (fine * SURCHARGE_RATE_PER_DAY * days_late).quantize(FEN, rounding=ROUND_HALF_UP)
    return min(surcharge, fine)
