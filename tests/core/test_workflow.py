"""The procedure table's guards, checked on pure states (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.procedure.major import (
    DiscussionAssessment,
    MajorAssessment,
    ProposedPenalty,
    assess_discussion,
    assess_major,
)
from enforcement_desk.core.procedure.workflow import (
    ACTIONS,
    ActorInfo,
    CaseState,
    HandlerInfo,
    available_actions,
    check,
    discussion_refusal,
)
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import Outcome, Stage

TODAY = date(2026, 11, 20)
WANG = HandlerInfo(1, "王强", "3713001", date(2028, 1, 1))
LI = HandlerInfo(2, "李娜", "3713002", date(2028, 1, 1))
OFFICER = ActorInfo(1, "王强", Role.OFFICER, cert_no="3713001", cert_valid_until=date(2028, 1, 1))
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
    with pytest.raises(DomainError, match="承办人李娜的执法证（编号 3713002）已于 2026-01-01 到期"):
        check("file", state(handlers=(WANG, expired)), HEAD)
    no_cert = HandlerInfo(2, "李娜", None, None)
    with pytest.raises(DomainError, match="承办人李娜未登记执法证"):
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


HEARD = dict(
    stage=Stage.PRIOR_NOTICE,
    proposed_outcome=Outcome.PENALTY,
    proposed=PENALTY,
    prior_notice_served_on=date(2026, 11, 1),
    defence_deadline=date(2026, 11, 4),
)
DISCUSS = DiscussionAssessment(True, ("第（一）项：拟对自然人罚款 50000 元，达到较大数额 5000 元",))


def test_a_major_decision_needs_a_passed_review_and_the_cases_of_article_40_a_collective_discussion():
    major = MajorAssessment(True, ("对自然人罚款超过标准",))
    with pytest.raises(DomainError, match="第五十八条") as refused:
        check("decide", state(**HEARD, major=major), HEAD)
    assert refused.value.rule == "《卫生健康行政处罚程序规定》第三十八条；《行政处罚法》第五十八条"
    # Major for review (a mitigated penalty, say) is not by itself a case for collective discussion.
    check("decide", state(**HEARD, major=major, review_passed=True), HEAD)
    with pytest.raises(DomainError, match="集体讨论") as refused:
        check("decide", state(**HEARD, major=major, review_passed=True, discussion=DISCUSS), HEAD)
    assert refused.value.rule == "《卫生健康行政处罚程序规定》第四十条" and "第（一）项" in str(refused.value)
    check("decide", state(**HEARD, major=major, review_passed=True, discussion=DISCUSS, discussion_recorded=True), HEAD)
    # A case needing the discussion but no review is decided once the discussion is on record.
    with pytest.raises(DomainError, match="集体讨论"):
        check("decide", state(**HEARD, discussion=DISCUSS), HEAD)
    check("decide", state(**HEARD, discussion=DISCUSS, discussion_recorded=True), HEAD)


def test_where_the_collective_discussion_may_be_recorded():
    assert discussion_refusal(state(stage=Stage.COLLECTIVE_DISCUSSION)) is None  # after a passed review
    assert discussion_refusal(state(**HEARD, discussion=DISCUSS)) is None  # art. 40 without review
    not_needed = discussion_refusal(state(**HEARD))
    assert "不属于应当由负责人集体讨论决定" in not_needed and not_needed.rule == "《卫生健康行政处罚程序规定》第四十条"
    major = MajorAssessment(True, ("经过听证程序",))
    assert "须先经法制审核" in discussion_refusal(state(**HEARD, discussion=DISCUSS, major=major))
    unheard = state(**{**HEARD, "defence_deadline": date(2026, 11, 20)}, discussion=DISCUSS)
    assert "陈述申辩期至 2026-11-20" in discussion_refusal(unheard)
    awaiting = state(**{**HEARD, "stage": Stage.HEARING}, discussion=DISCUSS, hearing_requested_on=date(2026, 11, 2))
    assert "听证结束前" in discussion_refusal(awaiting)
    assert "不能登记集体讨论" in discussion_refusal(state(stage=Stage.INVESTIGATING, discussion=DISCUSS))


SETTINGS = AgencySettings()  # 较大数额: 5,000 for a person, 50,000 for an organisation


@pytest.mark.parametrize(
    ("penalty", "kwargs", "grounds"),
    [
        (ProposedPenalty("person", Decimal("4999"), kinds=("罚款",)), {}, ()),
        (ProposedPenalty("person", Decimal("5000"), kinds=("罚款",)), {}, ("第（一）项",)),
        (ProposedPenalty("organisation", Decimal("49999"), kinds=("罚款",)), {}, ()),
        (ProposedPenalty("organisation", Decimal(0), Decimal("60000"), kinds=("没收违法所得",)), {}, ("第（一）项",)),
        (ProposedPenalty("organisation", kinds=("责令停产停业", "吊销许可证件")), {}, ("第（二）项", "第（二）项")),
        (ProposedPenalty("organisation", kinds=("暂扣许可证件",), mitigated=True), {}, ()),  # review, not discussion
        (ProposedPenalty("person", Decimal("100")), {"flags": frozenset({"social_impact", "public_interest"})},
         ("第（三）项",)),
        (ProposedPenalty("person", Decimal("100")), {"review_disagreements": ("法制审核第1轮退回修改",)}, ("第（四）项",)),
        (ProposedPenalty("person", Decimal("100")), {"flags": frozenset({"head_referral"})}, ("第（五）项",)),
    ],
)
def test_the_five_grounds_of_article_40(penalty, kwargs, grounds):
    assessed = assess_discussion(penalty, SETTINGS, **kwargs)
    assert assessed.needed is bool(grounds)
    assert tuple(g.split("：")[0] for g in assessed.grounds) == grounds


def test_discussion_flags_are_not_review_grounds():
    penalty = ProposedPenalty("person", Decimal("100"))
    assert not assess_major(penalty, SETTINGS, flags=frozenset({"major_safety", "head_referral"})).is_major
    assert assess_major(penalty, SETTINGS, flags=frozenset({"public_interest"})).is_major


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
    with pytest.raises(DomainError, match="九十日") as refused:
        check("decide", late, HEAD)
    assert refused.value.rule == "《卫生健康行政处罚程序规定》第四十二条；《行政处罚法》第六十条"
    with pytest.raises(DomainError, match="九十日"):
        check("decide", late, HEAD, {"late_reason": " "})
    # Past the period the head decides only with the reason for the delay; availability assumes it written.
    check("decide", late, HEAD, {"late_reason": "鉴定意见逾期送达"})
    listed = {a.action.key: a for a in available_actions(late, HEAD)}
    assert listed["decide"].allowed
    # While a period not counted runs (art. 42(3)) the period stands still, and no decision is taken.
    paused = state(**{**late.__dict__, "decision_paused": "检验，自 2026-11-10 起"})
    with pytest.raises(DomainError, match="尚未结束") as refused:
        check("decide", paused, HEAD)
    assert refused.value.rule == "《卫生健康行政处罚程序规定》第四十二条第三款"


def test_reviewer_needs_the_legal_qualification_and_may_not_review_own_case():
    in_review = state(stage=Stage.LEGAL_REVIEW)
    with pytest.raises(DomainError, match="法律职业资格"):
        check("approve_review", in_review, ActorInfo(6, "周敏", Role.REVIEWER, legal_qualified=False))
    reviewer_as_handler = ActorInfo(2, "李娜", Role.REVIEWER, legal_qualified=True)
    with pytest.raises(PermissionDenied, match="承办人不得"):
        check("approve_review", in_review, reviewer_as_handler)
    assert check("approve_review", in_review, REVIEWER).to_stage is Stage.COLLECTIVE_DISCUSSION


def test_closing_needs_every_sum_ended_and_an_application_to_the_court_alone_is_not_enough():
    from enforcement_desk.core.procedure.execution import ExecutionRecord, Instalment, balance, open_sums

    owed = balance(Decimal("3000"), Decimal(0), [Instalment(date(2026, 11, 25), Decimal("3000"))], [], date(2026, 12, 5))
    unpaid = open_sums(owed, ExecutionRecord())
    assert unpaid == ("罚款 3,000.00 元", "加处罚款 900.00 元")  # ten days late
    applied = state(stage=Stage.EXECUTING, fine_outstanding=Decimal("3000"), enforcement_applied=True,
                    execution_open=unpaid)  # fmt: skip
    with pytest.raises(DomainError, match="仅申请人民法院强制执行不能结案") as refused:
        check("close", applied, HEAD)
    assert "罚款 3,000.00 元、加处罚款 900.00 元" in str(refused.value) and refused.value.rule
    ruled = open_sums(owed, ExecutionRecord(court_ended_by="人民法院裁定不予执行（（2026）鲁1323行审13号）"))
    revoked = open_sums(owed, ExecutionRecord(annulled_by="行政复议撤销（沂政复决〔2026〕12号）"))
    assert ruled == revoked == ()
    check("close", state(stage=Stage.EXECUTING, execution_open=ruled), HEAD)


def test_available_actions_explain_why_a_disabled_action_is_disabled():
    listed = {a.action.key: a for a in available_actions(state(handlers=(WANG,)), HEAD)}
    assert set(listed) == {"file", "not_file", "transfer_agency"}
    assert not listed["file"].allowed and "不得少于两人" in listed["file"].reasons[0]
    assert listed["not_file"].allowed


def test_every_action_names_existing_stages_and_roles():
    for action in ACTIONS.values():
        assert action.from_stages and action.roles
        assert action.label
