"""Case services on real databases (SQLite file; PostgreSQL in CI)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, db_snapshot, new_case
from sqlalchemy import select

from enforcement_desk.core.errors import ConcurrentChange, DomainError, PermissionDenied
from enforcement_desk.core.stages import CaseSource, Outcome, Stage
from enforcement_desk.procedure.cases import (
    CaseDraft,
    CaseFilter,
    Proposal,
    count_cases,
    create_onsite_case,
    get_case,
    list_cases,
    set_proposal,
    update_case,
)
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.models import AuditEvent


def test_a_case_needs_two_handlers_and_a_past_discovery_date(office):
    with pytest.raises(DomainError, match="不得少于两人"):
        new_case(office, handler_ids=(office.officer.user_id,))
    with pytest.raises(DomainError, match="不得少于两人"):
        new_case(office, handler_ids=(office.officer.user_id, office.officer.user_id))
    with pytest.raises(DomainError, match="不能晚于今天"):
        new_case(office, discovered_on=date(2026, 12, 1))
    with pytest.raises(DomainError, match="不是执法人员"):
        new_case(office, handler_ids=(office.officer.user_id, office.head.user_id))


def test_acceptance_numbers_are_consecutive_and_a_filing_deadline_is_recorded(office):
    first, second = new_case(office), new_case(office)
    assert (first.case_no, second.case_no) == ("2026-0001", "2026-0002")
    filing = [d for d in first.deadlines if d.key == "filing"]
    assert len(filing) == 1 and filing[0].status == "open"
    assert filing[0].due_on > date(2026, 11, 1)


def test_a_refused_step_changes_nothing(office):
    case = new_case(office)
    before = db_snapshot(office, case.id)
    with pytest.raises(PermissionDenied):
        advance(office.ctx, office.officer, case.id, "file")
    with pytest.raises(DomainError):
        advance(office.ctx, office.head, case.id, "decide")
    assert db_snapshot(office, case.id) == before


def test_the_second_of_two_concurrent_edits_is_refused_and_nothing_is_overwritten(office):
    case = new_case(office)
    stale_version = case.version
    update_case(office.ctx, office.officer, case.id, stale_version, facts="王强记录的事实")
    with pytest.raises(ConcurrentChange, match="已被他人修改"):
        update_case(office.ctx, office.officer2, case.id, stale_version, facts="李娜记录的事实")
    assert get_case(office.ctx, office.officer, case.id).facts == "王强记录的事实"


def test_edits_are_audited_with_before_and_after_values(office):
    import json

    case = new_case(office, location="")  # no place yet: the edit adds one
    update_case(office.ctx, office.officer, case.id, case.version, location="许家湖镇")
    with office.ctx.db.read() as session:
        event = (
            session.execute(
                select(AuditEvent).where(AuditEvent.action == "case_updated").order_by(AuditEvent.seq.desc())
            )
            .scalars()
            .first()
        )
        payload = json.loads(event.payload)
    assert payload == {"before": {"location": ""}, "after": {"location": "许家湖镇"}}


def test_only_handlers_may_edit_a_case(office):
    case = new_case(office)
    with pytest.raises(DomainError, match="只有本案承办人"):
        update_case(office.ctx, office.officer3, case.id, case.version, facts="x")


def test_filing_assigns_the_wenhao_and_starts_the_ninety_day_decision_period(office):
    case = new_case(office)
    office.at(date(2026, 11, 3))
    filed = advance(office.ctx, office.head, case.id, "file")
    assert filed.stage is Stage.INVESTIGATING
    assert filed.filing_no == "沂卫医立〔2026〕1号"
    decision = [d for d in filed.deadlines if d.key == "decision"][0]
    assert decision.due_on == date(2026, 2, 1).replace(year=2027)  # 90 days after 2026-11-03
    assert [d for d in filed.deadlines if d.key == "filing"][0].status == "met"


def test_simple_procedure_is_limited_to_small_fines(office):
    draft = CaseDraft(
        source=CaseSource.INSPECTION,
        party_id=office.person_party_id,
        cause="从业人员未取得健康合格证明",
        handler_ids=(office.officer.user_id, office.officer2.user_id),
        discovered_on=date(2026, 11, 2),
        facts="现场发现从业人员无健康证",
    )
    with pytest.raises(DomainError, match="不得超过 200"):
        create_onsite_case(
            office.ctx,
            office.officer,
            draft,
            penalty_kinds=("罚款",),
            fine=Decimal("201"),
            violated_provision="《公共场所卫生管理条例实施细则》第十条第一款", legal_basis="《公共场所卫生管理条例实施细则》第三十八条",
        )
    case = create_onsite_case(
        office.ctx,
        office.officer,
        draft,
        penalty_kinds=("警告", "罚款"),
        fine=Decimal("200"),
        violated_provision="《公共场所卫生管理条例实施细则》第十条第一款", legal_basis="《公共场所卫生管理条例实施细则》第三十八条",
    )
    assert case.stage is Stage.ONSITE_DECIDED and case.decision_no == "2026-001"
    org_draft = CaseDraft(**{**draft.__dict__, "party_id": office.org_party_id})
    create_onsite_case(
        office.ctx,
        office.officer,
        org_draft,
        penalty_kinds=("罚款",),
        fine=Decimal("3000"),
        violated_provision="《公共场所卫生管理条例实施细则》第十条第一款", legal_basis="《公共场所卫生管理条例实施细则》第三十八条",
    )
    with pytest.raises(DomainError, match="吊销"):
        create_onsite_case(
            office.ctx,
            office.officer,
            org_draft,
            penalty_kinds=("吊销许可证件",),
            fine=Decimal("0"),
            violated_provision="《公共场所卫生管理条例实施细则》第十条第一款", legal_basis="x",
        )


def test_a_fine_for_a_person_above_the_threshold_makes_the_case_major_and_gives_a_hearing_right(office):
    case = new_case(office)
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    detail = update_case(
        office.ctx,
        office.officer,
        case.id,
        get_case(office.ctx, office.officer, case.id).version,
        facts="违法事实",
    )
    detail = set_proposal(
        office.ctx,
        office.officer,
        case.id,
        detail.version,
        Proposal(Outcome.PENALTY, ("罚款",), Decimal("50000"), **LEGAL_BASIS),
    )
    assert detail.major.is_major and "超过重大执法决定标准" in detail.major.reasons[0]
    assert detail.hearing_right


def test_case_list_filters_by_stage_text_and_party(office):
    a = new_case(office, cause="未取得医疗机构执业许可证擅自执业", location="许家湖镇卫生室")
    new_case(office, party_id=office.org_party_id, cause="公共场所未取得卫生许可证擅自营业")
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, a.id, "file")
    assert count_cases(office.ctx, office.officer) == 2
    assert [c.id for c in list_cases(office.ctx, office.officer, CaseFilter(stage=Stage.INVESTIGATING))] == [
        a.id
    ]
    assert [c.party_name for c in list_cases(office.ctx, office.officer, CaseFilter(text="悦来宾馆"))] == [
        "沂水县悦来宾馆有限公司"
    ]
    assert [c.id for c in list_cases(office.ctx, office.officer, CaseFilter(text="卫生室"))] == [a.id]
    assert [c.id for c in list_cases(office.ctx, office.officer, CaseFilter(number="医立"))] == [a.id]
    assert len(list_cases(office.ctx, office.officer, CaseFilter(party="张某"))) == 1
