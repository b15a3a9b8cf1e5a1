"""卫生健康行政处罚程序规定 art. 40: the cases the heads must decide by collective discussion, assessed apart from
the legal review list (art. 38) on the article's five grounds, and the stage flow that lets a case needing the
discussion but no review reach it (recorded where the decision is taken, once the party has been heard)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from case_builders import db_snapshot, new_case
from sqlalchemy import select

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.procedure.cases import Proposal, get_case, set_major_flags, set_proposal, update_case
from enforcement_desk.procedure.review import ReviewCheck, all_passed, record_review
from enforcement_desk.procedure.steps import advance, mark_discussion_grounds, record_discussion
from enforcement_desk.store.models import AuditEvent

RULE = "《卫生健康行政处罚程序规定》第四十条"
HEARD = date(2026, 11, 10)  # notice served 11-02: defence (3) and hearing request (5 working days) over


def noticed_case(office, fine: str, *, mitigated: bool = False) -> int:
    """A natural person's case proposing a fine of `fine` yuan, the prior notice served on 11-02."""
    ctx = office.ctx
    case = new_case(office)
    advance(ctx, office.head, case.id, "file")
    update_case(ctx, office.officer, case.id, get_case(ctx, office.officer, case.id).version,
                facts="当事人未取得医疗机构执业许可证开展诊疗活动")  # fmt: skip
    advance(ctx, office.officer, case.id, "close_investigation")
    proposal = Proposal(Outcome.PENALTY, ("罚款",), Decimal(fine), mitigated=mitigated, level="减轻" if mitigated else "一般",
                        reason="执业时间短", violated_provision="《医疗机构管理条例》第十四条",
                        legal_basis="《医疗机构管理条例》第四十四条")  # fmt: skip
    set_proposal(ctx, office.officer, case.id, get_case(ctx, office.officer, case.id).version, proposal)
    advance(ctx, office.officer, case.id, "deliberate")
    advance(ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-02"})
    return case.id


def discuss(office, actor, case_id: int):
    return record_discussion(office.ctx, actor, case_id, held_on=office.ctx.today(), participants=["陈军", "刘洋"],
                             opinions=[{"name": "陈军", "opinion": "同意"}], conclusion="同意按拟处罚意见作出决定")  # fmt: skip


def test_a_large_fine_needing_no_review_is_discussed_where_it_is_decided(office):
    case_id = noticed_case(office, "6000")  # 较大数额 for a person is 5,000; the review list starts above 10,000
    office.at(date(2026, 11, 4))
    before = db_snapshot(office, case_id)
    with pytest.raises(DomainError, match="陈述申辩期至"):  # the party is heard first
        discuss(office, office.head, case_id)
    assert db_snapshot(office, case_id) == before
    office.at(HEARD)
    detail = get_case(office.ctx, office.head, case_id)
    assert not detail.major.is_major and detail.stage is Stage.PRIOR_NOTICE
    assert detail.discussion.grounds == ("第（一）项：拟对自然人罚款 6000.00 元，达到较大数额 5000 元",)
    with pytest.raises(DomainError, match="应当由负责人集体讨论决定") as refused:
        advance(office.ctx, office.head, case_id, "decide")
    assert refused.value.rule == RULE
    with pytest.raises(PermissionDenied):
        discuss(office, office.officer, case_id)
    assert discuss(office, office.head, case_id).discussion_recorded
    assert advance(office.ctx, office.head2, case_id, "decide").stage is Stage.DECIDED


def test_a_small_fine_is_discussed_only_when_marked_and_the_heads_referral_is_theirs(office):
    case_id = noticed_case(office, "3000")
    office.at(HEARD)
    assert not get_case(office.ctx, office.officer, case_id).discussion.needed
    with pytest.raises(DomainError, match="不属于应当由负责人集体讨论决定") as refused:
        discuss(office, office.head, case_id)
    assert refused.value.rule == RULE
    with pytest.raises(DomainError, match="由负责人提交或撤回") as refused:
        mark_discussion_grounds(office.ctx, office.officer, case_id, grounds={"head_referral"}, note="请负责人讨论")
    assert "第（五）项" in refused.value.rule
    with pytest.raises(DomainError, match="标记的理由"):
        mark_discussion_grounds(office.ctx, office.officer, case_id, grounds={"social_impact"}, note=" ")
    with pytest.raises(DomainError, match="只有本案承办人或负责人"):
        mark_discussion_grounds(office.ctx, office.officer3, case_id, grounds={"social_impact"}, note="媒体报道")
    detail = mark_discussion_grounds(office.ctx, office.officer, case_id, grounds={"social_impact"}, note="媒体报道")
    assert detail.discussion.grounds == ("第（三）项：有重大社会影响",) and not detail.major.is_major
    with pytest.raises(DomainError, match="集体讨论"):
        advance(office.ctx, office.head, case_id, "decide")
    detail = mark_discussion_grounds(office.ctx, office.head, case_id, grounds={"head_referral"}, note="案情敏感")
    assert detail.discussion.grounds == ("第（五）项：负责人认为应当提交集体讨论",)
    # The officer may change the grounds that are the handlers' to judge, but not withdraw the head's referral.
    mark_discussion_grounds(office.ctx, office.officer, case_id, grounds={"head_referral", "major_safety"}, note="补充")
    with pytest.raises(DomainError, match="由负责人提交或撤回"):
        mark_discussion_grounds(office.ctx, office.officer, case_id, grounds=set(), note="撤回")
    # A change of the review flags keeps the discussion's grounds.
    set_major_flags(office.ctx, office.head, case_id, {"complex"}, note="疑难复杂")
    detail = get_case(office.ctx, office.officer, case_id)
    assert set(detail.flags) == {"complex", "head_referral", "major_safety"} and detail.major.is_major
    with office.ctx.db.read() as session:
        events = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)).all()
    assert events.count("discussion_grounds_set") == 3
    with pytest.raises(DomainError, match="未知的集体讨论事由"):
        mark_discussion_grounds(office.ctx, office.head, case_id, grounds={"complex"}, note="x")


def test_a_review_that_returned_the_case_sends_it_to_discussion(office):
    problem = [ReviewCheck(c.item, c.item != "裁量", "减轻理由不足" if c.item == "裁量" else "") for c in all_passed()]
    returned = noticed_case(office, "3000", mitigated=True)  # major for review (减轻), no ground of art. 40
    approved = noticed_case(office, "3000", mitigated=True)
    office.at(HEARD)
    for case_id in (returned, approved):
        assert get_case(office.ctx, office.officer, case_id).major.is_major
        advance(office.ctx, office.officer, case_id, "submit_review")
    record_review(office.ctx, office.reviewer, returned, "returned", problem, "请补充减轻处罚的理由")
    advance(office.ctx, office.officer, returned, "submit_review", {"note": "已补充"})
    for case_id in (returned, approved):
        assert record_review(office.ctx, office.reviewer, case_id, "approved", all_passed(), "同意").stage is (
            Stage.COLLECTIVE_DISCUSSION
        )
    # Approved at once, the case needs no discussion: the head decides from the discussion stage.
    assert not get_case(office.ctx, office.head, approved).discussion.needed
    assert advance(office.ctx, office.head, approved, "decide").stage is Stage.DECIDED
    # Returned once: 调查处理意见与审核意见存在分歧 (art. 40(四)).
    detail = get_case(office.ctx, office.head, returned)
    assert detail.discussion.grounds == ("第（四）项：调查处理意见与审核意见存在分歧（法制审核第1轮退回修改）",)
    with pytest.raises(DomainError, match="第（四）项") as refused:
        advance(office.ctx, office.head, returned, "decide")
    assert refused.value.rule == RULE
    discuss(office, office.head, returned)
    assert advance(office.ctx, office.head2, returned, "decide").stage is Stage.DECIDED


def test_a_discussion_needs_two_of_the_agencys_heads_among_those_taking_part(office):
    # Art. 40 is the heads' discussion: the reviewer and a handler attending do not make up for a second head.
    case_id = noticed_case(office, "6000")
    office.at(HEARD)
    before = db_snapshot(office, case_id)
    with pytest.raises(DomainError, match="两名以上本机关负责人") as refused:
        record_discussion(office.ctx, office.head, case_id, held_on=HEARD, participants=["陈军", "周敏", "王强"],
                          opinions=[], conclusion="同意")  # fmt: skip
    assert refused.value.rule == RULE and "其中负责人 1 人" in str(refused.value)
    assert db_snapshot(office, case_id) == before
    assert discuss(office, office.head, case_id).stage is Stage.PRIOR_NOTICE
