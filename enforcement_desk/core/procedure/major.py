"""Whether a decision is a major one needing legal review (卫生健康行政处罚程序规定 art. 38; 行政处罚法 art. 58),
and whether the heads must decide it by collective discussion (卫生健康行政处罚程序规定 art. 40), each with the
reasons shown to the user. The two are separate assessments: the review list is the agency's, the
discussion's five grounds are the article's."""

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


# 卫生健康行政处罚程序规定 art. 40(三) and (五): grounds for a collective discussion that only a person can judge,
# kept as case flags beside the review flags above (which are not discussion grounds by themselves).
DISCUSSION_FLAG_LABELS = {
    "major_safety": "涉及重大安全问题",
    "social_impact": "有重大社会影响",
    "head_referral": "负责人认为应当提交集体讨论",
}
DISCUSSION_RULE = "《卫生健康行政处罚程序规定》第四十条"
# Art. 40(二): "拟吊销许可证件、降低资质等级、责令停产停业、责令关闭、限制从业的案件".
DISCUSSION_KINDS = ("吊销许可证件", "降低资质等级", "责令停产停业", "责令关闭", "限制从业")
# Art. 40(一) names confiscation of a large value; the hearing list names it as a kind (art. 43(二)).
LARGE_CONFISCATION_KINDS = ("没收较大数额违法所得", "没收较大价值非法财物")


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
    case. `hearing_held` is a hearing actually held: one terminated because the party refused to attend or
    left without leave (art. 64(六), 视为放弃听证权利) is not 经过听证程序 (art. 58(二)); the case may still be
    major on the other grounds."""
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
        reasons.append("经过听证程序（《行政处罚法》第五十八条第一款第（二）项）")
    if settings.major_if_mitigated and penalty.mitigated:
        reasons.append("减轻处罚决定须经法制审核")
    for flag in sorted(flags & FLAG_LABELS.keys()):  # the discussion's own flags are not review grounds
        reasons.append(f"经标记：{FLAG_LABELS[flag]}（《卫生健康行政处罚程序规定》第三十八条；《行政处罚法》第五十八条）")
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


@dataclass(frozen=True)
class DiscussionAssessment:
    """Whether the heads must decide the case by collective discussion (卫生健康行政处罚程序规定 art. 40), with the
    grounds of the article that apply, each naming its item."""

    needed: bool
    grounds: tuple[str, ...]


def assess_discussion(
    penalty: ProposedPenalty,
    settings: AgencySettings,
    *,
    flags: frozenset[str] = frozenset(),
    review_disagreements: tuple[str, ...] = (),
) -> DiscussionAssessment:
    """Art. 40's five grounds for a penalty case: (一) a fine, or confiscated gains and property, of a large
    amount — the agency's 较大数额 of the hearing right (the province's figure, art. 43), reached or passed;
    (二) 吊销许可证件、降低资质等级、责令停产停业、责令关闭、限制从业; (三) a case flagged as touching major safety or
    having a major social impact; (四) a legal review that returned the case or disagreed with the handlers'
    opinion (`review_disagreements`, one line per round); (五) a head's referral (flag)."""
    grounds: list[str] = []
    person = penalty.party_kind == "person"
    threshold = settings.hearing_fine_person if person else settings.hearing_fine_organisation
    who = "自然人" if person else "法人或其他组织"
    if penalty.fine >= threshold:
        grounds.append(f"第（一）项：拟对{who}罚款 {penalty.fine} 元，达到较大数额 {threshold} 元")
    if penalty.confiscation >= threshold:
        grounds.append(f"第（一）项：拟没收违法所得和非法财物价值 {penalty.confiscation} 元，达到较大数额 {threshold} 元")
    for kind in penalty.kinds:
        if kind in LARGE_CONFISCATION_KINDS:
            grounds.append(f"第（一）项：拟{kind}")
    for kind in DISCUSSION_KINDS:
        if kind in penalty.kinds:
            grounds.append(f"第（二）项：拟{kind}")
    for flag in ("major_safety", "social_impact"):
        if flag in flags:
            grounds.append(f"第（三）项：{DISCUSSION_FLAG_LABELS[flag]}")
    for line in review_disagreements:
        grounds.append(f"第（四）项：调查处理意见与审核意见存在分歧（{line}）")
    if "head_referral" in flags:
        grounds.append(f"第（五）项：{DISCUSSION_FLAG_LABELS['head_referral']}")
    return DiscussionAssessment(needed=bool(grounds), grounds=tuple(grounds))
