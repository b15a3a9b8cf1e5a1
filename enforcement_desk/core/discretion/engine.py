"""The discretion engine: from a violation and the facts found, the lawful fine and why.

Order of the rules, as a reviewer checks them: the time bar (art. 36), the law to apply (art. 37), the
heavier provision when one act breaks several (art. 29), the statutory range of that provision, no
penalty (art. 30, 33), mandatory lighter or mitigated penalties (art. 30, 32), then the benchmark
table's own levels. Articles are of the 行政处罚法 (2021) unless another law is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from enforcement_desk.core.discretion.benchmarks import (
    LEVELS,
    NO_PENALTY_LEVELS,
    BenchmarkLibrary,
    ProvisionVersion,
    Violation,
)
from enforcement_desk.core.discretion.facts import (
    ART32_CIRCUMSTANCES,
    LAW,
    AppliedRule,
    Facts,
    FineRange,
    applicable_band,
    heavier,
    range_for,
    statutory_range,
)
from enforcement_desk.core.discretion.levels import assess_level, labels, level_range, round_within
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.limitation import check_limitation

# Re-exported: callers take the whole engine from this module.
__all__ = [
    "ART32_CIRCUMSTANCES",
    "AppliedRule",
    "ChoiceCheck",
    "Facts",
    "FineRange",
    "Recommendation",
    "check_choice",
    "choose_version",
    "recommend",
    "statutory_range",
]


@dataclass(frozen=True)
class Recommendation:
    """The benchmark's recommendation for a case: the level, the statutory and level ranges, the fine,
    the provisions applied and every rule that led there."""

    library: str
    library_version: str
    code: str
    name: str
    outcome: str  # "penalty" | "no_penalty"
    level: str
    recommended_level: str
    allowed_levels: tuple[str, ...]
    statutory: FineRange | None
    level_range: FineRange | None
    recommended_fine: Decimal
    confiscation: Decimal
    kinds: tuple[str, ...]
    mitigated: bool
    law_in_force_from: date | None
    violated: str
    penalty_basis: str
    band: str
    phrasing: str
    explanation: tuple[AppliedRule, ...]
    warnings: tuple[str, ...] = ()
    facts: Facts = field(default_factory=Facts)
    violated_source: str = ""  # what the two texts were checked against (or 未核实 …)
    penalty_source: str = ""

    def to_json(self) -> dict[str, Any]:
        """The recommendation as JSON-ready data (amounts as decimal text), as the case keeps it."""

        def fine_range(value: FineRange | None) -> dict[str, str] | None:
            if value is None:
                return None
            return {"min": str(value.minimum), "max": str(value.maximum), "working": value.working}

        return {
            "library": self.library,
            "library_version": self.library_version,
            "code": self.code,
            "name": self.name,
            "outcome": self.outcome,
            "level": self.level,
            "recommended_level": self.recommended_level,
            "allowed_levels": list(self.allowed_levels),
            "statutory": fine_range(self.statutory),
            "level_range": fine_range(self.level_range),
            "recommended_fine": str(self.recommended_fine),
            "confiscation": str(self.confiscation),
            "kinds": list(self.kinds),
            "mitigated": self.mitigated,
            "law_in_force_from": self.law_in_force_from.isoformat() if self.law_in_force_from else None,
            "violated": self.violated,
            "penalty_basis": self.penalty_basis,
            "band": self.band,
            "phrasing": self.phrasing,
            "explanation": [{"article": r.article, "text": r.text} for r in self.explanation],
            "warnings": list(self.warnings),
            "facts": self.facts.to_json(),
            "source": {"violated": self.violated_source, "penalty": self.penalty_source},
        }


# ---- art. 37: which version of the law -----------------------------------------------------------


def choose_version(
    violation: Violation, facts: Facts, decided_on: date
) -> tuple[ProvisionVersion, list[AppliedRule], list[str]]:
    """The provisions to apply: those in force when the act was done, unless the ones in force at the
    decision are lighter (从旧兼从轻, 行政处罚法 art. 37), with the rules applied and any warnings."""
    act_day = facts.act_date or decided_on
    then = violation.version_on(act_day)
    now = violation.version_on(decided_on)
    rules: list[AppliedRule] = []
    warnings: list[str] = []
    if then is None:
        earliest = violation.versions[0].effective_from
        if act_day < earliest:
            raise DomainError(
                f"违法行为发生于 {act_day}，当时“{violation.name}”的处罚规定（{earliest} 施行）尚未施行，"
                "不能依照施行后的规定处罚",
                rule=f"{LAW}第三十七条",
            )
        raise DomainError(f"裁量基准库未收录 {act_day} 施行的“{violation.name}”处罚规定，请更新基准库")
    if now is None:
        warnings.append(
            f"基准库未收录决定时（{decided_on}）施行的处罚规定，已按行为时规定计算，请核对现行法律"
        )
        now = then
    if now is then:
        rules.append(
            AppliedRule(
                f"{LAW}第三十七条",
                f"适用违法行为发生时（{act_day}）施行的规定：{then.penalty.reference}",
            )
        )
        return then, rules, warnings
    old_range, new_range = range_for(then, facts), range_for(now, facts)
    if heavier(old_range, new_range):
        rules.append(
            AppliedRule(
                f"{LAW}第三十七条",
                f"行为时规定（{then.penalty.reference}，{old_range.text}）重于现行规定"
                f"（{now.penalty.reference}，{new_range.text}），从旧兼从轻，适用现行规定",
            )
        )
        return now, rules, warnings
    rules.append(
        AppliedRule(
            f"{LAW}第三十七条",
            f"适用违法行为发生时的规定（{then.penalty.reference}，{old_range.text}）；"
            f"现行规定（{now.penalty.reference}，{new_range.text}）不轻于行为时规定",
        )
    )
    return then, rules, warnings


# ---- the recommendation --------------------------------------------------------------------------


def recommend(
    library: BenchmarkLibrary,
    codes: Sequence[str],
    facts: Facts,
    *,
    decided_on: date,
    level: str | None = None,
) -> Recommendation:
    """The recommendation for one act; several codes mean one act that breaks several provisions.

    ``level`` is the officer's choice; it is refused when the law does not allow it for these facts.
    """
    facts = facts.with_known_duration()
    if not codes:
        raise DomainError("请选择违法行为")
    if level is not None and level not in LEVELS:
        raise DomainError(f"裁量阶次“{level}”无效（可选：{'、'.join(LEVELS)}）")
    explanation: list[AppliedRule] = []
    warnings: list[str] = []

    candidates = []
    for code in dict.fromkeys(codes):
        violation = library.get(code)
        version, rules, notes = choose_version(violation, facts, decided_on)
        band, band_hits = applicable_band(version, facts)
        candidates.append(
            (violation, version, band, band_hits, statutory_range(band.fine, facts), rules, notes)
        )
    chosen = candidates[0]
    for candidate in candidates[1:]:
        if heavier(candidate[4], chosen[4]):
            chosen = candidate
    violation, version, band, band_hits, statutory, version_rules, notes = chosen
    warnings.extend(notes)

    if facts.act_date and facts.discovered_on:
        limit = check_limitation(
            facts.act_date,
            facts.discovered_on,
            act_ended_on=facts.act_ended_on,
            life_health_harm=facts.life_health_harm,
        )
        explanation.append(AppliedRule(f"{LAW}第三十六条", limit.explanation))
        if limit.barred:
            if level is not None and level != "不予处罚":
                raise DomainError(limit.explanation, rule=f"{LAW}第三十六条")
            return _no_penalty(library, violation, version, facts, explanation, warnings, ("不予处罚",))
    else:
        warnings.append("未填写违法行为发生日期或发现日期，未能核对追责期限（第三十六条）")

    explanation.extend(version_rules)
    if len(candidates) > 1:
        others = "；".join(f"{c[1].penalty.reference}（{c[4].text}）" for c in candidates if c is not chosen)
        explanation.append(
            AppliedRule(
                f"{LAW}第二十九条",
                f"同一违法行为违反多个规定，只处一次罚款，按罚款数额高的 {version.penalty.reference} 处罚；"
                f"未适用：{others}",
            )
        )
    explanation.append(AppliedRule(version.penalty.reference, statutory.working))
    if band_hits:
        explanation.append(AppliedRule(version.penalty.reference, f"适用“{band.name}”：{labels(band_hits)}"))

    assessment = assess_level(violation, facts)
    explanation.extend(assessment.rules)
    chosen_level = level or assessment.recommended
    if chosen_level not in assessment.allowed:
        raise DomainError(
            f"根据已认定的事实，不能选择“{chosen_level}”，可选：{'、'.join(assessment.allowed)}",
            rule=assessment.rules[-1].article if assessment.rules else None,
            details=[r.text for r in assessment.rules],
        )
    if chosen_level in NO_PENALTY_LEVELS:
        return _no_penalty(
            library,
            violation,
            version,
            facts,
            explanation,
            warnings,
            assessment.allowed,
            assessment.recommended,
            chosen_level,
        )

    rule = violation.level_rule(chosen_level)
    band_range = level_range(rule, chosen_level, statutory, facts, band.fine)
    midpoint = (band_range.minimum + band_range.maximum) / 2
    recommended_fine = round_within(midpoint, band_range.minimum, band_range.maximum)
    if chosen_level == "减轻":
        recommended_fine = min(recommended_fine, band_range.maximum)
    explanation.append(
        AppliedRule(
            "裁量基准",
            f"{chosen_level}裁量幅度 {band_range.text}（{band_range.working}），建议取中间值 {recommended_fine} 元",
        )
    )
    mitigated = chosen_level == "减轻"
    if mitigated:
        explanation.append(
            AppliedRule(f"{LAW}第五十八条", "减轻处罚低于法定最低罚款，属于重大执法决定，须经法制审核")
        )
    confiscation = Decimal(0)
    if version.confiscate_gains and facts.illegal_gains > 0:
        confiscation = facts.illegal_gains
        explanation.append(
            AppliedRule(f"{LAW}第二十八条", f"没收违法所得 {confiscation} 元（依法应退赔的，先予退赔）")
        )
    kinds = version.kinds
    if mitigated and band_range.maximum == 0:
        kinds = tuple(k for k in kinds if k != "罚款")
    return Recommendation(
        library=library.name,
        library_version=library.version,
        code=violation.code,
        name=violation.name,
        outcome="penalty",
        level=chosen_level,
        recommended_level=assessment.recommended,
        allowed_levels=assessment.allowed,
        statutory=statutory,
        level_range=band_range,
        recommended_fine=recommended_fine,
        confiscation=confiscation,
        kinds=kinds,
        mitigated=mitigated,
        law_in_force_from=version.effective_from,
        violated=f"{version.violated.reference}：{version.violated.text}",
        penalty_basis=f"{version.penalty.reference}：{version.penalty.text}",
        band=band.name,
        phrasing=violation.phrasing,
        explanation=tuple(explanation),
        warnings=tuple(warnings),
        facts=facts,
        violated_source=version.violated.source,
        penalty_source=version.penalty.source,
    )


def _no_penalty(
    library: BenchmarkLibrary,
    violation: Violation,
    version: ProvisionVersion,
    facts: Facts,
    explanation: list[AppliedRule],
    warnings: list[str],
    allowed: tuple[str, ...],
    recommended: str = "不予处罚",
    level: str = "不予处罚",
) -> Recommendation:
    return Recommendation(
        library=library.name,
        library_version=library.version,
        code=violation.code,
        name=violation.name,
        outcome="no_penalty",
        level=level,
        recommended_level=recommended,
        allowed_levels=allowed,
        statutory=None,
        level_range=None,
        recommended_fine=Decimal(0),
        confiscation=Decimal(0),
        kinds=(),
        mitigated=False,
        law_in_force_from=version.effective_from,
        violated=f"{version.violated.reference}：{version.violated.text}",
        penalty_basis=f"{version.penalty.reference}：{version.penalty.text}",
        band="",
        phrasing=violation.phrasing,
        explanation=tuple(explanation),
        warnings=tuple(warnings),
        facts=facts,
        violated_source=version.violated.source,
        penalty_source=version.penalty.source,
    )


# ---- the officer's choice ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceCheck:
    """The officer's chosen fine checked against the recommendation: outside the level, reason needed,
    notes."""

    amount: Decimal
    outside_level: bool
    needs_reason: bool
    mitigated: bool
    notes: tuple[str, ...]


def check_choice(recommendation: Recommendation, amount: Decimal, reason: str = "") -> ChoiceCheck:
    """A chosen fine: inside the statutory range (below it only for 减轻), and a written reason when it
    leaves the level's range or the level differs from the recommended one."""
    reason = (reason or "").strip()
    if recommendation.outcome == "no_penalty":
        if amount:
            raise DomainError(f"已认定{recommendation.level}，不能再处罚款")
        needs = recommendation.level != recommendation.recommended_level
        if needs and not reason:
            raise DomainError(f"未采用建议的“{recommendation.recommended_level}”，请写明理由")
        return ChoiceCheck(amount, False, needs, False, ())
    statutory, band = recommendation.statutory, recommendation.level_range
    assert statutory is not None and band is not None
    if amount < 0:
        raise DomainError("罚款金额不能为负数")
    if amount > statutory.maximum:
        raise DomainError(
            f"罚款 {amount} 元超过法定最高额 {statutory.maximum} 元",
            rule=recommendation.penalty_basis.split("：")[0],
        )
    if recommendation.level == "减轻":
        if amount >= statutory.minimum and statutory.minimum > 0:
            raise DomainError(
                f"减轻处罚的罚款应低于法定最低额 {statutory.minimum} 元；不低于最低额请选择从轻"
            )
    elif amount < statutory.minimum:
        raise DomainError(
            f"罚款 {amount} 元低于法定最低额 {statutory.minimum} 元：低于法定幅度只能选择“减轻”并经法制审核",
            rule=f"{LAW}第三十二条、第五十八条",
        )
    notes: list[str] = []
    outside = not band.contains(amount)
    if outside:
        notes.append(f"罚款 {amount} 元不在{recommendation.level}裁量幅度 {band.text} 内")
    if recommendation.level != recommendation.recommended_level:
        notes.append(f"未采用建议的裁量阶次“{recommendation.recommended_level}”")
    needs_reason = bool(notes)
    if needs_reason and not reason:
        raise DomainError("；".join(notes) + "，须书面说明理由", rule="行政处罚裁量权基准")
    return ChoiceCheck(amount, outside, needs_reason, recommendation.level == "减轻", tuple(notes))
