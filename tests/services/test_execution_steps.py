"""Execution as step records: the 催告书's service and its ten working days, the periods for review and suit, the
three months to apply to the court, the party's review or suit, the court's replies, waivers by decision, and
closing only when each sum has ended (行政强制法 arts. 53–58, 69; 行政处罚法 arts. 66, 72, 73)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, db_snapshot, new_case
from conftest import with_owner_rights
from services.test_execution import _served_penalty
from sqlalchemy import func, select

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.documents.service import issue_document
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.steps import (
    advance,
    record_challenge,
    record_challenge_outcome,
    record_court_reply,
    record_execution_waiver,
    record_reminder_service,
)
from enforcement_desk.store.models import Payment
from enforcement_desk.store.models_steps import CourtReply, ReminderService

MARCH = date(2026, 3, 2)  # served on a Monday: 60 days to 05-01 (labour day: moves on), six months to 09-02


def _served_in_march(office, fine="3000", confiscation=None) -> int:
    """A penalty decided and served on 2026-03-02: its suit period ends 2026-09-02, the three months on 12-02."""
    office.at(date(2026, 2, 2))
    case = new_case(office, discovered_on=date(2026, 2, 2), act_date=date(2026, 1, 10))
    advance(office.ctx, office.head, case.id, "file")
    update_case(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version, facts="事实")
    advance(office.ctx, office.officer, case.id, "close_investigation")
    kinds = ("警告", "罚款") + (("没收违法所得",) if confiscation else ())
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, kinds, Decimal(fine), Decimal(confiscation) if confiscation else None, **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    office.at(date(2026, 2, 9))
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-02-09"})
    office.at(MARCH)
    advance(office.ctx, office.head, case.id, "decide")
    advance(office.ctx, office.officer, case.id, "serve", {"served_on": "2026-03-02", "method": "直接送达"})
    return case.id


def _remind(office, case_id: int, issued: date, served: date) -> None:
    office.at(issued)
    issue_document(office.ctx, office.officer, case_id, "payment_reminder")
    office.at(served)
    record_reminder_service(office.ctx, office.officer, case_id, served_on=served, method="直接送达", receiver="张某某")


def _apply(office, case_id: int):
    return advance(office.ctx, office.head, case_id, "apply_enforcement", {"reason": "经催告仍未履行"})


def test_the_review_suit_and_application_periods_open_at_service(office):
    case_id = _served_in_march(office)
    due = {d.key: d.due_on for d in get_case(office.ctx, office.officer, case_id).deadlines if d.status == "open"}
    assert due["reconsideration"] == date(2026, 5, 6)  # 60 days end on 05-01, a holiday until 05-05
    assert due["lawsuit"] == date(2026, 9, 2)
    assert due["enforcement_application"] == date(2026, 12, 2)  # three months after the suit period
    execution = get_case(office.ctx, office.officer, case_id).execution
    assert (execution.review_ends_on, execution.suit_ends_on, execution.apply_by) == (
        date(2026, 5, 6), date(2026, 9, 2), date(2026, 12, 2))  # fmt: skip


def test_no_application_before_the_reminder_is_served_and_ten_working_days_pass_across_national_day(office):
    case_id = _served_in_march(office)
    office.at(date(2026, 9, 25))
    issue_document(office.ctx, office.officer, case_id, "payment_reminder")
    with pytest.raises(DomainError, match="尚未登记催告书的送达") as refused:
        _apply(office, case_id)
    assert "第五十四条" in refused.value.rule
    before = db_snapshot(office, case_id)
    with pytest.raises(DomainError, match="早于催告书的出具日期 2026-09-25"):  # served before it was issued
        record_reminder_service(office.ctx, office.officer, case_id, served_on=date(2026, 9, 24), method="直接送达",
                                receiver="张某某")  # fmt: skip
    assert db_snapshot(office, case_id) == before
    with office.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ReminderService)) == 0
    office.at(date(2026, 9, 28))
    detail = record_reminder_service(office.ctx, office.officer, case_id, served_on=date(2026, 9, 28),
                                     method="直接送达", receiver="张某某")  # fmt: skip
    # 09-29, 09-30, (10-01…10-07 national day), 10-08, 10-09, 10-10 (a make-up Saturday), 10-12 … 10-16
    reminder = [d for d in detail.deadlines if d.key == "reminder"]
    assert [(d.name, d.start_on, d.due_on) for d in reminder] == [("催告履行期限", date(2026, 9, 28), date(2026, 10, 16))]
    assert "第六十九条" in reminder[0].article
    office.at(date(2026, 10, 16))
    with pytest.raises(DomainError, match="2026-10-16 之后仍未履行的方可申请") as refused:
        _apply(office, case_id)
    assert refused.value.rule == "《中华人民共和国行政强制法》第五十四条、第六十九条"
    with pytest.raises(DomainError, match="2026-10-16 之后方可申请"):
        issue_document(office.ctx, office.officer, case_id, "enforcement_application")
    office.at(date(2026, 10, 17))  # ten calendar days from the issue (10-05) would have let it through a week early
    assert _apply(office, case_id).stage is Stage.EXECUTING
    assert issue_document(office.ctx, office.officer, case_id, "enforcement_application").number


def test_the_application_waits_for_the_suit_period_and_is_refused_after_three_months(office):
    case_id = _served_in_march(office)
    _remind(office, case_id, date(2026, 4, 1), date(2026, 4, 2))
    office.at(date(2026, 9, 2))  # the last day to sue
    with pytest.raises(DomainError, match="提起行政诉讼的期限至 2026-09-02") as refused:
        _apply(office, case_id)
    assert "《中华人民共和国行政强制法》第五十三条" in refused.value.rule
    assert "第一百五十六条" in refused.value.rule
    office.at(date(2026, 12, 3))
    with pytest.raises(DomainError, match="期限已于 2026-12-02 届满") as refused:
        _apply(office, case_id)
    assert "第五十三条" in refused.value.rule
    office.at(date(2026, 12, 2))
    assert _apply(office, case_id).execution.applied_on == date(2026, 12, 2)
    with pytest.raises(DomainError):  # once applied, not again while the court has not refused it
        _apply(office, case_id)


def test_a_pending_review_stops_the_surcharge_and_holds_the_application(office):
    case_id = _served_penalty(office)  # served 2026-11-10, the fine due 11-25
    office.at(date(2026, 11, 30))
    with pytest.raises(DomainError, match="早于处罚决定书的送达日期"):
        record_challenge(office.ctx, office.officer, case_id, kind="复议", filed_on=date(2026, 11, 9), body="沂水县人民政府")
    record_challenge(office.ctx, office.officer, case_id, kind="复议", filed_on=date(2026, 11, 30), body="沂水县人民政府")
    office.at(date(2026, 12, 10))
    detail = get_case(office.ctx, office.officer, case_id)
    assert detail.surcharge_due == Decimal("360.00")  # 11-26 … 11-29: four days × 3% × 3,000; none since filing
    with pytest.raises(DomainError, match="申请行政复议（沂水县人民政府），尚无结果") as refused:
        _apply(office, case_id)
    assert "第七十三条" in refused.value.rule
    with pytest.raises(DomainError, match="尚未登记结果"):
        record_challenge(office.ctx, office.officer, case_id, kind="诉讼", filed_on=date(2026, 12, 10), body="沂水县人民法院")
    with pytest.raises(DomainError, match="早于申请复议或起诉的日期 2026-11-30"):
        record_challenge_outcome(office.ctx, office.officer, case_id, outcome="维持", decided_on=date(2026, 11, 29),
                                 document_no="沂政复决〔2026〕12号")  # fmt: skip
    office.at(date(2026, 12, 21))
    record_challenge_outcome(office.ctx, office.officer, case_id, outcome="维持", decided_on=date(2026, 12, 20),
                             document_no="沂政复决〔2026〕12号")  # fmt: skip
    office.at(date(2026, 12, 31))  # runs again from 12-21: 4 + 11 days
    detail = get_case(office.ctx, office.officer, case_id)
    assert detail.surcharge_due == Decimal("1350.00")
    assert [(c.label, c.outcome) for c in detail.execution.challenges] == [("行政复议", "维持")]


def _applied(office, fine="3000", confiscation=None) -> int:
    case_id = _served_in_march(office, fine, confiscation)
    _remind(office, case_id, date(2026, 9, 25), date(2026, 9, 28))
    office.at(date(2026, 10, 19))
    _apply(office, case_id)
    return case_id


def test_applying_to_the_court_alone_does_not_close_the_case_its_execution_does(office):
    case_id = _applied(office)
    with pytest.raises(DomainError, match="仅申请人民法院强制执行不能结案") as refused:
        advance(office.ctx, office.head, case_id, "close", {"summary": "已申请法院强制执行"})
    assert "罚款 3,000.00 元、加处罚款 3,000.00 元" in str(refused.value)
    assert refused.value.rule
    before = db_snapshot(office, case_id)
    office.at(date(2026, 10, 22))
    with pytest.raises(DomainError, match="早于申请强制执行的日期 2026-10-19"):
        record_court_reply(office.ctx, office.officer, case_id, kind="受理", replied_on=date(2026, 10, 18),
                           document_no="（2026）鲁1323行审12号")  # fmt: skip
    with pytest.raises(DomainError, match="须先登记人民法院的“受理”"):
        record_court_reply(office.ctx, office.officer, case_id, kind="准予执行", replied_on=date(2026, 10, 22),
                           document_no="（2026）鲁1323行审12号")  # fmt: skip
    assert db_snapshot(office, case_id) == before
    record_court_reply(office.ctx, office.officer, case_id, kind="受理", replied_on=date(2026, 10, 22),
                       document_no="（2026）鲁1323行审12号")  # fmt: skip
    office.at(date(2026, 10, 29))
    record_court_reply(office.ctx, office.head, case_id, kind="准予执行", replied_on=date(2026, 10, 29),
                       document_no="（2026）鲁1323行审12号")  # fmt: skip
    office.at(date(2026, 11, 20))
    with pytest.raises(DomainError, match="超过截至 2026-11-20 尚欠的罚款 3,000.00 元"):
        record_court_reply(office.ctx, office.officer, case_id, kind="执行完毕", replied_on=date(2026, 11, 20),
                           document_no="（2026）鲁1323执45号", recovered={"fine": Decimal("5000")})  # fmt: skip
    detail = record_court_reply(office.ctx, office.officer, case_id, kind="执行完毕", replied_on=date(2026, 11, 20),
                                document_no="（2026）鲁1323执45号",
                                recovered={"fine": Decimal("3000"), "surcharge": Decimal("3000")})  # fmt: skip
    assert detail.fine_due == 0 and detail.surcharge_due == 0
    assert [s.ended for s in detail.execution.sums] == ["已缴清", "已缴清"]
    with office.ctx.db.read() as session:
        receipts = session.scalars(select(Payment.receipt_no).where(Payment.case_id == case_id)).all()
    assert receipts == ["法院执行 （2026）鲁1323执45号"] * 2
    assert advance(office.ctx, office.head, case_id, "close", {"summary": "法院执行完毕"}).stage is Stage.CLOSED


def test_a_ruling_not_to_execute_ends_the_sums(office):
    case_id = _applied(office, confiscation="500")
    office.at(date(2026, 10, 22))
    record_court_reply(office.ctx, office.officer, case_id, kind="受理", replied_on=date(2026, 10, 22),
                       document_no="（2026）鲁1323行审13号")  # fmt: skip
    with pytest.raises(DomainError, match="执行完毕或终结执行时登记"):
        record_court_reply(office.ctx, office.officer, case_id, kind="不予执行", replied_on=date(2026, 10, 22),
                           document_no="（2026）鲁1323行审13号", recovered={"fine": Decimal("100")})  # fmt: skip
    detail = record_court_reply(office.ctx, office.officer, case_id, kind="不予执行", replied_on=date(2026, 10, 22),
                                document_no="（2026）鲁1323行审13号")  # fmt: skip
    assert detail.execution.open_sums == ()
    assert {s.ended for s in detail.execution.sums} == {"人民法院裁定不予执行（（2026）鲁1323行审13号）"}
    assert advance(office.ctx, office.head, case_id, "close", {"summary": "法院裁定不予执行"}).stage is Stage.CLOSED


def test_a_sum_waived_by_a_heads_decision_ends_it(office):
    case_id = _served_penalty(office)
    office.at(date(2026, 12, 5))
    advance(office.ctx, office.officer, case_id, "record_payment", {"amount": "3000", "paid_on": "2026-12-05"})
    with pytest.raises(PermissionDenied):
        record_execution_waiver(office.ctx, office.officer, case_id, kind="surcharge", amount=Decimal("900"),
                                decision_no="沂卫减〔2026〕1号", decided_on=date(2026, 12, 5), reason="采取补救措施")  # fmt: skip
    before = db_snapshot(office, case_id)
    with pytest.raises(DomainError, match="超过截至 2026-12-05 尚欠的加处罚款 900.00 元"):
        record_execution_waiver(office.ctx, office.head, case_id, kind="surcharge", amount=Decimal("1000"),
                                decision_no="沂卫减〔2026〕1号", decided_on=date(2026, 12, 5), reason="采取补救措施")  # fmt: skip
    with pytest.raises(DomainError, match="早于处罚决定的日期"):
        record_execution_waiver(office.ctx, office.head, case_id, kind="surcharge", amount=Decimal("900"),
                                decision_no="沂卫减〔2026〕1号", decided_on=date(2026, 11, 1), reason="采取补救措施")  # fmt: skip
    assert db_snapshot(office, case_id) == before
    detail = record_execution_waiver(office.ctx, office.head, case_id, kind="surcharge", amount=Decimal("900"),
                                     decision_no="沂卫减〔2026〕1号", decided_on=date(2026, 12, 5),
                                     reason="执行协议：当事人已采取补救措施")  # fmt: skip
    assert detail.surcharge_due == 0
    assert [(w.label, w.amount, w.decision_no) for w in detail.execution.waivers] == [
        ("加处罚款", Decimal("900.00"), "沂卫减〔2026〕1号")]  # fmt: skip
    assert advance(office.ctx, office.head, case_id, "close", {"summary": "罚款已缴清，加处罚款依决定减免"}).stage is Stage.CLOSED


def test_a_decision_revoked_on_review_ends_every_sum(office):
    case_id = _served_penalty(office, confiscation="500")
    office.at(date(2026, 12, 1))
    record_challenge(office.ctx, office.head, case_id, kind="诉讼", filed_on=date(2026, 12, 1), body="沂水县人民法院")
    office.at(date(2027, 2, 1))
    detail = record_challenge_outcome(office.ctx, office.officer, case_id, outcome="撤销", decided_on=date(2027, 2, 1),
                                      document_no="（2026）鲁1323行初8号")  # fmt: skip
    assert detail.execution.open_sums == ()
    with pytest.raises(DomainError, match="处罚决定已被行政诉讼撤销"):
        _apply(office, case_id)
    assert advance(office.ctx, office.head, case_id, "close", {"summary": "处罚决定被判决撤销"}).stage is Stage.CLOSED


def test_under_instalments_the_three_months_run_from_the_last_instalment(office):
    from enforcement_desk.procedure.steps import approve_payment_plan

    case_id = _served_in_march(office)
    office.at(date(2026, 3, 10))
    approve_payment_plan(office.ctx, office.head, case_id, instalments=[(date(2026, 6, 30), Decimal("1000")),
                         (date(2026, 10, 30), Decimal("2000"))], reason="经营困难", applied_on=date(2026, 3, 10))  # fmt: skip
    _remind(office, case_id, date(2026, 7, 1), date(2026, 7, 2))  # the first part is overdue
    office.at(date(2026, 10, 30))
    with pytest.raises(DomainError, match="最后一期至 2026-10-30") as refused:
        _apply(office, case_id)
    assert "《行政处罚法》第七十二条第二款" in refused.value.rule and "第六十六条第二款" in refused.value.rule
    detail = get_case(office.ctx, office.officer, case_id)
    assert detail.execution.apply_by == date(2027, 2, 1)  # 2027-01-30 is a Saturday
    windows = [(d.start_on, d.status) for d in detail.deadlines if d.key == "enforcement_application"]
    assert windows == [(date(2026, 9, 2), "moved"), (date(2026, 10, 30), "open")]
    office.at(date(2027, 1, 29))  # after the suit period's three months, within the plan's
    assert _apply(office, case_id).execution.applied_on == date(2027, 1, 29)


def test_the_new_step_records_are_append_only_and_rebuilt_from_the_audit_trail(office):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from enforcement_desk.admin.audit_check import verify_all
    from enforcement_desk.procedure.step_log import comparable, rebuild_step_records, row_content
    from enforcement_desk.store.models import AuditEvent
    from enforcement_desk.store.models_steps import Challenge, ChallengeOutcome, ExecutionWaiver

    case_id = _applied(office)
    office.at(date(2026, 10, 22))
    record_court_reply(office.ctx, office.officer, case_id, kind="受理", replied_on=date(2026, 10, 22), document_no="案号1")
    record_challenge(office.ctx, office.officer, case_id, kind="诉讼", filed_on=date(2026, 10, 22), body="沂水县人民法院")
    record_challenge_outcome(office.ctx, office.officer, case_id, outcome="变更", decided_on=date(2026, 10, 22),
                             document_no="（2026）鲁1323行初9号")  # fmt: skip
    record_execution_waiver(office.ctx, office.head, case_id, kind="fine", amount=Decimal("1000"),
                            decision_no="（2026）鲁1323行初9号", decided_on=date(2026, 10, 22), reason="判决变更罚款为2000元")  # fmt: skip
    tables = (ReminderService, Challenge, ChallengeOutcome, CourtReply, ExecutionWaiver)
    with office.ctx.db.read() as session:
        rows = {t.__tablename__: {r.id: comparable(row_content(r)) for r in session.scalars(select(t))} for t in tables}
        rebuilt = rebuild_step_records(session.scalars(select(AuditEvent.payload).order_by(AuditEvent.seq)))
    assert all(rows.values()) and rows == {name: rebuilt[name] for name in rows}
    assert verify_all(office.ctx, office.admin).ok
    for table in rows:
        for statement in (f"UPDATE {table} SET case_id = case_id", f"DELETE FROM {table}"):
            with with_owner_rights(office.ctx.db).engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))


def _onsite(office, fine: str, **collection):
    from enforcement_desk.core.stages import CaseSource
    from enforcement_desk.procedure.cases import CaseDraft, create_onsite_case

    draft = CaseDraft(source=CaseSource.INSPECTION, party_id=office.person_party_id, cause="从业人员未取得健康合格证明",
                      handler_ids=(office.officer.user_id, office.officer2.user_id), discovered_on=date(2026, 11, 2),
                      facts="现场发现从业人员无健康证")  # fmt: skip
    return create_onsite_case(office.ctx, office.officer, draft, penalty_kinds=("警告", "罚款"), fine=Decimal(fine),
                              violated_provision="《公共场所卫生管理条例实施细则》第十条第一款", legal_basis="《公共场所卫生管理条例实施细则》第三十八条", **collection)  # fmt: skip


def test_an_onsite_fine_not_collected_runs_fifteen_days_and_stays_open_after_filing_for_record(office):
    case = _onsite(office, "200")  # decided and handed over on 2026-11-02
    due = {d.key: d.due_on for d in case.deadlines if d.status == "open"}
    assert due["payment"] == date(2026, 11, 17) and {"reconsideration", "lawsuit", "enforcement_application"} <= set(due)
    assert case.served_on == date(2026, 11, 2) and case.fine_due == Decimal("200.00")
    reported = advance(office.ctx, office.officer, case.id, "report_onsite", {"note": "已报备案"})
    assert reported.stage is Stage.SERVED and reported.closed_on is None  # not closed while the fine is unpaid
    office.at(date(2026, 11, 27))  # ten days late: 200 × 3% × 10
    detail = get_case(office.ctx, office.officer, case.id)
    assert detail.surcharge_due == Decimal("60.00")
    with pytest.raises(DomainError, match="罚款 200.00 元、加处罚款 60.00 元"):
        advance(office.ctx, office.head, case.id, "close", {"summary": "x"})
    assert issue_document(office.ctx, office.officer, case.id, "payment_reminder").number  # the same execution
    advance(office.ctx, office.officer, case.id, "record_payment", {"amount": "200", "paid_on": "2026-11-27"})
    advance(office.ctx, office.officer, case.id, "record_payment",
            {"amount": "60", "paid_on": "2026-11-27", "kind": "加处罚款"})  # fmt: skip
    assert advance(office.ctx, office.head, case.id, "close", {"summary": "已缴清"}).stage is Stage.CLOSED


def test_an_onsite_fine_collected_on_the_spot_closes_at_filing_for_record(office):
    with pytest.raises(DomainError, match="一百元以下") as refused:
        _onsite(office, "150", collected_on_spot=True, receipt_no="鲁财罚 0012345")
    assert refused.value.rule == "《行政处罚法》第六十八条、第六十九条"
    with pytest.raises(DomainError, match="专用票据") as refused:
        _onsite(office, "50", collected_on_spot=True)
    assert refused.value.rule == "《行政处罚法》第七十条"
    case = _onsite(office, "50", collected_on_spot=True, receipt_no="鲁财罚 0012345")
    assert case.fine_due == 0 and "payment" not in {d.key for d in case.deadlines}
    assert advance(office.ctx, office.officer, case.id, "report_onsite").stage is Stage.CLOSED
    hard = _onsite(office, "150", collected_on_spot=True, receipt_no="鲁财罚 0012346",
                   collection_reason="当事人系外地流动摊贩，事后难以执行")  # fmt: skip
    assert hard.fine_due == 0


def test_the_surcharge_pauses_during_a_review_and_a_waived_fine_counts_from_its_day():
    from enforcement_desk.core.procedure.execution import Instalment, Pause, Waiver, balance

    due = [Instalment(date(2026, 11, 25), Decimal("1000"))]
    plain = balance(Decimal("1000"), Decimal(0), due, [], date(2026, 12, 5))
    paused = balance(Decimal("1000"), Decimal(0), due, [], date(2026, 12, 5), pauses=[Pause(date(2026, 11, 28), None)])
    assert (plain.surcharge_accrued, paused.surcharge_accrued) == (Decimal("300.00"), Decimal("60.00"))
    halved = balance(Decimal("1000"), Decimal(0), due, [], date(2026, 12, 5),
                     waivers=[Waiver("fine", Decimal("500"), date(2026, 11, 30))])  # fmt: skip
    assert halved.surcharge_accrued == Decimal("225.00")  # 5 days on 1,000, then 5 days on 500
    assert halved.fine_due == Decimal("500.00") and halved.fine_waived == Decimal("500")
    later = balance(Decimal("1000"), Decimal(0), due, [], date(2026, 11, 29),
                    waivers=[Waiver("fine", Decimal("500"), date(2026, 11, 30))])  # fmt: skip
    assert later.fine_due == Decimal("1000.00")  # a decision not yet made changes nothing
