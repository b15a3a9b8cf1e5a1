"""Stages of a penalty case (行政处罚法 2021, 普通程序 and 简易程序)."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """The stages of a case, from acceptance to archive, with the side exits and the simple procedure."""

    ACCEPTED = "accepted"
    INVESTIGATING = "investigating"
    INVESTIGATION_CLOSED = "investigation_closed"
    DELIBERATED = "deliberated"
    PRIOR_NOTICE = "prior_notice"
    HEARING = "hearing"
    LEGAL_REVIEW = "legal_review"
    COLLECTIVE_DISCUSSION = "collective_discussion"
    DECIDED = "decided"
    SERVED = "served"
    EXECUTING = "executing"
    CLOSED = "closed"
    ARCHIVED = "archived"
    # side exits
    NOT_FILED = "not_filed"
    REVOKED = "revoked"
    TRANSFERRED_POLICE = "transferred_police"
    TRANSFERRED_AGENCY = "transferred_agency"
    # simple procedure
    ONSITE_DECIDED = "onsite_decided"

    @property
    def label(self) -> str:
        """The stage in Chinese."""
        return STAGE_LABELS[self]

    @property
    def is_terminal(self) -> bool:
        """True when the case can go no further from this stage."""
        return self in TERMINAL_STAGES


STAGE_LABELS = {
    Stage.ACCEPTED: "受理",
    Stage.INVESTIGATING: "立案调查",
    Stage.INVESTIGATION_CLOSED: "调查终结",
    Stage.DELIBERATED: "合议",
    Stage.PRIOR_NOTICE: "事先告知",
    Stage.HEARING: "听证",
    Stage.LEGAL_REVIEW: "法制审核",
    Stage.COLLECTIVE_DISCUSSION: "集体讨论",
    Stage.DECIDED: "作出决定",
    Stage.SERVED: "送达",
    Stage.EXECUTING: "执行",
    Stage.CLOSED: "结案",
    Stage.ARCHIVED: "归档",
    Stage.NOT_FILED: "不予立案",
    Stage.REVOKED: "撤销立案",
    Stage.TRANSFERRED_POLICE: "移送司法机关",
    Stage.TRANSFERRED_AGENCY: "移送其他机关",
    Stage.ONSITE_DECIDED: "当场处罚",
}

TERMINAL_STAGES = frozenset({Stage.ARCHIVED, Stage.NOT_FILED, Stage.REVOKED, Stage.TRANSFERRED_AGENCY})

# The main line of the ordinary procedure as the stage bar shows it; hearing, review and
# discussion are shown only when the case goes through them.
ORDINARY_MAIN_LINE = (
    Stage.ACCEPTED,
    Stage.INVESTIGATING,
    Stage.INVESTIGATION_CLOSED,
    Stage.DELIBERATED,
    Stage.PRIOR_NOTICE,
    Stage.HEARING,
    Stage.LEGAL_REVIEW,
    Stage.COLLECTIVE_DISCUSSION,
    Stage.DECIDED,
    Stage.SERVED,
    Stage.EXECUTING,
    Stage.CLOSED,
    Stage.ARCHIVED,
)
SIMPLE_MAIN_LINE = (Stage.ONSITE_DECIDED, Stage.CLOSED, Stage.ARCHIVED)

PRE_DECISION_STAGES = frozenset(
    {
        Stage.ACCEPTED,
        Stage.INVESTIGATING,
        Stage.INVESTIGATION_CLOSED,
        Stage.DELIBERATED,
        Stage.PRIOR_NOTICE,
        Stage.HEARING,
        Stage.LEGAL_REVIEW,
        Stage.COLLECTIVE_DISCUSSION,
    }
)


class CaseSource(StrEnum):
    """Where a case came from: inspection, complaint, transfer, assignment, referral or other."""

    INSPECTION = "inspection"
    COMPLAINT = "complaint"
    TRANSFER = "transfer"
    ASSIGNED = "assigned"
    REFERRED = "referred"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The source in Chinese, e.g. 投诉举报."""
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    CaseSource.INSPECTION: "监督检查发现",
    CaseSource.COMPLAINT: "投诉举报",
    CaseSource.TRANSFER: "其他机关移送",
    CaseSource.ASSIGNED: "上级机关交办",
    CaseSource.REFERRED: "下级机关报请",
    CaseSource.OTHER: "其他",
}


class Outcome(StrEnum):
    """The outcome of the investigation decided by the head (行政处罚法 art. 57): penalty, no penalty, not
    established."""

    PENALTY = "penalty"
    NO_PENALTY = "no_penalty"
    NOT_ESTABLISHED = "not_established"

    @property
    def label(self) -> str:
        """The outcome in Chinese."""
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.PENALTY: "给予行政处罚",
    Outcome.NO_PENALTY: "不予行政处罚",
    Outcome.NOT_ESTABLISHED: "违法事实不能成立",
}

# 执法类别 used in 文号 (卫生行政执法文书规范 art. 4)
CATEGORY_LABELS = {
    "医": "医疗卫生",
    "公": "公共场所卫生",
    "水": "生活饮用水卫生",
    "职": "职业卫生",
    "放": "放射卫生",
    "传": "传染病防治",
    "消": "消毒产品",
    "妆": "化妆品",
    "计": "母婴保健与计划生育",
}
