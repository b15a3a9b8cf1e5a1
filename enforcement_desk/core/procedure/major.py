"""Whether a decision is a major one needing legal review (行政处罚法 art. 58) and collective
discussion (art. 57), with the reasons shown to the user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from enforcement_desk.core.settings import AgencySettings

FLAG_LABELS = {
    "public_interest": "涉及重大公共利益",
    "complex": "案件情况疑难复杂",
    "multiple_legal_relations": "涉及多个法律关系",
    "third_party_rights": "直接关系当事人或第三人重大权益",
}


@dataclass(frozen=True)
class ProposedPenalty:
    """The penalty proposed for a case, as far as it decides whether the decision is a major one."""

    party_kind: str  # "person" | "organisation"
    fine: Decimal = Decimal(0)
    confiscation: Decimal = Decimal(0)
    kinds: tuple[str, ...] = ()
    mitigated: bool = False  # 减轻处罚


@dataclass(frozen=True)
class MajorAssessment:
    """Whether a decision is major (行政处罚法 art. 58 and the agency's list), with the reasons."""

    is_major: bool
    reasons: tuple[str, ...]


def assess_major(
    penalty: ProposedPenalty,
    settings: AgencySettings,
    *,
    hearing_held: bool = False,
    flags: frozenset[str] = frozenset(),
) -> MajorAssessment:
    """Whether the proposed penalty is a 重大执法决定 needing legal review (行政处罚法 art. 58): a fine
    above the agency's threshold, a kind on its list, a hearing held, a mitigated penalty, or a flagged
    case."""
    reasons: list[str] = []
    if penalty.party_kind == "person":
        threshold = settings.major_fine_person
        who = "自然人"
    else:
        threshold = settings.major_fine_organisation
        who = "法人或其他组织"
    if penalty.fine > threshold:
        reasons.append(f"对{who}罚款 {penalty.fine} 元，超过重大执法决定标准 {threshold} 元")
    for kind in penalty.kinds:
        if kind in settings.major_kinds:
            reasons.append(f"处罚种类“{kind}”属于重大执法决定")
    if settings.major_if_hearing and hearing_held:
        reasons.append("经过听证程序（《行政处罚法》第五十八条第一款第二项）")
    if settings.major_if_mitigated and penalty.mitigated:
        reasons.append("减轻处罚决定须经法制审核")
    for flag in sorted(flags):
        reasons.append(f"经标记：{FLAG_LABELS.get(flag, flag)}（《行政处罚法》第五十八条）")
    return MajorAssessment(is_major=bool(reasons), reasons=tuple(reasons))


def hearing_right(penalty: ProposedPenalty, settings: AgencySettings) -> tuple[bool, tuple[str, ...]]:
    """Art. 63: the party may request a hearing for larger fines and heavier penalty kinds."""
    reasons: list[str] = []
    threshold = (
        settings.hearing_fine_person if penalty.party_kind == "person" else settings.hearing_fine_organisation
    )
    if penalty.fine >= threshold:
        reasons.append(f"罚款 {penalty.fine} 元达到较大数额标准 {threshold} 元")
    for kind in penalty.kinds:
        if kind in settings.hearing_kinds:
            reasons.append(f"处罚种类“{kind}”")
    return bool(reasons), tuple(reasons)


def within_simple_procedure(penalty: ProposedPenalty, settings: AgencySettings) -> tuple[bool, str]:
    """Art. 51: on-the-spot decisions only for a warning or a small fine."""
    allowed_kinds = {"警告", "罚款"}  # art. 51 names these two only
    extra = [k for k in penalty.kinds if k not in allowed_kinds]
    if extra:
        return (
            False,
            f"简易程序只能给予警告或小额罚款，不能适用“{'、'.join(extra)}”（《行政处罚法》第五十一条）",
        )
    limit = (
        settings.simple_fine_person_max
        if penalty.party_kind == "person"
        else settings.simple_fine_organisation_max
    )
    who = "公民" if penalty.party_kind == "person" else "法人或其他组织"
    if penalty.fine > limit:
        return (
            False,
            f"简易程序对{who}罚款不得超过 {limit} 元，拟罚 {penalty.fine} 元应适用普通程序（《行政处罚法》第五十一条）",
        )
    if penalty.confiscation > 0:
        return False, "简易程序不能没收违法所得或非法财物（《行政处罚法》第五十一条）"
    return True, ""
