"""Discretion levels: which levels the law allows for the facts (art. 30, 32, 33), which one the
benchmark table recommends, and the part of the statutory range each level covers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from enforcement_desk.core.discretion.benchmarks import Condition, FineRule, LevelRange, LevelRule, Violation
from enforcement_desk.core.discretion.facts import (
    ART32_CIRCUMSTANCES,
    LAW,
    AppliedRule,
    Facts,
    FineRange,
    matching,
    money,
)

YUAN = Decimal(1)


def round_within(amount: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """The amount rounded to whole yuan and kept inside [low, high]."""
    rounded = amount.quantize(YUAN, rounding=ROUND_HALF_UP)
    return min(max(rounded, low), high)


def level_range(
    rule: LevelRule | None, level: str, statutory: FineRange, facts: Facts, fine: FineRule
) -> FineRange:
    """The sub-range of a level; every level but 减轻 stays inside the statutory range."""
    smin, smax = statutory.minimum, statutory.maximum
    spec = rule.range if rule and rule.range else _DEFAULT_RANGES[level]
    if spec.kind == "times" and not _counted_on_base(fine, facts):
        # A table in multiples cannot apply where the law sets fixed amounts (an earlier version, or
        # the "没有违法所得或者不足…元的" fallback): the level keeps its place in the statutory range.
        spec = _DEFAULT_RANGES[level]
    if level == "减轻":
        if smin <= 0:
            return FineRange(
                Decimal(0), Decimal(0), "法定罚款无最低限额，减轻处罚即不予罚款，仅适用其他处罚种类"
            )
        if spec.kind == "amount":
            low, high = spec.low, min(spec.high, smin)
        elif spec.kind == "times":
            base = _base(fine, facts)
            low, high = money(base * spec.low), min(money(base * spec.high), smin)
        else:
            low, high = (smin * spec.low).quantize(YUAN, rounding=ROUND_CEILING), smin
        # 减轻 means below the statutory minimum: the minimum itself is 从轻 at most.
        high = max(high - Decimal("0.01"), Decimal(0))
        low = min(low, high)
        return FineRange(low, high, f"减轻处罚：低于法定最低额 {smin} 元（{spec.text}）")
    if spec.kind == "fraction":
        width = smax - smin
        low = (smin + width * spec.low).quantize(YUAN, rounding=ROUND_CEILING)
        high = (smin + width * spec.high).quantize(YUAN, rounding=ROUND_FLOOR)
    elif spec.kind == "times":
        base = _base(fine, facts)
        low, high = money(base * spec.low), money(base * spec.high)
    else:
        low, high = spec.low, spec.high
    low, high = max(low, smin), min(high, smax)
    if low > high:  # a table row outside this case's statutory range: the law's bounds prevail
        low, high = (smin, smin) if high < smin else (smax, smax)
    return FineRange(low, high, f"{level}：{spec.text}")


def _counted_on_base(fine: FineRule, facts: Facts) -> bool:
    if fine.basis == "fixed":
        return False
    base = facts.illegal_gains if fine.basis == "gains" else facts.goods_value
    return fine.fallback_below is None or base >= fine.fallback_below


def _base(fine: FineRule, facts: Facts) -> Decimal:
    base = facts.illegal_gains if fine.basis == "gains" else facts.goods_value
    if fine.base_floor is not None:
        base = max(base, fine.base_floor)
    return base


_DEFAULT_RANGES = {
    "减轻": LevelRange("below_minimum", Decimal("0.5"), Decimal(1)),
    "从轻": LevelRange("fraction", Decimal(0), Decimal("0.3")),
    "一般": LevelRange("fraction", Decimal("0.3"), Decimal("0.7")),
    "从重": LevelRange("fraction", Decimal("0.7"), Decimal(1)),
}


@dataclass(frozen=True)
class LevelAssessment:
    """The levels the law allows for the facts (行政处罚法 art. 30, 32, 33), the recommended one and why."""

    recommended: str
    allowed: tuple[str, ...]
    rules: tuple[AppliedRule, ...]
    mandatory_no_penalty: bool = False


def assess_level(violation: Violation, facts: Facts) -> LevelAssessment:
    """Which levels the law allows for these facts and which one the benchmark recommends."""
    rules: list[AppliedRule] = []
    if facts.party_age is not None and facts.party_age < 14:
        rules.append(AppliedRule(f"{LAW}第三十条", "不满十四周岁的未成年人有违法行为的，不予行政处罚"))
        return LevelAssessment("不予处罚", ("不予处罚",), tuple(rules), True)
    if facts.no_fault_proven:
        rules.append(
            AppliedRule(f"{LAW}第三十三条第二款", "当事人有证据足以证明没有主观过错的，不予行政处罚")
        )
        return LevelAssessment("不予处罚", ("不予处罚",), tuple(rules), True)
    if facts.minor and facts.corrected_promptly and facts.harm == "none":
        rules.append(
            AppliedRule(f"{LAW}第三十三条第一款", "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚")
        )
        return LevelAssessment("不予处罚", ("不予处罚",), tuple(rules), True)
    table_waiver = violation.level_rule("不予处罚")
    waiver_hits = matching(table_waiver.when, facts) if table_waiver else []
    if waiver_hits:
        rules.append(AppliedRule("裁量基准", f"符合基准表“不予处罚”情形：{labels(waiver_hits)}"))
        return LevelAssessment("不予处罚", ("不予处罚",), tuple(rules), True)

    mandatory_lighter: list[str] = [ART32_CIRCUMSTANCES[key] for key in sorted(facts.art32)]
    if facts.party_age is not None and facts.party_age < 18:
        mandatory_lighter.append("已满十四周岁不满十八周岁的未成年人（第三十条）")
    if mandatory_lighter:
        rules.append(
            AppliedRule(
                f"{LAW}第三十二条",
                f"有应当从轻或者减轻处罚的情形：{'；'.join(mandatory_lighter)}，只能选择从轻或减轻",
            )
        )
        allowed: list[str] = ["减轻", "从轻"]
        recommended = "从轻"
    else:
        allowed = ["从轻", "一般", "从重"]
        recommended = _table_level(violation, facts, rules)
        mitigation = violation.level_rule("减轻")
        if mitigation and mitigation.when and matching(mitigation.when, facts):
            allowed.insert(0, "减轻")
            rules.append(
                AppliedRule("裁量基准", f"符合基准表“减轻”情形：{labels(matching(mitigation.when, facts))}")
            )

    first_waiver = facts.first_offence and facts.corrected_promptly and facts.harm in {"none", "slight"}
    waiver_rule = violation.level_rule("免予处罚")
    table_first = bool(waiver_rule and matching(waiver_rule.when, facts))
    if first_waiver or table_first:
        if first_waiver:
            rules.append(
                AppliedRule(
                    f"{LAW}第三十三条第一款",
                    "初次违法且危害后果轻微并及时改正的，可以不予行政处罚（首违不罚）；承办人也可以不适用，但应说明理由",
                )
            )
        else:
            hits = matching(waiver_rule.when, facts)
            rules.append(AppliedRule("裁量基准", f"符合基准表“免予处罚”情形：{labels(hits)}，可以不予处罚"))
        allowed.insert(0, "免予处罚")
        recommended = "免予处罚"
    return LevelAssessment(recommended, tuple(allowed), tuple(rules))


def labels(conditions: Sequence[Condition]) -> str:
    """The conditions' Chinese labels joined by 、."""
    return "、".join(c.label for c in conditions)


def _table_level(violation: Violation, facts: Facts, rules: list[AppliedRule]) -> str:
    heavier = violation.level_rule("从重")
    lighter = violation.level_rule("从轻")
    heavy_hits = matching(heavier.when, facts) if heavier else []
    light_hits = matching(lighter.when, facts) if lighter else []
    if heavy_hits and light_hits:
        rules.append(
            AppliedRule(
                "裁量基准",
                f"同时具有从重情形（{labels(heavy_hits)}）和从轻情形（{labels(light_hits)}），相互抵消，按一般裁量",
            )
        )
        return "一般"
    if heavy_hits:
        rules.append(AppliedRule("裁量基准", f"具有从重情形：{labels(heavy_hits)}"))
        return "从重"
    if light_hits:
        rules.append(AppliedRule("裁量基准", f"具有从轻情形：{labels(light_hits)}"))
        return "从轻"
    rules.append(AppliedRule("裁量基准", "无从重、从轻情形，按一般裁量"))
    return "一般"
