"""Legal review and collective discussion (art. 57, 58): who may do what, checked in the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, db_snapshot, new_case

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.users import UserDraft, add_user
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.review import (
    ReviewCheck,
    all_passed,
    record_review,
    review_history,
    review_queue,
)
from enforcement_desk.procedure.steps import advance, record_discussion

DEFENCE_OVER = date(2026, 11, 9)


def major_case_waiting_for_review(office):
    """A 50,000-yuan fine on a natural person (major by the default list), past its defence period."""
    ctx = office.ctx
    case = new_case(office)
    advance(ctx, office.head, case.id, "file")
    version = get_case(ctx, office.officer, case.id).version
    update_case(ctx, office.officer, case.id, version, facts="当事人未取得医疗机构执业许可证开展诊疗活动，违法所得3000元。")
    advance(ctx, office.officer, case.id, "close_investigation")
    proposal = Proposal(
        Outcome.PENALTY, ("没收违法所得", "罚款"), Decimal("50000"), Decimal("3000"), level="一般", **LEGAL_BASIS
    )
    set_proposal(ctx, office.officer, case.id, get_case(ctx, office.officer, case.id).version, proposal)
    advance(ctx, office.officer, case.id, "deliberate")
    advance(ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-02"})
    ctx.today_override = DEFENCE_OVER + timedelta(days=1)
    return case.id


def everyone(office, *, handlers=True):
    actors = {
        "其他执法人员": office.officer3,
        "法制审核人员": office.reviewer,
        "负责人（批准立案）": office.head,
        "另一负责人": office.head2,
        "管理员": office.admin,
    }
    if handlers:
        actors |= {"承办人王强": office.officer, "承办人李娜": office.officer2}
    return actors


def assert_refused_for(office, case_id, actors, attempt):
    for label, actor in actors.items():
        before = db_snapshot(office, case_id)
        with pytest.raises(DomainError):
            attempt(actor)
        assert db_snapshot(office, case_id) == before, f"{label} 的失败操作改变了案件"


def test_every_step_of_the_review_flow_is_open_only_to_its_role(office):
    ctx = office.ctx
    case_id = major_case_waiting_for_review(office)
    handlers = {office.officer.user_id, office.officer2.user_id}
    problem = [
        ReviewCheck(c.item, c.item != "证据", "缺少收费票据" if c.item == "证据" else "")
        for c in all_passed()
    ]

    def submit(actor):
        return advance(ctx, actor, case_id, "submit_review")

    def give(outcome, checks):
        return lambda actor: record_review(ctx, actor, case_id, outcome, checks, "意见")

    others = {k: a for k, a in everyone(office).items() if a.user_id not in handlers}
    assert_refused_for(office, case_id, others, submit)
    assert submit(office.officer).stage is Stage.LEGAL_REVIEW

    not_reviewers = {k: a for k, a in everyone(office).items() if a.role is not Role.REVIEWER}
    assert_refused_for(office, case_id, not_reviewers, give("returned", problem))
    assert_refused_for(office, case_id, not_reviewers, give("approved", all_passed()))
    assert give("returned", problem)(office.reviewer).stage is Stage.PRIOR_NOTICE

    assert submit(office.officer2).stage is Stage.LEGAL_REVIEW
    assert_refused_for(office, case_id, not_reviewers, give("rejected", problem))
    assert_refused_for(office, case_id, not_reviewers, give("approved", all_passed()))
    assert give("approved", all_passed())(office.reviewer).stage is Stage.COLLECTIVE_DISCUSSION

    def decide(actor):
        return advance(ctx, actor, case_id, "decide")

    # the gate: no decision on a major case before the collective discussion is recorded
    assert_refused_for(office, case_id, everyone(office), decide)

    def discuss(actor):
        return record_discussion(
            ctx, actor, case_id, held_on=ctx.today(), participants=["陈军", "刘洋", "周敏"],
            opinions=[{"name": "陈军", "opinion": "同意"}], conclusion="同意作出处罚决定",
        )  # fmt: skip

    not_heads = {k: a for k, a in everyone(office).items() if a.role is not Role.HEAD}
    assert_refused_for(office, case_id, not_heads, discuss)
    discuss(office.head)

    not_deciders = {k: a for k, a in everyone(office).items() if a.role is not Role.HEAD}
    assert_refused_for(office, case_id, not_deciders, decide)
    decided = decide(office.head2)
    assert decided.stage is Stage.DECIDED and decided.decision_no

    rounds = review_history(ctx, office.officer, case_id)
    assert [(r.round, r.outcome) for r in rounds] == [(1, "returned"), (2, "approved")]
    assert rounds[0].checks[2] == {"item": "证据", "result": "有问题", "comment": "缺少收费票据"}


def test_the_review_package_is_assembled_at_submission(office):
    case_id = major_case_waiting_for_review(office)
    advance(office.ctx, office.officer, case_id, "submit_review")
    (pending,) = review_queue(office.ctx, office.reviewer)
    package = pending.package
    assert package["facts"] == get_case(office.ctx, office.officer, case_id).facts
    assert package["draft_decision"]["fine_in_capitals"] == "人民币伍万元整"
    assert any("罚款" in reason for reason in package["major_reasons"])
    checklist = {c["item"]: c["ok"] for c in package["procedure"]}
    assert checklist["已送达行政处罚事先告知书"] is True
    assert checklist["陈述申辩期已届满或当事人书面放弃"] is True
    assert pending.due_on is not None and pending.due_on > office.ctx.today()


def test_approval_needs_all_seven_checks_passed_and_a_return_needs_a_named_problem(office):
    case_id = major_case_waiting_for_review(office)
    advance(office.ctx, office.officer, case_id, "submit_review")
    six = all_passed()[:-1]
    with pytest.raises(DomainError, match="尚缺：裁量"):
        record_review(office.ctx, office.reviewer, case_id, "approved", six, "同意")
    failing = [ReviewCheck(c.item, c.item != "裁量", "") for c in all_passed()]
    with pytest.raises(DomainError, match="“裁量”未通过"):
        record_review(office.ctx, office.reviewer, case_id, "approved", failing, "同意")
    with pytest.raises(DomainError, match="写明审核事项“裁量”存在的问题"):
        record_review(office.ctx, office.reviewer, case_id, "returned", failing, "请修改")
    with pytest.raises(DomainError, match="至少指出一个"):
        record_review(office.ctx, office.reviewer, case_id, "returned", all_passed(), "请修改")


def test_a_reviewer_without_the_legal_qualification_may_not_review(office):
    add_user(
        office.ctx,
        office.admin,
        UserDraft(
            "newreviewer", "新审核员", Role.REVIEWER, "test-pass-123", None, None, legal_qualified=False
        ),
    )
    newcomer = login(office.ctx, "newreviewer", "test-pass-123")
    case_id = major_case_waiting_for_review(office)
    advance(office.ctx, office.officer, case_id, "submit_review")
    with pytest.raises(DomainError, match="法律职业资格"):
        record_review(office.ctx, newcomer, case_id, "approved", all_passed(), "同意")


def test_the_queue_leaves_out_cases_the_reviewer_cannot_take(office):
    case_id = major_case_waiting_for_review(office)
    assert review_queue(office.ctx, office.reviewer) == []
    advance(office.ctx, office.officer, case_id, "submit_review")
    assert [r.case_id for r in review_queue(office.ctx, office.reviewer)] == [case_id]
    with pytest.raises(DomainError):
        review_queue(office.ctx, office.officer)


def test_facts_and_proposal_submitted_for_review_cannot_be_changed_until_a_return(office):
    ctx = office.ctx
    case_id = major_case_waiting_for_review(office)
    advance(ctx, office.officer, case_id, "submit_review")
    before = db_snapshot(office, case_id)
    version = get_case(ctx, office.officer, case_id).version
    with pytest.raises(DomainError, match="案情信息以送审时为准"):
        update_case(ctx, office.officer, case_id, version, facts="改过的事实。")
    assert db_snapshot(office, case_id) == before
    failing = [ReviewCheck(c.item, c.item != "裁量", "罚款幅度说理不足" if c.item == "裁量" else "") for c in all_passed()]
    record_review(ctx, office.reviewer, case_id, "returned", failing, "请修改")
    version = get_case(ctx, office.officer, case_id).version
    assert update_case(ctx, office.officer, case_id, version, facts="补充后的事实。").facts == "补充后的事实。"
