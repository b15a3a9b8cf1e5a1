"""The procedure table's guards, checked on pure states (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.procedure.major import MajorAssessment, ProposedPenalty
from enforcement_desk.core.procedure.workflow import (
    ACTIONS,
    ActorInfo,
    CaseState,
    HandlerInfo,
    available_actions,
    check,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Outcome, Stage

TODAY = date(2026, 11, 20)
WANG = HandlerInfo(1, "王强", "3713001", date(2028, 1, 1))
LI = HandlerInfo(2, "李娜", "3713002", date(2028, 1, 1))
OFFICER = ActorInfo(1, "王强", Role.OFFICER)
HEAD = ActorInfo(5, "陈军", Role.HEAD)
REVIEWER = ActorInfo(6, "周敏", Role.REVIEWER, legal_qualified=True)
PENALTY = ProposedPenalty("person", Decimal("50000"), kinds=("罚款",))


def state(**changes) -> CaseState:
    base = dict(stage=Stage.ACCEPTED, today=TODAY, handlers=(WANG, LI), discovered_on=date(2026, 11, 1))
    base.update(changes)
    return CaseState(**base)


def test_filing_needs_two_handlers_with_enforcement_certificates():
    with pytest.raises(DomainError, match="不得少于两人"):
        check("file", state(handlers=(WANG,)), HEAD)
    expired = HandlerInfo(2, "李娜", "3713002", date(2026, 1, 1))
    with pytest.raises(DomainError, match="已过有效期"):
        check("file", state(handlers=(WANG, expired)), HEAD)
    no_cert = HandlerInfo(2, "李娜", None, None)
    with pytest.raises(DomainError, match="未登记执法证号"):
        check("file", state(handlers=(WANG, no_cert)), HEAD)
    assert check("file", state(), HEAD).to_stage is Stage.INVESTIGATING


def test_filing_is_approved_by_the_head_who_is_not_a_handler():
    with pytest.raises(PermissionDenied, match="须由负责人办理"):
        check("file", state(), OFFICER)
    head_as_handler = ActorInfo(1, "王强", Role.HEAD)
    with pytest.raises(PermissionDenied, match="承办人不得"):
        check("file", state(), head_as_handler)


def test_filing_is_refused_after_the_two_year_limit_of_article_36():
    old = state(act_date=date(2024, 10, 1), discovered_on=date(2026, 11, 1))
    with pytest.raises(DomainError, match="第三十六条"):
        check("file", old, HEAD)
    life_health = state(act_date=date(2024, 10, 1), discovered_on=date(2026, 11, 1), life_health_harm=True)
    check("file", life_health, HEAD)


def test_no_decision_before_the_prior_notice_and_the_end_of_the_defence_period():
    deliberated = state(stage=Stage.DELIBERATED, proposed_outcome=Outcome.PENALTY, proposed=PENALTY)
    with pytest.raises(DomainError, match="须先事先告知"):
        check("decide", deliberated, HEAD)
    noticed = state(
        stage=Stage.PRIOR_NOTICE,
        proposed_outcome=Outcome.PENALTY,
        proposed=PENALTY,
        prior_notice_served_on=date(2026, 11, 18),
        defence_deadline=date(2026, 11, 23),
    )
    with pytest.raises(DomainError, match="陈述申辩期至 2026-11-23"):
        check("decide", noticed, HEAD)
    waived = state(**{**noticed.__dict__, "defence_waived": True})
    check("decide", waived, HEAD)


def test_a_major_decision_needs_a_passed_review_and_a_collective_discussion():
    major = MajorAssessment(True, ("对自然人罚款超过标准",))
    base = dict(
        stage=Stage.PRIOR_NOTICE,
        proposed_outcome=Outcome.PENALTY,
        proposed=PENALTY,
        prior_notice_served_on=date(2026, 11, 1),
        defence_deadline=date(2026, 11, 4),
        major=major,
    )
    with pytest.raises(DomainError, match="第五十八条"):
        check("decide", state(**base), HEAD)
    with pytest.raises(DomainError, match="集体讨论"):
        check("decide", state(**base, review_passed=True), HEAD)
    check("decide", state(**base, review_passed=True, discussion_recorded=True), HEAD)


def test_hearing_must_be_requested_within_five_working_days_and_held_before_deciding():
    noticed = dict(
        stage=Stage.PRIOR_NOTICE,
        proposed_outcome=Outcome.PENALTY,
        proposed=PENALTY,
        hearing_right=True,
        hearing_request_deadline=date(2026, 11, 18),
    )
    with pytest.raises(DomainError, match="五个工作日内"):
        check("request_hearing", state(**noticed), OFFICER, {"requested_on": date(2026, 11, 19)})
    check("request_hearing", state(**noticed), OFFICER, {"requested_on": date(2026, 11, 18)})
    requested = state(
        **{**noticed, "stage": Stage.HEARING},
        prior_notice_served_on=date(2026, 11, 11),
        defence_deadline=date(2026, 11, 16),
        hearing_requested_on=date(2026, 11, 13),
    )
    with pytest.raises(DomainError, match="听证结束前"):
        check("decide", requested, HEAD)


def test_the_decision_limit_of_ninety_days_is_enforced():
    late = state(
        stage=Stage.DELIBERATED, proposed_outcome=Outcome.NO_PENALTY, decision_deadline=date(2026, 11, 19)
    )
    with pytest.raises(DomainError, match="九十日"):
        check("decide", late, HEAD)


def test_reviewer_needs_the_legal_qualification_and_may_not_review_own_case():
    in_review = state(stage=Stage.LEGAL_REVIEW)
    with pytest.raises(DomainError, match="法律职业资格"):
        check("approve_review", in_review, ActorInfo(6, "周敏", Role.REVIEWER, legal_qualified=False))
    reviewer_as_handler = ActorInfo(2, "李娜", Role.REVIEWER, legal_qualified=True)
    with pytest.raises(PermissionDenied, match="承办人不得"):
        check("approve_review", in_review, reviewer_as_handler)
    assert check("approve_review", in_review, REVIEWER).to_stage is Stage.COLLECTIVE_DISCUSSION


def test_closing_needs_the_fine_paid_or_enforcement_applied():
    served = state(stage=Stage.SERVED, fine_outstanding=Decimal("3000"))
    with pytest.raises(DomainError, match="未缴纳"):
        check("close", served, HEAD)
    check(
        "close", state(stage=Stage.SERVED, fine_outstanding=Decimal("3000"), enforcement_applied=True), HEAD
    )


def test_available_actions_explain_why_a_disabled_action_is_disabled():
    listed = {a.action.key: a for a in available_actions(state(handlers=(WANG,)), HEAD)}
    assert set(listed) == {"file", "not_file", "transfer_agency"}
    assert not listed["file"].allowed and "不得少于两人" in listed["file"].reasons[0]
    assert listed["not_file"].allowed


def test_every_action_names_existing_stages_and_roles():
    for action in ACTIONS.values():
        assert action.from_stages and action.roles
        assert action.label
