"""Hearings and the case's periods (issue #18): a hearing terminated because the party gave it up (卫生健康行政处罚
程序规定 art. 50(2); 行政处罚法 art. 64(六)), the party's agents (art. 64(五)), the decision period's extensions
(art. 42(2)), the time not counted in it (art. 42(3)), a decision made after it with its written reason, the
证据先行登记保存's seven working days (art. 33) and the head's extension of the filing period (art. 32)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, db_snapshot, new_case
from conftest import with_owner_rights
from services.test_step_records import _fields
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from enforcement_desk.admin.audit_check import rows_against_events, verify_all
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.documents.service import issue_document, void_document
from enforcement_desk.evidence.service import add_evidence
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.deadlines import due_deadlines
from enforcement_desk.procedure.steps import (
    ExtensionDiscussion,
    HearingMinutes,
    advance,
    arrange_hearing,
    end_decision_pause,
    extend_decision_deadline,
    extend_filing_deadline,
    extension_terms,
    record_decision_pause,
    record_discussion,
    record_hearing,
)
from enforcement_desk.store.models import AuditEvent, Deadline, DecisionExtension
from enforcement_desk.store.models_steps import DecisionPause, FilingExtension, HearingRecord

TERMINATION = "《卫生健康行政处罚程序规定》第五十条第二款；《行政处罚法》第六十四条第（六）项"


def org_case_at_hearing(office, *, fine: str = "60000"):
    """An organisation's case proposing 60,000 元: the hearing right (50,000) but under the major-decision
    list's 100,000, so only a hearing held would make it major. Notice served 11-06: hearing from 11-17."""
    case = new_case(office, party_id=office.org_party_id)
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    update_case(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                facts="未取得公共场所卫生许可证擅自营业")  # fmt: skip
    advance(office.ctx, office.officer, case.id, "close_investigation")
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("罚款",), Decimal(fine), level="一般", reason="营业三个月", **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    office.at(date(2026, 11, 4))
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-04"})
    office.at(date(2026, 11, 6))
    advance(office.ctx, office.officer, case.id, "request_hearing", {"requested_on": "2026-11-06"})
    return arrange_hearing(office.ctx, office.officer, case.id, scheduled_at=datetime(2026, 11, 17, 9, 30),
                           place="听证室", host="刘洋", served_on=date(2026, 11, 6))  # fmt: skip


def minutes(office, **changes) -> HearingMinutes:
    values = dict(held_on=office.ctx.today(), host="刘洋", record="当事人的委托代理人未经主持人许可离开听证会场",
                  party_signature="未到场")  # fmt: skip
    values.update(changes)
    return HearingMinutes(**values)


def hearing_rows(office, case_id: int) -> int:
    with office.ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(HearingRecord).where(HearingRecord.case_id == case_id))


# ---- 终止听证 (art. 64(六)) -------------------------------------------------------------------------


def test_a_terminated_hearing_is_not_a_hearing_held_and_the_case_goes_on_to_the_decision(office):
    case = org_case_at_hearing(office)
    office.at(date(2026, 11, 17))
    detail = record_hearing(office.ctx, office.officer, case.id,
                            minutes(office, terminated="中途退出", agents=("王律师",), party_signature="拒绝签名"))  # fmt: skip
    assert detail.hearing_terminated_on == date(2026, 11, 17) and detail.hearing_held_on is None
    assert not detail.major.is_major  # not 经过听证程序 (art. 58(二)); 60,000 is under the list's 100,000
    with office.ctx.db.read() as session:
        row = session.scalars(select(HearingRecord).where(HearingRecord.case_id == case.id)).one()
        assert (row.outcome, row.termination_reason, row.agents) == ("terminated", "未经许可中途退出", ["王律师"])
        assert rows_against_events(session) == []
    fields = _fields(office, case.id)
    assert "终止听证" in fields["hearing_outcome"] and "未经许可中途退出" in fields["hearing_outcome"]
    assert "第六十四条第（六）项" in fields["hearing_outcome"] and fields["hearing_agents"] == "王律师"
    assert "视为放弃听证权利" in fields["defence_result"] and "2026年11月17日" in fields["defence_result"]
    # The case proceeds to the decision without legal review: nothing else makes it major. A fine of 60,000 is
    # a large amount (较大数额 50,000), so the heads decide it by collective discussion (卫生健康行政处罚程序规定
    # art. 40(一)), recorded at the hearing stage.
    with pytest.raises(DomainError, match="集体讨论"):
        advance(office.ctx, office.head, case.id, "decide")
    record_discussion(office.ctx, office.head, case.id, held_on=date(2026, 11, 17), participants=["陈军", "刘洋"],
                      opinions=[], conclusion="同意按拟处罚意见作出决定")  # fmt: skip
    decided = advance(office.ctx, office.head, case.id, "decide")
    assert decided.stage is Stage.DECIDED


def test_a_hearing_held_makes_the_same_case_major(office):
    case = org_case_at_hearing(office)
    office.at(date(2026, 11, 17))
    detail = record_hearing(office.ctx, office.officer, case.id,
                            minutes(office, record="当事人对事实无异议", party_signature="已签名", agents=("王律师", "李某")))  # fmt: skip
    assert detail.hearing_held_on == date(2026, 11, 17) and detail.hearing_terminated_on is None
    assert any("经过听证程序" in r for r in detail.major.reasons)
    with pytest.raises(DomainError, match="未经法制审核"):
        advance(office.ctx, office.head, case.id, "decide")
    assert _fields(office, case.id)["hearing_outcome"] == "听证依法举行"


def test_a_correction_from_held_to_terminated_takes_the_hearing_back(office):
    case = org_case_at_hearing(office)
    office.at(date(2026, 11, 17))
    record_hearing(office.ctx, office.officer, case.id, minutes(office, record="笔录", party_signature="已签名"))
    detail = record_hearing(office.ctx, office.officer, case.id, minutes(office, terminated="无正当理由拒不出席"))
    assert detail.hearing_held_on is None and detail.hearing_terminated_on == date(2026, 11, 17)
    assert not detail.major.is_major and hearing_rows(office, case.id) == 2


@pytest.mark.parametrize(
    ("changes", "message", "rule"),
    [
        ({"agents": ("甲", "乙", "丙")}, "委托一至二人代理", "《行政处罚法》第六十四条第（五）项"),
        ({"terminated": "当事人迟到"}, "终止听证的事由应为", TERMINATION),
        ({"record": "当事人未到场", "party_signature": "未到场"}, "应登记为终止听证", TERMINATION),
    ],
)
def test_bad_hearing_records_are_refused_with_the_rule_and_nothing_is_saved(office, changes, message, rule):
    case = org_case_at_hearing(office)
    office.at(date(2026, 11, 17))
    before = db_snapshot(office, case.id)
    with pytest.raises(DomainError, match=message) as refused:
        record_hearing(office.ctx, office.officer, case.id, minutes(office, **changes))
    assert refused.value.rule == rule
    assert db_snapshot(office, case.id) == before and hearing_rows(office, case.id) == 0


def test_a_hearing_cannot_be_terminated_before_the_notice_and_seven_working_days(office):
    case = org_case_at_hearing(office)
    office.at(date(2026, 11, 16))  # notice served 11-06 (Fri): seven working days on is 11-17
    before = db_snapshot(office, case.id)
    with pytest.raises(DomainError, match="2026-11-17 起") as refused:
        record_hearing(office.ctx, office.officer, case.id, minutes(office, terminated="无正当理由拒不出席"))
    assert "第六十四条第（二）项" in refused.value.rule
    with pytest.raises(DomainError, match="早于当事人提出听证申请"):
        record_hearing(office.ctx, office.officer, case.id,
                       minutes(office, held_on=date(2026, 11, 5), terminated="无正当理由拒不出席"))  # fmt: skip
    assert db_snapshot(office, case.id) == before and hearing_rows(office, case.id) == 0


# ---- 决定期限的延长 (卫生健康行政处罚程序规定 art. 42(2)) -----------------------------------------------

EXTENSION_RULE = "《卫生健康行政处罚程序规定》第四十二条第二款"


def filed_case(office, filed_on: date):
    """A case filed on `filed_on`: its 90-day decision period runs from that day."""
    office.at(filed_on)
    case = new_case(office, discovered_on=filed_on, act_date=date(2026, 6, 1))
    return advance(office.ctx, office.head, case.id, "file")


def decision_rows(office, case_id: int) -> list[tuple[str, date]]:
    with office.ctx.db.read() as session:
        return [(r.status, r.due_on) for r in session.scalars(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.key == "decision").order_by(Deadline.id))]  # fmt: skip


def discussion(held_on: date, participants=("陈军", "刘洋", "周敏"), conclusion="案情特别复杂，需补充鉴定，同意再延长三十日"):
    return ExtensionDiscussion(held_on, tuple(participants), conclusion)


def test_the_extended_due_day_moves_off_the_national_day_holiday(office):
    case = filed_case(office, date(2026, 7, 1))
    assert case.decision_deadline == date(2026, 9, 29)
    office.at(date(2026, 9, 20))
    terms = extension_terms(office.ctx, office.head, case.id)
    assert (terms.current_due, terms.max_days, terms.needs_discussion) == (date(2026, 9, 29), 60, False)
    assert "第一次延长" in terms.which_text() and "最多 60 日" in terms.allowed_text()
    assert terms.new_due(3) == date(2026, 10, 8)  # 10-02 falls in the 10-01…10-07 holiday
    detail = extend_decision_deadline(office.ctx, office.head, case.id, days=3, reason="需补充鉴定意见")
    assert detail.decision_deadline == date(2026, 10, 8)
    assert decision_rows(office, case.id) == [("extended", date(2026, 9, 29)), ("open", date(2026, 10, 8))]
    with office.ctx.db.read() as session:
        row = session.scalars(select(DecisionExtension).where(DecisionExtension.case_id == case.id)).one()
        assert (row.previous_due, row.new_due, row.discussion_record) == (date(2026, 9, 29), date(2026, 10, 8), None)
    shown = [d for d in detail.deadlines if d.key == "decision" and d.status == "open"]
    assert shown[0].name == "作出处罚决定期限（经负责人批准延长 3 日）" and EXTENSION_RULE in shown[0].article


def test_an_extension_is_added_to_the_shifted_due_day_and_shifted_again(office):
    case = filed_case(office, date(2026, 7, 3))  # 07-03 + 90 = 10-01, a holiday: the period ends 10-08
    assert case.decision_deadline == date(2026, 10, 8)
    office.at(date(2026, 10, 8))  # the last day itself is still in time
    detail = extend_decision_deadline(office.ctx, office.head, case.id, days=30, reason="案情复杂")
    assert detail.decision_deadline == date(2026, 11, 9)  # 10-08 + 30 = 11-07, a Saturday


def test_no_extension_after_the_period_ended_and_none_beyond_sixty_days(office):
    case = filed_case(office, date(2026, 7, 1))
    office.at(date(2026, 9, 30))
    before = db_snapshot(office, case.id)
    with pytest.raises(DomainError, match="已于 2026-09-29 届满") as refused:
        extend_decision_deadline(office.ctx, office.head, case.id, days=10, reason="补批")
    assert refused.value.rule == EXTENSION_RULE
    office.at(date(2026, 9, 1))
    for days in (61, 0, -5):
        with pytest.raises(DomainError, match="1 到 60 日") as refused:
            extend_decision_deadline(office.ctx, office.head, case.id, days=days, reason="案情复杂")
        assert refused.value.rule == EXTENSION_RULE
    with pytest.raises(DomainError, match="延期的理由"):
        extend_decision_deadline(office.ctx, office.head, case.id, days=10, reason=" ")
    with pytest.raises(PermissionDenied):
        extend_decision_deadline(office.ctx, office.officer, case.id, days=10, reason="案情复杂")
    assert db_snapshot(office, case.id) == before and decision_rows(office, case.id) == [("open", date(2026, 9, 29))]


def test_the_second_extension_is_decided_by_collective_discussion_and_there_is_no_third(office):
    case = filed_case(office, date(2026, 7, 1))
    office.at(date(2026, 9, 1))
    # A first extension needs no discussion: 09-29 + 60 = 11-28, a Saturday.
    assert extend_decision_deadline(office.ctx, office.head, case.id, days=60, reason="案情复杂").decision_deadline == (
        date(2026, 11, 30)
    )
    terms = extension_terms(office.ctx, office.head2, case.id)
    assert terms.needs_discussion and terms.max_days == 30 and "经集体讨论决定" in terms.which_text()
    office.at(date(2026, 9, 3))
    before = db_snapshot(office, case.id)
    with pytest.raises(DomainError, match="须经集体讨论决定") as refused:
        extend_decision_deadline(office.ctx, office.head2, case.id, days=20, reason="仍需鉴定")
    assert refused.value.rule == EXTENSION_RULE
    bad = [
        (dict(days=31, discussion=discussion(date(2026, 9, 2))), "1 到 30 日"),
        (dict(days=30, discussion=discussion(date(2026, 9, 2), ("陈军", "王强"))), "负责人应不少于两人"),
        (dict(days=30, discussion=discussion(date(2026, 9, 4))), "不能晚于今天"),
        (dict(days=30, discussion=discussion(date(2026, 6, 30))), "早于立案日期"),
        (dict(days=30, discussion=discussion(date(2026, 9, 2), conclusion=" ")), "集体讨论的结论"),
    ]
    for given, message in bad:
        with pytest.raises(DomainError, match=message) as refused:
            extend_decision_deadline(office.ctx, office.head2, case.id, reason="仍需鉴定", **given)
        assert refused.value.rule == EXTENSION_RULE, message
    assert db_snapshot(office, case.id) == before
    detail = extend_decision_deadline(office.ctx, office.head2, case.id, days=30, reason="案情特别复杂",
                                      discussion=discussion(date(2026, 9, 2)))  # fmt: skip
    assert detail.decision_deadline == date(2026, 12, 30)  # 11-30 + 30
    with office.ctx.db.read() as session:
        records = session.scalars(select(DecisionExtension.discussion_record).order_by(DecisionExtension.id)).all()
        event = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "decision_extended")
                                .order_by(AuditEvent.seq.desc())).first()  # fmt: skip
    assert records == [None, {"held_on": "2026-09-02", "participants": ["陈军", "刘洋", "周敏"], "heads": ["陈军", "刘洋"],
                              "conclusion": "案情特别复杂，需补充鉴定，同意再延长三十日"}]  # fmt: skip
    payload = json.loads(event)
    assert payload["extension_no"] == 2 and payload["discussion"]["heads"] == ["陈军", "刘洋"]
    # No third extension, whoever asks and however it is discussed.
    assert extension_terms(office.ctx, office.head, case.id).exhausted
    with pytest.raises(DomainError, match="不能再次延长") as refused:
        extend_decision_deadline(office.ctx, office.head, case.id, days=10, reason="再延",
                                 discussion=discussion(date(2026, 9, 3)))  # fmt: skip
    assert refused.value.rule == EXTENSION_RULE


def test_a_case_not_yet_filed_has_no_decision_period_to_extend(office):
    case = new_case(office)
    with pytest.raises(DomainError, match="只有已立案"):
        extend_decision_deadline(office.ctx, office.head, case.id, days=10, reason="案情复杂")


# ---- 不计入办案期限的期间 (art. 42(3)) ---------------------------------------------------------------

PAUSE_RULE = "《卫生健康行政处罚程序规定》第四十二条第三款"


def pause_rows(office, case_id: int) -> list[tuple[str, date, date | None, int | None]]:
    with office.ctx.db.read() as session:
        return [(r.kind, r.started_on, r.ended_on, r.ends_id) for r in session.scalars(
            select(DecisionPause).where(DecisionPause.case_id == case_id).order_by(DecisionPause.id))]  # fmt: skip


def test_time_not_counted_moves_the_decision_period_and_a_running_one_stops_it(office):
    case = filed_case(office, date(2026, 7, 1))  # due 09-29
    office.at(date(2026, 7, 20))
    # 检验 07-10 … 07-19: ten days (both ends included) not counted: 09-29 + 10 = 10-09.
    detail = record_decision_pause(office.ctx, office.officer, case.id, kind="检验", started_on=date(2026, 7, 10),
                                   ended_on=date(2026, 7, 19), note="水样送市疾控中心检验")  # fmt: skip
    assert detail.decision_deadline == date(2026, 10, 9)
    assert [p.text for p in detail.decision_pauses] == ["检验 2026-07-10 至 2026-07-19，10 日不计入办案期限"]
    open_row = [d for d in detail.deadlines if d.key == "decision" and d.status == "open"][0]
    assert open_row.name == "作出处罚决定期限（检验10日不计入）" and PAUSE_RULE in open_row.article
    # A 鉴定 still running from 07-25: the period stands still, listed nowhere as due, and cannot be extended.
    office.at(date(2026, 8, 1))
    detail = record_decision_pause(office.ctx, office.officer2, case.id, kind="鉴定", started_on=date(2026, 7, 25))
    assert decision_rows(office, case.id)[-1] == ("paused", date(2026, 10, 9))
    assert "暂停计算" in detail.decision_pauses[-1].text
    terms = extension_terms(office.ctx, office.head, case.id)
    assert terms.paused_since == date(2026, 7, 25) and "暂停计算" in terms.allowed_text()
    with pytest.raises(DomainError, match="暂停计算") as refused:
        extend_decision_deadline(office.ctx, office.head, case.id, days=10, reason="案情复杂")
    assert refused.value.rule == PAUSE_RULE
    with pytest.raises(DomainError, match="尚有未结束的不计入期间"):
        record_decision_pause(office.ctx, office.officer, case.id, kind="公告", started_on=date(2026, 7, 2),
                              ended_on=date(2026, 7, 3))  # fmt: skip
    office.at(date(2026, 12, 1))  # long after 10-09: the period stood still, nothing is overdue
    assert not [d for d in due_deadlines(office.ctx, office.officer, within_days=400) if d.key == "decision"]
    # Its end on 08-10: 07-25 … 08-10 is 17 days, so 10-09 + 17 = 10-26.
    detail = end_decision_pause(office.ctx, office.officer, case.id, ended_on=date(2026, 8, 10), note="收到鉴定意见书")
    assert detail.decision_deadline == date(2026, 10, 26)
    assert decision_rows(office, case.id)[-2:] == [("resumed", date(2026, 10, 9)), ("open", date(2026, 10, 26))]
    assert [p.days for p in detail.decision_pauses] == [10, 17]
    rows = pause_rows(office, case.id)
    with office.ctx.db.read() as session:
        ids = session.scalars(select(DecisionPause.id).order_by(DecisionPause.id)).all()
        assert rows_against_events(session) == []
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert rows[1] == ("鉴定", date(2026, 7, 25), None, None)
    assert rows[2] == ("鉴定", date(2026, 7, 25), date(2026, 8, 10), ids[1])  # the end names the pause it ends
    assert actions.count("decision_paused") == 2 and actions.count("decision_pause_ended") == 1
    assert verify_all(office.ctx, office.admin).ok
    for statement in ("UPDATE decision_pauses SET days = 0", "DELETE FROM decision_pauses"):  # append-only
        with with_owner_rights(office.ctx.db).engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (dict(kind="检验", started_on=date(2026, 7, 15), ended_on=date(2026, 7, 12)), "早于开始日期"),
        (dict(kind="检验", started_on=date(2026, 7, 18), ended_on=date(2026, 7, 22)), "不能晚于今天"),
        (dict(kind="检验", started_on=date(2026, 7, 21)), "不能晚于今天"),
        (dict(kind="检验", started_on=date(2026, 6, 28), ended_on=date(2026, 7, 2)), "在立案（2026-07-01）之后开始"),
        (dict(kind="调查取证", started_on=date(2026, 7, 5), ended_on=date(2026, 7, 6)), "不计入办案期限的事项应为"),
        (dict(kind="鉴定", started_on=date(2026, 7, 12), ended_on=date(2026, 7, 14)), "重叠"),
        (dict(kind="鉴定", started_on=date(2026, 7, 5), ended_on=date(2026, 7, 10)), "重叠"),
        (dict(kind="鉴定", started_on=date(2026, 7, 2)), "重叠"),  # still running: it reaches to today and beyond
    ],
)
def test_bad_periods_not_counted_are_refused_and_nothing_is_saved(office, given, message):
    case = filed_case(office, date(2026, 7, 1))
    office.at(date(2026, 7, 20))
    record_decision_pause(office.ctx, office.officer, case.id, kind="检验", started_on=date(2026, 7, 10),
                          ended_on=date(2026, 7, 15))  # fmt: skip
    before, pauses = db_snapshot(office, case.id), pause_rows(office, case.id)
    with pytest.raises(DomainError, match=message) as refused:
        record_decision_pause(office.ctx, office.officer, case.id, **given)
    assert refused.value.rule == PAUSE_RULE
    assert db_snapshot(office, case.id) == before and pause_rows(office, case.id) == pauses


def test_only_a_handler_records_time_not_counted_and_only_while_the_period_runs(office):
    case = filed_case(office, date(2026, 7, 1))
    office.at(date(2026, 7, 20))
    with pytest.raises(PermissionDenied):
        record_decision_pause(office.ctx, office.head, case.id, kind="检验", started_on=date(2026, 7, 10))
    with pytest.raises(DomainError, match="只有本案承办人"):
        record_decision_pause(office.ctx, office.officer3, case.id, kind="检验", started_on=date(2026, 7, 10))
    with pytest.raises(DomainError, match="没有尚未结束的不计入期间"):
        end_decision_pause(office.ctx, office.officer, case.id, ended_on=date(2026, 7, 20))
    record_decision_pause(office.ctx, office.officer, case.id, kind="检验", started_on=date(2026, 7, 10))
    with pytest.raises(DomainError, match="早于开始日期"):
        end_decision_pause(office.ctx, office.officer, case.id, ended_on=date(2026, 7, 9))
    with pytest.raises(DomainError, match="不能晚于今天"):
        end_decision_pause(office.ctx, office.officer, case.id, ended_on=date(2026, 7, 21))
    office.at(date(2026, 10, 20))  # after the old last day (09-29): the clock stood still since 07-10
    detail = end_decision_pause(office.ctx, office.officer, case.id, ended_on=date(2026, 10, 20))
    assert detail.decision_deadline == date(2027, 1, 11)  # 07-10 … 10-20 = 103 days: 09-29 + 103 = 2027-01-10 (Sun)
    # Begun after the period had run out, a pause cannot revive it.
    late = filed_case(office, date(2026, 7, 1))
    office.at(date(2026, 10, 20))
    with pytest.raises(DomainError, match="已于 2026-09-29 届满"):
        record_decision_pause(office.ctx, office.officer, late.id, kind="鉴定", started_on=date(2026, 10, 1),
                              ended_on=date(2026, 10, 5))  # fmt: skip


# ---- 超过办案期限作出决定 (art. 42) ---------------------------------------------------------------------

DECISION_RULE = "《卫生健康行政处罚程序规定》第四十二条；《行政处罚法》第六十条"


def no_penalty_case(office, filed_on: date):
    """A case filed on `filed_on` whose handlers propose no penalty: the head may decide once it is deliberated."""
    case = filed_case(office, filed_on)
    update_case(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                facts="经查，当事人已取得许可，违法事实不能成立")  # fmt: skip
    advance(office.ctx, office.officer, case.id, "close_investigation")
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.NOT_ESTABLISHED, reason="违法事实不能成立"))  # fmt: skip
    return advance(office.ctx, office.officer, case.id, "deliberate")


def test_after_the_period_the_head_decides_only_with_a_written_reason_and_it_is_on_record(office):
    from enforcement_desk.admin.agency_settings import get_settings
    from enforcement_desk.procedure.review_package import procedure_checklist
    from enforcement_desk.store.models import Case

    case = no_penalty_case(office, date(2026, 7, 1))
    office.at(date(2026, 10, 12))  # due 09-29
    before = db_snapshot(office, case.id)
    with pytest.raises(DomainError, match="须写明超过办案期限的理由") as refused:
        advance(office.ctx, office.head, case.id, "decide")
    assert refused.value.rule == DECISION_RULE and "2026-09-29 届满" in str(refused.value)
    with pytest.raises(DomainError, match="须写明超过办案期限的理由"):
        advance(office.ctx, office.head, case.id, "decide", {"late_reason": "  "})
    assert db_snapshot(office, case.id) == before
    # The desk and `case show` offer the decision: the reason is asked for when it is taken.
    decide = [a for a in get_case(office.ctx, office.head, case.id).actions if a.action.key == "decide"][0]
    assert decide.allowed
    detail = advance(office.ctx, office.head, case.id, "decide", {"late_reason": "鉴定机构逾期出具鉴定意见"})
    assert detail.stage is Stage.DECIDED and detail.late_decision_reason == "鉴定机构逾期出具鉴定意见"
    assert decision_rows(office, case.id)[-1] == ("late", date(2026, 9, 29))
    assert detail.history[-1].note == "超过办案期限作出决定：鉴定机构逾期出具鉴定意见"
    with office.ctx.db.read() as session:
        event = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "stage:decide")).one()
        settings = get_settings(office.ctx, office.head).settings
        checks = procedure_checklist(session, session.get(Case, case.id), settings, office.ctx.today())
    assert json.loads(event)["late_reason"] == "鉴定机构逾期出具鉴定意见"
    check = [c for c in checks if c["item"] == "在法定期限内作出决定"][0]
    assert not check["ok"] and check["detail"].startswith("超过办案期限作出决定：鉴定机构逾期出具鉴定意见")


def test_a_decision_in_time_records_no_late_reason(office):
    case = no_penalty_case(office, date(2026, 7, 1))
    office.at(date(2026, 9, 29))  # the last day
    detail = advance(office.ctx, office.head, case.id, "decide", {"late_reason": "不需要"})
    assert detail.late_decision_reason is None and detail.history[-1].note == ""
    assert decision_rows(office, case.id)[-1] == ("met", date(2026, 9, 29))


def test_no_decision_while_time_not_counted_still_runs(office):
    case = no_penalty_case(office, date(2026, 7, 1))
    office.at(date(2026, 7, 20))
    record_decision_pause(office.ctx, office.officer, case.id, kind="专家评审", started_on=date(2026, 7, 15))
    with pytest.raises(DomainError, match="尚未结束") as refused:
        advance(office.ctx, office.head, case.id, "decide")
    assert refused.value.rule == PAUSE_RULE
    end_decision_pause(office.ctx, office.officer, case.id, ended_on=date(2026, 7, 20))
    assert advance(office.ctx, office.head, case.id, "decide").stage is Stage.DECIDED


# ---- 证据先行登记保存 (arts. 56, 85): seven working days ---------------------------------------------


def preservation_case(office):
    office.at(date(2026, 11, 3))
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    office.at(date(2026, 11, 4))  # Wednesday: seven working days on is Friday 11-13
    goods = office.ctx.evidence_dir.parent / f"药品照片-{case.id}.jpg"
    goods.write_bytes(b"\xff\xd8\xff\xe0 photo of the medicines kept")
    add_evidence(office.ctx, office.officer, case.id, goods, description="输液用药品 12 盒")  # the items kept
    issue_document(office.ctx, office.officer, case.id, "evidence_preservation_decision")
    return case


def preservation_rows(office, case_id: int) -> list[tuple[str, date]]:
    with office.ctx.db.read() as session:
        return [(r.status, r.due_on) for r in session.scalars(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.key == "evidence_preservation"))]  # fmt: skip


def test_the_preservation_decision_opens_seven_working_days_and_the_handling_closes_them(office):
    case = preservation_case(office)
    assert preservation_rows(office, case.id) == [("open", date(2026, 11, 13))]
    shown = [d for d in get_case(office.ctx, office.officer, case.id).deadlines if d.key == "evidence_preservation"]
    assert shown[0].article == "《卫生健康行政处罚程序规定》第三十三条第一款、第六十九条；《行政处罚法》第五十六条"
    assert shown[0].urgency == "ok"
    office.at(date(2026, 11, 11))
    due = [d for d in due_deadlines(office.ctx, office.officer) if d.key == "evidence_preservation"]
    assert due and due[0].urgency == "due_soon"
    office.at(date(2026, 11, 13))
    handled = issue_document(office.ctx, office.officer, case.id, "evidence_preservation_handling")
    assert handled.warnings == ()
    assert preservation_rows(office, case.id) == [("met", date(2026, 11, 13))]
    assert not [d for d in due_deadlines(office.ctx, office.officer) if d.key == "evidence_preservation"]


def test_a_late_handling_is_issued_with_the_warning_that_the_preservation_lapsed(office):
    case = preservation_case(office)
    office.at(date(2026, 11, 16))
    overdue = [d for d in due_deadlines(office.ctx, office.officer) if d.key == "evidence_preservation"]
    assert overdue[0].urgency == "overdue"
    handled = issue_document(office.ctx, office.officer, case.id, "evidence_preservation_handling")
    assert handled.number and len(handled.warnings) == 1
    assert "2026-11-13" in handled.warnings[0] and "依法失效" in handled.warnings[0]
    assert "《卫生健康行政处罚程序规定》第三十三条第一款、第六十九条" in handled.warnings[0]
    assert preservation_rows(office, case.id) == [("late", date(2026, 11, 13))]


def test_a_voided_preservation_decision_cancels_its_period(office):
    case = preservation_case(office)
    decision = issue_document(office.ctx, office.officer, case.id, "evidence_preservation_decision")  # a reprint
    assert preservation_rows(office, case.id) == [("open", date(2026, 11, 13))]
    void_document(office.ctx, office.head, decision.id, "物品清单填写错误")
    assert preservation_rows(office, case.id) == [("cancelled", date(2026, 11, 13))]


# ---- 立案期限延长 (卫生健康行政处罚程序规定 art. 32(1): 案情复杂的，经负责人批准，可以延长七日) --------------------


def filing_rows(office, case_id: int) -> list[tuple[str, date]]:
    with office.ctx.db.read() as session:
        return [(r.status, r.due_on) for r in session.scalars(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.key == "filing").order_by(Deadline.id))]  # fmt: skip


def test_the_head_extends_the_filing_period_once_before_it_ends(office):
    case = new_case(office)  # discovered 11-01 (Sunday): seven working days on is 11-10
    assert filing_rows(office, case.id) == [("open", date(2026, 11, 10))]
    with pytest.raises(PermissionDenied):
        extend_filing_deadline(office.ctx, office.officer, case.id, reason="需现场复核")
    detail = extend_filing_deadline(office.ctx, office.head, case.id, reason="需现场复核")
    assert filing_rows(office, case.id) == [("extended", date(2026, 11, 10)), ("open", date(2026, 11, 19))]
    assert [d.name for d in detail.deadlines if d.status == "open"] == ["立案期限（经负责人批准延长 7 个工作日）"]
    before = db_snapshot(office, case.id)
    with pytest.raises(DomainError, match="延长过一次") as refused:
        extend_filing_deadline(office.ctx, office.head2, case.id, reason="再延")
    assert refused.value.rule == "《卫生健康行政处罚程序规定》第三十二条第一款、第六十九条"
    assert db_snapshot(office, case.id) == before
    with office.ctx.db.read() as session:
        row = session.scalars(select(FilingExtension).where(FilingExtension.case_id == case.id)).one()
        assert (row.working_days, row.previous_due, row.new_due) == (7, date(2026, 11, 10), date(2026, 11, 19))
        assert rows_against_events(session) == []
    office.at(date(2026, 11, 12))
    advance(office.ctx, office.head, case.id, "file")
    assert filing_rows(office, case.id)[-1][0] == "met"


def test_no_filing_extension_after_the_period(office):
    case = new_case(office)
    office.at(date(2026, 11, 11))
    with pytest.raises(DomainError, match="已于 2026-11-10 届满"):
        extend_filing_deadline(office.ctx, office.head, case.id, reason="补批")
    assert filing_rows(office, case.id) == [("open", date(2026, 11, 10))]
