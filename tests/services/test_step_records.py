"""One write changes one step's record: hearing, proposal versions and transfer steps each keep their own
rows, and the audit trail alone rebuilds them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, new_case
from sqlalchemy import select

from enforcement_desk.core.errors import ConcurrentChange
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.stages import Outcome, Stage
from enforcement_desk.documents.case_data import case_fields
from enforcement_desk.procedure.cases import Proposal, get_case, set_proposal, update_case
from enforcement_desk.procedure.step_log import comparable, rebuild_step_records, row_content
from enforcement_desk.procedure.steps import HearingMinutes, advance, arrange_hearing, record_hearing
from enforcement_desk.store.models import Agency, AuditEvent, Case
from enforcement_desk.store.models_steps import STEP_TABLES, CaseProposal
from enforcement_desk.transfer.service import submit_transfer_report, transfer_status

BASIS = "《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款"
VIOLATED = "《医疗机构管理条例》第十四条"


def case_at_hearing(office, *, notice: bool = True):
    """A person's case with a 50,000 元 proposal (hearing right), notice served, hearing requested."""
    case = new_case(office)
    office.at(date(2026, 11, 3))
    advance(office.ctx, office.head, case.id, "file")
    detail = update_case(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                         facts="未取得医疗机构执业许可证开展诊疗活动")  # fmt: skip
    advance(office.ctx, office.officer, case.id, "close_investigation")
    detail = set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                          Proposal(Outcome.PENALTY, ("罚款",), Decimal("50000"), level="一般", reason="执业三个月",
                                   violated_provision=VIOLATED, legal_basis=BASIS))  # fmt: skip
    advance(office.ctx, office.officer, case.id, "deliberate")
    office.at(date(2026, 11, 4))
    advance(office.ctx, office.officer, case.id, "send_prior_notice", {"served_on": "2026-11-04"})
    office.at(date(2026, 11, 6))
    detail = advance(office.ctx, office.officer, case.id, "request_hearing", {"requested_on": "2026-11-06"})
    assert detail.stage is Stage.HEARING
    if notice:  # served the day of the request: the hearing may be held from 11-17, seven working days on
        detail = arrange_hearing(office.ctx, office.officer, case.id, scheduled_at=datetime(2026, 11, 17, 9, 30),
                                 place="听证室", host="刘洋", served_on=date(2026, 11, 6))  # fmt: skip
    return detail


def _fields(office, case_id):
    with office.ctx.db.read() as session:
        case = session.get(Case, case_id)
        agency = session.get(Agency, case.agency_id)
        return case_fields(session, case, agency, AgencySettings(), office.ctx.today())[0]


def _hearing(office, case_id, text, **extra):
    minutes = HearingMinutes(held_on=office.ctx.today(), host="刘洋", record=text, opinion="建议维持", **extra)
    return record_hearing(office.ctx, office.officer, case_id, minutes)


def test_a_later_proposal_keeps_the_hearing_record_and_its_documents(office):
    case = case_at_hearing(office)
    office.at(date(2026, 11, 17))
    _hearing(office, case.id, "当事人承认违法事实", recorder="李静", public=True, attendees=("张某某",),
             party_statements="请求从轻", party_signature="已签名")  # fmt: skip
    detail = set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                          Proposal(Outcome.PENALTY, ("警告", "罚款"), Decimal("30000"), level="从轻", reason="听证后从轻"))  # fmt: skip
    fields = _fields(office, case.id)
    assert fields["hearing_record"] == "当事人承认违法事实" and fields["hearing_opinion"] == "建议维持"
    assert fields["hearing_recorder"] == "李静" and fields["hearing_signature"] == "已签名"
    # The proposal without articles kept the ones recorded with the version before.
    assert detail.proposal.version == 2 and detail.proposal.legal_basis == BASIS
    assert detail.proposal.violated_provision == VIOLATED and fields["legal_basis"] == BASIS
    assert set(detail.proposal.changed_fields) == {"penalty_kinds", "fine", "level", "reason"}


def test_a_stale_proposal_is_refused_and_the_versions_stay(office):
    case = case_at_hearing(office)
    stale = case.version
    set_proposal(office.ctx, office.officer, case.id, stale, Proposal(Outcome.PENALTY, ("罚款",), Decimal("40000"), **LEGAL_BASIS))
    with pytest.raises(ConcurrentChange):
        set_proposal(office.ctx, office.officer2, case.id, stale, Proposal(Outcome.PENALTY, ("警告",), **LEGAL_BASIS))
    with office.ctx.db.read() as session:
        versions = session.scalars(select(CaseProposal.version).where(CaseProposal.case_id == case.id)).all()
    assert versions == [1, 2]


def test_the_transfer_report_and_refusal_survive_a_proposal(office):
    case = case_at_hearing(office)
    submit_transfer_report(office.ctx, office.officer, case.id, (office.officer.user_id, office.officer2.user_id),
                           "涉嫌非法行医罪")  # fmt: skip
    advance(office.ctx, office.head, case.id, "refuse_transfer", {"reason": "情节尚不严重"})
    set_proposal(office.ctx, office.officer, case.id, get_case(office.ctx, office.officer, case.id).version,
                 Proposal(Outcome.PENALTY, ("警告",), level="从轻", **LEGAL_BASIS))  # fmt: skip
    status = transfer_status(office.ctx, office.officer, case.id)
    assert status.report is not None and status.report.findings == "涉嫌非法行医罪"
    assert status.decision == "不批准移送" and status.reason == "情节尚不严重"


def test_the_hearing_arrangement_must_name_why_a_hearing_is_not_public(office):
    from enforcement_desk.core.errors import DomainError

    case = case_at_hearing(office, notice=False)
    office.at(date(2026, 11, 9))
    with pytest.raises(DomainError, match="不公开举行听证须写明理由"):
        arrange_hearing(office.ctx, office.officer, case.id, scheduled_at=datetime(2026, 11, 18, 9, 30), place="听证室",
                        host="刘洋", public=False, served_on=date(2026, 11, 9))  # fmt: skip
    arrange_hearing(office.ctx, office.officer, case.id, scheduled_at=datetime(2026, 11, 18, 9, 30), place="听证室",
                    host="刘洋", recorder="李静", served_on=date(2026, 11, 9))  # fmt: skip
    fields = _fields(office, case.id)
    assert fields["hearing_place"] == "听证室" and fields["hearing_public"] == "公开举行"
    office.at(date(2026, 11, 18))
    with pytest.raises(DomainError, match="记录人不能是本案调查人员"):
        _hearing(office, case.id, "笔录", recorder="李娜")


def test_no_hearing_without_a_notice_served_seven_working_days_before(office):
    from enforcement_desk.core.errors import DomainError

    case = case_at_hearing(office, notice=False)
    office.at(date(2026, 11, 9))
    with pytest.raises(DomainError, match="尚未登记听证通知书") as refused:
        _hearing(office, case.id, "笔录")
    assert "第六十四条第（二）项" in str(refused.value)
    with pytest.raises(DomainError, match="听证最早安排在 2026-11-18"):  # 11-09 (Mon) + 7 working days
        arrange_hearing(office.ctx, office.officer, case.id, scheduled_at=datetime(2026, 11, 17, 9, 30),
                        place="听证室", host="刘洋", served_on=date(2026, 11, 9))  # fmt: skip
    arrange_hearing(office.ctx, office.officer, case.id, scheduled_at=datetime(2026, 11, 18, 9, 30),
                    place="听证室", host="刘洋", served_on=date(2026, 11, 9))  # fmt: skip
    office.at(date(2026, 11, 17))
    with pytest.raises(DomainError, match="2026-11-18 起"):
        _hearing(office, case.id, "笔录")
    office.at(date(2026, 11, 18))
    assert _hearing(office, case.id, "笔录").hearing_held_on == date(2026, 11, 18)


def _step_rows(office) -> dict[str, dict[int, dict]]:
    with office.ctx.db.read() as session:
        return {
            table.__tablename__: {r.id: comparable(row_content(r)) for r in session.scalars(select(table))}
            for table in STEP_TABLES
        }


def _rebuilt(office) -> dict[str, dict[int, dict]]:
    with office.ctx.db.read() as session:
        return rebuild_step_records(session.scalars(select(AuditEvent.payload).order_by(AuditEvent.seq)))


def test_the_audit_trail_alone_rebuilds_every_step_record(office):
    case = case_at_hearing(office)
    office.at(date(2026, 11, 17))
    _hearing(office, case.id, "第一次笔录")
    _hearing(office, case.id, "更正后的笔录", party_signature="拒绝签名")
    submit_transfer_report(office.ctx, office.officer, case.id, (office.officer.user_id, office.officer2.user_id), "线索")
    advance(office.ctx, office.head, case.id, "refuse_transfer", {"reason": "不够刑事立案标准"})
    rows = _step_rows(office)
    assert len(rows["hearing_records"]) == 2 and len(rows["case_proposals"]) == 1
    rebuilt = _rebuilt(office)
    assert {table: rows[table] for table in rows if rows[table]} == rebuilt
    assert rebuilt["hearing_records"][max(rows["hearing_records"])]["record_text"] == "更正后的笔录"


def test_audit_verify_names_a_step_record_changed_behind_the_programs_back(sqlite_office):
    from sqlalchemy import text

    from enforcement_desk.admin.audit_check import verify_all

    office = sqlite_office
    case = case_at_hearing(office)
    office.at(date(2026, 11, 17))
    _hearing(office, case.id, "当事人承认违法事实")
    assert verify_all(office.ctx, office.admin).ok
    with office.ctx.db.write() as session:  # what someone with the database file could do
        session.execute(text("DROP TRIGGER hearing_records_no_update"))
        session.execute(text("UPDATE hearing_records SET record_text = '当事人否认违法事实'"))
        session.execute(text("DROP TRIGGER case_proposals_no_delete"))
        session.execute(text("DELETE FROM case_proposals"))
    problems = verify_all(office.ctx, office.admin).problems
    assert any("听证笔录记录 #1 的 record_text 与审计记录不符" in p for p in problems), problems
    assert any("处理意见记录 #1 已不存在" in p for p in problems), problems


def test_only_a_handler_or_a_head_records_the_hearing_and_the_notice_prints_the_arrangement(office):
    from enforcement_desk.core.errors import DomainError
    from enforcement_desk.documents.service import issue_document, preview_document

    case = case_at_hearing(office, notice=False)
    office.at(date(2026, 11, 9))
    with pytest.raises(DomainError, match="尚未登记听证安排"):
        issue_document(office.ctx, office.officer, case.id, "hearing_notice")
    arrange_hearing(office.ctx, office.officer, case.id, scheduled_at=datetime(2026, 11, 18, 14, 30), place="第一听证室",
                    host="刘洋", recorder="李静", served_on=date(2026, 11, 9))  # fmt: skip
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(preview_document(
        office.ctx, office.officer, case.id, "hearing_notice"))).pages).replace("\n", "")  # fmt: skip
    assert "2026年11月18日 14:30" in text and "第一听证室" in text and "李静" in text
    office.at(date(2026, 11, 18))
    with pytest.raises(DomainError, match="只有本案承办人或负责人"):
        record_hearing(office.ctx, office.officer3, case.id, HearingMinutes(held_on=date(2026, 11, 18), host="刘洋",
                                                                           record="笔录"))  # fmt: skip
