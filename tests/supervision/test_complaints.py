"""投诉举报: reply deadline in working days, the reporter protected, conversion to a case or closing."""

from __future__ import annotations

from datetime import date

import pytest

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import CaseSource
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.store.models import AuditEvent
from enforcement_desk.supervision.complaints import (
    ComplaintDraft,
    add_complaint,
    close_complaint,
    convert_to_case,
    get_complaint,
    list_complaints,
)


def draft(office, **changes) -> ComplaintDraft:
    values = dict(
        channel="电话", subject_name="沂水县仁和诊所", content="诊所由无医师资格人员坐诊开药",
        assigned_to=office.officer.user_id, received_on=date(2026, 11, 2), reporter_name="孙某",
        reporter_phone="13805391234", subject_address="沂水县健康路 6 号",
    )  # fmt: skip
    values.update(changes)
    return ComplaintDraft(**values)


def test_the_reply_falls_due_after_fifteen_working_days(sqlite_office):
    office = sqlite_office
    view = add_complaint(office.ctx, office.officer2, draft(office))
    assert view.reply_due_on == date(2026, 11, 23) and view.number == "2026-001"
    office.at(date(2026, 11, 24))
    assert [c.urgency for c in list_complaints(office.ctx, office.head, open_only=True)] == ["overdue"]


def test_only_the_assigned_officer_and_heads_see_who_reported(sqlite_office):
    office = sqlite_office
    view = add_complaint(office.ctx, office.officer2, draft(office))
    assert get_complaint(office.ctx, office.officer, view.id).reporter == "孙某 13805391234"
    assert get_complaint(office.ctx, office.head, view.id).reporter == "孙某 13805391234"
    assert get_complaint(office.ctx, office.officer2, view.id).reporter == "（举报人信息保密）"
    assert get_complaint(office.ctx, office.reviewer, view.id).reporter == "（举报人信息保密）"
    with office.ctx.db.read() as session:
        payloads = " ".join(e.payload for e in session.query(AuditEvent))
    assert "孙某" not in payloads and "13805391234" not in payloads


def test_an_anonymous_report_needs_no_name_and_a_named_one_does(sqlite_office):
    office = sqlite_office
    with pytest.raises(DomainError, match="投诉举报人姓名"):
        add_complaint(office.ctx, office.officer, draft(office, reporter_name=""))
    view = add_complaint(office.ctx, office.officer, draft(office, reporter_name="x", anonymous=True))
    assert view.reporter == "匿名"
    with pytest.raises(DomainError, match="不是执法人员"):
        add_complaint(office.ctx, office.officer, draft(office, assigned_to=office.reviewer.user_id))


def test_a_complaint_becomes_a_case_with_the_complaint_as_source(sqlite_office):
    office = sqlite_office
    view = add_complaint(office.ctx, office.officer, draft(office))
    with pytest.raises(DomainError, match="承办人或负责人"):
        convert_to_case(office.ctx, office.officer2, view.id, party_id=office.org_party_id, cause="x",
                        handler_ids=(office.officer.user_id, office.officer2.user_id))  # fmt: skip
    case_id = convert_to_case(
        office.ctx, office.officer, view.id, party_id=office.org_party_id, cause="使用非卫生技术人员",
        handler_ids=(office.officer.user_id, office.officer2.user_id),
    )  # fmt: skip
    case = get_case(office.ctx, office.officer, case_id)
    assert case.source == CaseSource.COMPLAINT and case.discovered_on == date(2026, 11, 2)
    done = get_complaint(office.ctx, office.officer, view.id)
    assert (done.status, done.case_id, done.urgency) == ("converted", case_id, "met")
    with pytest.raises(DomainError, match="已立案"):
        close_complaint(office.ctx, office.officer, view.id, "重复")


def test_closing_without_a_case_needs_a_reason(sqlite_office):
    office = sqlite_office
    view = add_complaint(office.ctx, office.officer, draft(office))
    with pytest.raises(DomainError, match="办结理由"):
        close_complaint(office.ctx, office.officer, view.id, "  ")
    closed = close_complaint(office.ctx, office.head, view.id, "经核查，坐诊人员持有执业医师资格")
    assert closed.status == "closed" and closed.closed_on == date(2026, 11, 2)
