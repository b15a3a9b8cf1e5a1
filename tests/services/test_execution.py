"""Execution: the surcharge accrues on the overdue balance, each sum is paid by its kind, and a case closes
only when the record shows how each sum ended (tests/services/test_execution_steps.py: the court, review and
suit, waivers)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, new_case
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.execution import Instalment, PaymentEntry, balance
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.steps import advance, record_reminder_service

DUE = date(2026, 11, 25)


def test_two_late_partial_payments_carry_surcharge_on_the_balance_only():
    payments = [PaymentEntry(DUE + timedelta(days=10), Decimal("5000"), "fine"),
                PaymentEntry(DUE + timedelta(days=30), Decimal("5000"), "fine")]  # fmt: skip
    owed = balance(Decimal("10000"), Decimal(0), [Instalment(DUE, Decimal("10000"))], payments, date(2027, 3, 1))
    # 10 days on 10,000 (3,000) and 20 days on the 5,000 left (3,000); not 30 days on the whole fine
    assert owed.surcharge_accrued == Decimal("6000.00") and owed.fine_due == 0 and owed.overdue_days == 30


@given(
    st.decimals(min_value=1, max_value=500_000, places=2),
    st.lists(st.tuples(st.integers(min_value=-20, max_value=400), st.integers(min_value=1, max_value=100)), max_size=6),
    st.integers(min_value=0, max_value=800),
)
def test_the_surcharge_never_exceeds_the_fine_and_nothing_accrues_on_time(fine, parts, days):
    payments, left = [], fine
    for offset, percent in parts:
        amount = min(left, (fine * percent / 100).quantize(Decimal("0.01")))
        if amount > 0:
            payments.append(PaymentEntry(DUE + timedelta(days=offset), amount, "fine"))
            left -= amount
    owed = balance(fine, Decimal(0), [Instalment(DUE, fine)], payments, DUE + timedelta(days=days))
    assert Decimal(0) <= owed.surcharge_accrued <= fine
    if all(p.paid_on <= DUE for p in payments) and left == 0:
        assert owed.surcharge_accrued == 0


def _served_penalty(office, fine="3000", confiscation=None):
    case = new_case(office)
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    update_case(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version, facts="事实")
    advance(office.ctx, office.officer, case.id, "close_investigation")
    kinds = ("警告", "罚款") + (("没收违法所得",) if confiscation else ())
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, kinds, Decimal(fine), Decimal(confiscation) if confiscation else None, **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-03"})
    office.at(date(2026, 11, 10))
    advance(office.ctx, office.head, case.id, "decide")
    advance(office.ctx, office.officer, case.id, "serve", {"served_on": "2026-11-10", "method": "直接送达"})
    return case.id  # the 15 days to pay end on 2026-11-25


def test_a_payment_ten_days_late_shows_three_percent_a_day_and_blocks_closing(office):
    case_id = _served_penalty(office)
    office.at(date(2026, 12, 5))
    detail = advance(office.ctx, office.officer, case_id, "record_payment", {"amount": "3000", "paid_on": "2026-12-05"})
    assert detail.fine_due == 0 and detail.surcharge_due == Decimal("900.00")  # 10 days × 3% × 3,000
    with pytest.raises(DomainError, match="加处罚款 900.00 元"):
        advance(office.ctx, office.head, case_id, "close", {"summary": "已缴清"})
    with pytest.raises(DomainError, match="超过截至 2026-12-05 尚欠的加处罚款 900.00 元"):
        advance(office.ctx, office.officer, case_id, "record_payment",
                {"amount": "1000", "paid_on": "2026-12-05", "kind": "surcharge"})  # fmt: skip
    advance(office.ctx, office.officer, case_id, "record_payment",
            {"amount": "900", "paid_on": "2026-12-05", "kind": "surcharge"})  # fmt: skip
    assert advance(office.ctx, office.head, case_id, "close", {"summary": "罚款及加处罚款已缴清"}).stage is Stage.CLOSED


def test_confiscated_gains_are_paid_separately_and_must_be_paid_before_closing(office):
    case_id = _served_penalty(office, confiscation="1200")
    office.at(date(2026, 11, 20))
    detail = advance(office.ctx, office.officer, case_id, "record_payment", {"amount": "3000", "paid_on": "2026-11-20"})
    assert detail.confiscation_due == Decimal("1200.00") and detail.surcharge_due == 0
    with pytest.raises(DomainError, match="没收违法所得 1,200.00 元"):
        advance(office.ctx, office.head, case_id, "close", {"summary": "已缴清"})
    advance(office.ctx, office.officer, case_id, "record_payment",
            {"amount": "1200", "paid_on": "2026-11-20", "kind": "confiscation"})  # fmt: skip
    assert advance(office.ctx, office.head, case_id, "close", {"summary": "已缴清"}).stage is Stage.CLOSED


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"amount": "NaN", "paid_on": "2026-11-20"}, "金额"),
        ({"amount": "-5", "paid_on": "2026-11-20"}, "金额"),
        ({"amount": "4000", "paid_on": "2026-11-20"}, "超过"),
        ({"amount": "100", "paid_on": "2026-11-09"}, "早于处罚决定书送达日期"),
        ({"amount": "100", "paid_on": "2026-11-20", "kind": "tip"}, "缴款种类"),
    ],
)
def test_bad_payments_are_refused_and_change_nothing(office, params, message):
    case_id = _served_penalty(office)
    office.at(date(2026, 11, 20))
    before = get_case(office.ctx, office.officer, case_id)
    with pytest.raises(DomainError, match=message):
        advance(office.ctx, office.officer, case_id, "record_payment", params)
    after = get_case(office.ctx, office.officer, case_id)
    assert (after.version, after.paid_amount, after.stage) == (before.version, before.paid_amount, before.stage)


def test_instalments_approved_by_the_head_move_the_surcharge_to_each_parts_day(office):
    from enforcement_desk.core.errors import PermissionDenied
    from enforcement_desk.procedure.steps import approve_payment_plan

    case_id = _served_penalty(office)
    office.at(date(2026, 11, 20))
    parts = [(date(2026, 12, 31), Decimal("1500")), (date(2027, 1, 29), Decimal("1500"))]
    with pytest.raises(PermissionDenied):
        approve_payment_plan(office.ctx, office.officer, case_id, instalments=parts, reason="经营困难",
                             applied_on=date(2026, 11, 20))  # fmt: skip
    with pytest.raises(DomainError, match="应等于尚未缴纳的罚款 3,000.00 元"):
        approve_payment_plan(office.ctx, office.head, case_id, instalments=parts[:1], reason="经营困难",
                             applied_on=date(2026, 11, 20))  # fmt: skip
    approve_payment_plan(office.ctx, office.head, case_id, instalments=parts, reason="经营困难，提交了财务报表",
                         applied_on=date(2026, 11, 20))  # fmt: skip
    office.at(date(2026, 12, 31))
    assert get_case(office.ctx, office.officer, case_id).surcharge_due == 0  # nothing overdue yet
    office.at(date(2027, 1, 5))  # the first part is five days late: 1,500 × 3% × 5
    assert get_case(office.ctx, office.officer, case_id).surcharge_due == Decimal("225.00")


def test_a_plan_is_approved_once_by_a_head_who_does_not_handle_the_case(office):
    from enforcement_desk.procedure.steps import approve_payment_plan

    case_id = _served_penalty(office)
    office.at(date(2026, 11, 20))
    parts = [(date(2026, 12, 31), Decimal("3000"))]
    approve_payment_plan(office.ctx, office.head, case_id, instalments=parts, reason="经营困难", applied_on=date(2026, 11, 20))
    with pytest.raises(DomainError, match="已批准过暂缓或分期缴纳"):
        approve_payment_plan(office.ctx, office.head2, case_id, instalments=[(date(2027, 1, 31), Decimal("3000"))],
                             reason="再次申请", applied_on=date(2026, 11, 20))  # fmt: skip
    office.at(date(2026, 12, 1))  # the original 11-25 has passed, the deferred part is not due: no 催告
    from enforcement_desk.documents.service import issue_document

    with pytest.raises(DomainError, match="缴款期限尚未届满"):
        issue_document(office.ctx, office.officer, case_id, "payment_reminder")


def test_confiscation_alone_has_its_fifteen_days_and_a_reminder_after_them(office):
    from enforcement_desk.documents.service import issue_document

    case = new_case(office)  # a decision of a warning and confiscation, no fine
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    update_case(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version, facts="事实")
    advance(office.ctx, office.officer, case.id, "close_investigation")
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("警告", "没收违法所得"), None, Decimal("800"), **LEGAL_BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-03"})
    office.at(date(2026, 11, 10))
    advance(office.ctx, office.head, case.id, "decide")
    advance(office.ctx, office.officer, case.id, "serve", {"served_on": "2026-11-10", "method": "直接送达"})
    office.at(date(2026, 11, 26))
    assert get_case(office.ctx, office.officer, case.id).confiscation_due == Decimal("800.00")
    assert issue_document(office.ctx, office.officer, case.id, "payment_reminder").number
    with pytest.raises(DomainError, match="催告书尚未登记送达"):  # the ten days run from its service, not its issue
        issue_document(office.ctx, office.officer, case.id, "enforcement_application")
    office.at(date(2026, 11, 27))
    record_reminder_service(office.ctx, office.officer, case.id, served_on=date(2026, 11, 27), method="直接送达",
                            receiver="张某某")  # fmt: skip
    office.at(date(2026, 12, 11))  # 10 working days after 11-27 end on 12-11
    with pytest.raises(DomainError, match="2026-12-11 之后方可申请强制执行"):
        issue_document(office.ctx, office.officer, case.id, "enforcement_application")


def test_the_enforcement_application_records_everything_owed(office):
    from sqlalchemy import select

    from enforcement_desk.documents.service import issue_document
    from enforcement_desk.store.models_steps import EnforcementApplication

    case_id = _served_penalty(office, confiscation="500")
    office.at(date(2026, 12, 5))  # nothing paid, ten days late
    issue_document(office.ctx, office.officer, case_id, "payment_reminder")
    record_reminder_service(office.ctx, office.officer, case_id, served_on=date(2026, 12, 5), method="直接送达",
                            receiver="张某某")  # fmt: skip
    # Served 2026-11-10: the six months to sue end on 2027-05-10; the surcharge has long reached the fine.
    office.at(date(2027, 5, 11))
    advance(office.ctx, office.head2, case_id, "apply_enforcement", {"reason": "经催告仍未履行"})
    with office.ctx.db.read() as session:
        amount = session.scalars(select(EnforcementApplication.amount)).one()
    assert amount == Decimal("6500.00")  # 3,000 + 3,000 (capped at the fine) + 500


def test_the_reminder_states_the_surcharge_only_when_one_is_owed(office):
    from io import BytesIO

    from pypdf import PdfReader

    from enforcement_desk.documents.service import preview_document

    def reminder_text(case_id: int) -> str:
        pdf = preview_document(office.ctx, office.officer, case_id, "payment_reminder")
        return "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).replace("\n", "")

    case_id = _served_penalty(office)
    office.at(date(2026, 11, 20))
    assert "加处罚款" not in reminder_text(case_id).split("依据《中华人民共和国行政强制法》")[0]
    office.at(date(2026, 11, 30))  # five days late on 3,000
    text = reminder_text(case_id)
    assert "尚欠罚款3,000.00元、加处罚款450.00元" in text and "逾期未缴罚款数额的百分之三" in text
