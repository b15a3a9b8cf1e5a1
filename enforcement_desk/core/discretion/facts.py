"""The facts an officer finds and the statutory fine they lead to: which conditions of a benchmark
hold, which band of the penalty article applies, and the range it sets (multiples with their floor)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from enforcement_desk.core.discretion.benchmarks import (
    HARM_VALUES,
    Condition,
    FineBand,
    FineRule,
    ProvisionVersion,
)
from enforcement_desk.core.errors import DomainError

LAW = "《行政处罚法》"

ART32_CIRCUMSTANCES = {
    "eliminated_harm": "主动消除或者减轻违法行为危害后果",
    "coerced": "受他人胁迫或者诱骗实施违法行为",
    "confessed": "主动供述行政机关尚未掌握的违法行为",
    "meritorious": "配合行政机关查处违法行为有立功表现",
    "other_law": "法律、法规、规章规定其他应当从轻或者减轻行政处罚的情形",
}


@dataclass(frozen=True)
class Facts:
    """What the officer found; money as Decimal yuan."""

    illegal_gains: Decimal = Decimal(0)
    goods_value: Decimal = Decimal(0)
    duration_days: int | None = None  # None: from the act's dates (with_known_duration)
    persons_affected: int = 0
    harm: str = "none"
    repeat_within_year: bool = False
    first_offence: bool = False
    corrected_promptly: bool = False
    minor: bool = False
    overdue_uncorrected: bool = False
    refused_supervision: bool = False
    previously_punished: bool = False
    no_fault_proven: bool = False
    art32: frozenset[str] = frozenset()
    circumstances: frozenset[str] = frozenset()
    party_age: int | None = None
    act_date: date | None = None
    act_ended_on: date | None = None
    discovered_on: date | None = None
    life_health_harm: bool = False

    def __post_init__(self) -> None:
        if self.harm not in HARM_VALUES:
            raise DomainError(f"危害后果应为 {'/'.join(HARM_VALUES)}，收到“{self.harm}”")
        for amount, label in ((self.illegal_gains, "违法所得"), (self.goods_value, "货值金额")):
            if not isinstance(amount, Decimal) or amount < 0:
                raise DomainError(f"{label}应为非负金额")
        if (self.duration_days or 0) < 0 or self.persons_affected < 0:
            raise DomainError("违法持续天数和涉及人数不能为负数")
        unknown = set(self.art32) - set(ART32_CIRCUMSTANCES)
        if unknown:
            raise DomainError(f"未知的第三十二条情形：{'、'.join(sorted(unknown))}")

    def with_known_duration(self) -> Facts:
        """The duration the officer gave; otherwise from the act's first day to the day it ended (or, still
        going on, was discovered), both days counted; 0 when the dates are not known either."""
        if self.duration_days is not None:
            return self
        end = self.act_ended_on or self.discovered_on
        days = (end - self.act_date).days + 1 if self.act_date and end and end >= self.act_date else 0
        return replace(self, duration_days=days)

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON-ready data (amounts as text, sets as sorted lists, dates as ISO text)."""
        data: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, date):
                value = value.isoformat()
            data[name] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Facts:
        """Facts read back from `to_json`'s form; missing or null fields keep their defaults."""
        values: dict[str, Any] = {}
        for name, spec in cls.__dataclass_fields__.items():
            if name not in data or data[name] is None:
                continue
            value = data[name]
            if name in {"illegal_gains", "goods_value"}:
                value = Decimal(str(value))
            elif name in {"art32", "circumstances"}:
                value = frozenset(value)
            elif name in {"act_date", "act_ended_on", "discovered_on"}:
                value = date.fromisoformat(value) if isinstance(value, str) else value
            elif spec.type in ("int", "int | None"):
                value = int(value)
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class FineRange:
    """A range of fines in yuan, with the working that produced it."""

    minimum: Decimal
    maximum: Decimal
    working: str = ""

    def contains(self, amount: Decimal) -> bool:
        """True when `amount` lies within the range, both ends included."""
        return self.minimum <= amount <= self.maximum

    @property
    def text(self) -> str:
        """The range as text, e.g. 5000–10000 元."""
        return f"{self.minimum}–{self.maximum} 元"


@dataclass(frozen=True)
class AppliedRule:
    """One rule the recommendation applied: the article and what it did to this case."""

    article: str
    text: str


# ---- facts against conditions --------------------------------------------------------------------


def condition_holds(condition: Condition, facts: Facts) -> bool:
    """True when the case's facts meet the condition."""
    if condition.fact == "all":
        return all(condition_holds(part, facts) for part in condition.value)
    if condition.fact == "circumstance":
        return condition.value in facts.circumstances
    value = getattr(facts, condition.fact)
    if condition.op == "is":
        return bool(value)
    if condition.fact == "harm":
        return (value == condition.value) == (condition.op == "==")
    target = Decimal(condition.value)
    amount = Decimal(value)
    return {
        ">=": amount >= target,
        "<=": amount <= target,
        ">": amount > target,
        "<": amount < target,
        "==": amount == target,
        "!=": amount != target,
    }[condition.op]


def matching(conditions: Sequence[Condition], facts: Facts) -> list[Condition]:
    """The conditions the facts meet, in their order."""
    return [c for c in conditions if condition_holds(c, facts)]


# ---- the statutory range -------------------------------------------------------------------------


def money(amount: Decimal) -> Decimal:
    """The amount rounded half up to the fen."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def statutory_range(rule: FineRule, facts: Facts) -> FineRange:
    """The statutory fine range for the facts: fixed amounts, or times the illegal gains or the goods'
    value, with the floor, the fallback and the cap the provision sets, and the working in words."""
    if rule.basis == "fixed":
        return FineRange(rule.minimum, rule.maximum, f"法定罚款 {rule.minimum}–{rule.maximum} 元")
    label = "违法所得" if rule.basis == "gains" else "货值金额"
    base = facts.illegal_gains if rule.basis == "gains" else facts.goods_value
    if rule.fallback_below is not None and base < rule.fallback_below:
        return FineRange(
            rule.minimum,
            rule.maximum,
            f"{label} {base} 元，没有{label}或不足 {rule.fallback_below} 元，处 {rule.minimum}–{rule.maximum} 元",
        )
    working = f"{label} {base} 元"
    if rule.base_floor is not None and base < rule.base_floor:
        working = f"{label} {base} 元不足 {rule.base_floor} 元，按 {rule.base_floor} 元计算"
        base = rule.base_floor
    low, high = money(base * rule.min_times), money(base * rule.max_times)
    working += f"，处 {rule.min_times}–{rule.max_times} 倍即 {low}–{high} 元"
    if rule.cap is not None and high > rule.cap:
        high = rule.cap
        low = min(low, rule.cap)
        working += f"，最高不超过 {rule.cap} 元"
    return FineRange(low, high, working)


def applicable_band(version: ProvisionVersion, facts: Facts) -> tuple[FineBand, list[Condition]]:
    """The heaviest band whose circumstances are present; the first band is the ordinary one."""
    chosen, reasons = version.bands[0], []
    for band in version.bands[1:]:
        hits = matching(band.when, facts)
        if hits:
            chosen, reasons = band, hits
    return chosen, reasons


def range_for(version: ProvisionVersion, facts: Facts) -> FineRange:
    """The statutory fine range of the band that applies to the facts under this version of the provisions."""
    band, _ = applicable_band(version, facts)
    return statutory_range(band.fine, facts)


def heavier(a: FineRange, b: FineRange) -> bool:
    """True when range `a` is heavier than `b` (higher maximum, then higher minimum)."""
    return (a.maximum, a.minimum) > (b.maximum, b.minimum)
