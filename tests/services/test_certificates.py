"""执法人员持证办案 (《卫生健康行政处罚程序规定》第十七条；《行政处罚法》第四十二条): an officer whose 执法证 has run
out, or is not registered, takes no enforcement step and cannot be named a case's handler; nothing is saved. The
certificate is read against the business date, its last day of validity included; the officer is reminded 30
days ahead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from case_builders import LEGAL_BASIS, db_snapshot, new_case
from sqlalchemy import func, select

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.workflow import CERTIFICATE_RULE
from enforcement_desk.core.stages import CaseSource, Outcome, Stage
from enforcement_desk.documents.service import issue_document
from enforcement_desk.evidence.service import add_evidence
from enforcement_desk.procedure.cases import (
    CaseDraft,
    Proposal,
    create_case,
    create_onsite_case,
    get_case,
    set_major_flags,
    set_proposal,
    update_case,
)
from enforcement_desk.procedure.steps import advance, record_decision_pause
from enforcement_desk.procedure.worklist import my_certificate_notice
from enforcement_desk.store.models import Case, DocumentRecord, Evidence, User

# 赵磊 (office.officer3) holds 执法证 3713002023003, valid to 2026-12-31 (tests/conftest.py).
ZHAO_EXPIRED = "赵磊的执法证（编号 3713002023003）已于 2026-12-31 到期，不能办理执法事项；请更新执法证信息后再办理"
AFTER_EXPIRY = date(2027, 1, 4)


def _case_handled_by_wang_and_zhao(office) -> int:
    """Filed on 2026-11-02 while both certificates were valid; under investigation."""
    case = new_case(office, handler_ids=(office.officer.user_id, office.officer3.user_id))
    advance(office.ctx, office.head, case.id, "file")
    return case.id


def _counts(office) -> tuple[int, int, int]:
    with office.ctx.db.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Case, Evidence, DocumentRecord))


def _refused_as_expired(call) -> None:
    with pytest.raises(DomainError) as refused:
        call()
    assert ZHAO_EXPIRED in str(refused.value)
    assert refused.value.rule == CERTIFICATE_RULE


def test_an_officer_whose_certificate_ran_out_takes_no_enforcement_step_and_nothing_is_saved(office, tmp_path):
    case_id = _case_handled_by_wang_and_zhao(office)
    office.at(AFTER_EXPIRY)
    version = get_case(office.ctx, office.officer3, case_id).version
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg, but a file")
    before, counts = db_snapshot(office, case_id), _counts(office)
    zhao = office.officer3
    steps = {
        "edit": lambda: update_case(office.ctx, zhao, case_id, version, facts="经查，当事人未取得执业许可"),
        "evidence": lambda: add_evidence(office.ctx, zhao, case_id, photo, evidence_type="视听资料"),
        "propose": lambda: set_proposal(office.ctx, zhao, case_id, version,
                                        Proposal(Outcome.PENALTY, ("罚款",), fine=Decimal("5000"), **LEGAL_BASIS)),
        "major flag": lambda: set_major_flags(office.ctx, zhao, case_id, {"public_interest"}),
        "action": lambda: advance(office.ctx, zhao, case_id, "close_investigation"),
        "pause": lambda: record_decision_pause(office.ctx, zhao, case_id, kind="检验", started_on=AFTER_EXPIRY),
        "document": lambda: issue_document(office.ctx, zhao, case_id, "inquiry_record"),
    }  # fmt: skip
    for call in steps.values():
        _refused_as_expired(call)
    assert db_snapshot(office, case_id) == before and _counts(office) == counts
    detail = get_case(office.ctx, office.officer3, case_id)
    assert detail.facts == "" and detail.proposal is None
    # The desk shows why the action button is off.
    close = next(a for a in get_case(office.ctx, zhao, case_id).actions if a.action.key == "close_investigation")
    assert not close.allowed and any(ZHAO_EXPIRED in r for r in close.reasons)
    # 王强, the other handler, whose certificate runs to 2028, goes on.
    edited = update_case(office.ctx, office.officer, case_id, version, facts="经查，当事人未取得执业许可")
    assert edited.facts == "经查，当事人未取得执业许可"


def test_the_certificate_counts_to_its_last_day_of_validity(office):
    case_id = _case_handled_by_wang_and_zhao(office)
    office.at(date(2026, 12, 31))
    version = get_case(office.ctx, office.officer3, case_id).version
    assert update_case(office.ctx, office.officer3, case_id, version, facts="现场检查发现").facts == "现场检查发现"
    office.at(date(2027, 1, 1))
    with pytest.raises(DomainError, match="已于 2026-12-31 到期"):
        update_case(office.ctx, office.officer3, case_id, version + 1, facts="改")


def test_an_officer_whose_certificate_ran_out_cannot_be_named_handler_nor_accept_a_case(office):
    office.at(AFTER_EXPIRY)
    counts = _counts(office)
    with pytest.raises(DomainError) as refused:
        new_case(office, handler_ids=(office.officer.user_id, office.officer3.user_id), discovered_on=AFTER_EXPIRY)
    assert "赵磊的执法证（编号 3713002023003）已于 2026-12-31 到期，不能担任承办人" in str(refused.value)
    assert refused.value.rule == CERTIFICATE_RULE
    draft = CaseDraft(CaseSource.INSPECTION, office.person_party_id, "未取得医疗机构执业许可证擅自执业",
                      (office.officer.user_id, office.officer2.user_id), AFTER_EXPIRY)  # fmt: skip
    _refused_as_expired(lambda: create_case(office.ctx, office.officer3, draft))
    onsite = CaseDraft(CaseSource.INSPECTION, office.person_party_id, "公共场所未公示卫生许可证",
                       (office.officer3.user_id, office.officer.user_id), AFTER_EXPIRY, facts="未公示卫生许可证")  # fmt: skip
    _refused_as_expired(lambda: create_onsite_case(
        office.ctx, office.officer3, onsite, penalty_kinds=("警告",), fine=Decimal(0),
        violated_provision="《公共场所卫生管理条例实施细则》第十条第一款", legal_basis="《公共场所卫生管理条例实施细则》第三十七条"))  # fmt: skip
    assert _counts(office) == counts
    # With two handlers holding valid certificates the same case is accepted.
    assert create_case(office.ctx, office.officer, draft).stage is Stage.ACCEPTED


def test_a_certificate_with_no_validity_or_no_number_blocks_the_officer_likewise(office):
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    with office.ctx.db.write() as session:  # records carried over from before validity was kept
        session.get(User, office.officer.user_id).cert_valid_until = None
        session.get(User, office.officer2.user_id).cert_no = None
    version = get_case(office.ctx, office.officer, case_id).version
    before = db_snapshot(office, case_id)
    with pytest.raises(DomainError, match="王强的执法证（编号 3713002023001）未登记有效期，不能办理执法事项") as refused:
        update_case(office.ctx, office.officer, case_id, version, facts="x")
    assert refused.value.rule == CERTIFICATE_RULE
    with pytest.raises(DomainError, match="李娜未登记执法证，不能办理执法事项"):
        update_case(office.ctx, office.officer2, case_id, version, facts="x")
    draft = CaseDraft(CaseSource.INSPECTION, office.person_party_id, "未取得医疗机构执业许可证擅自执业",
                      (office.officer3.user_id, office.officer2.user_id), date(2026, 11, 1))  # fmt: skip
    with pytest.raises(DomainError, match="李娜未登记执法证，不能担任承办人"):
        create_case(office.ctx, office.officer3, draft)
    assert db_snapshot(office, case_id) == before


def test_heads_act_as_heads_without_a_certificate(office):
    # 陈军 is a head with no 执法证 registered: approving the filing is the head's act, not an officer's step.
    case = new_case(office)
    assert advance(office.ctx, office.head, case.id, "file").stage is Stage.INVESTIGATING


def test_the_officer_is_reminded_thirty_days_before_the_certificate_runs_out(office):
    office.at(date(2026, 11, 30))
    assert my_certificate_notice(office.ctx, office.officer3) is None  # 31 days left
    office.at(date(2026, 12, 1))
    notice = my_certificate_notice(office.ctx, office.officer3)
    assert notice is not None and not notice.expired and notice.days_left == 30
    assert notice.text == (
        "提醒：你的执法证（编号 3713002023003）将于 2026-12-31 到期（剩余 30 天），到期后不能办理执法事项；"
        "请及时换证并更新执法证信息"
    )
    office.at(date(2026, 12, 31))
    assert "今天是有效期的最后一天" in my_certificate_notice(office.ctx, office.officer3).text
    office.at(date(2027, 1, 1))
    expired = my_certificate_notice(office.ctx, office.officer3)
    assert expired.expired and expired.text.startswith("注意：你的执法证（编号 3713002023003）已于 2026-12-31 到期")
    assert CERTIFICATE_RULE in expired.text
    assert my_certificate_notice(office.ctx, office.officer) is None  # valid to 2028
    assert my_certificate_notice(office.ctx, office.head) is None  # heads are not reminded


def test_the_admin_records_the_renewed_certificate_and_the_officer_works_again(office):
    from enforcement_desk.admin.users import set_certificate
    from enforcement_desk.core.errors import PermissionDenied
    from enforcement_desk.store.models import AuditEvent

    case_id = _case_handled_by_wang_and_zhao(office)
    office.at(AFTER_EXPIRY)
    version = get_case(office.ctx, office.officer3, case_id).version
    _refused_as_expired(lambda: update_case(office.ctx, office.officer3, case_id, version, facts="补充事实"))
    with pytest.raises(PermissionDenied):
        set_certificate(office.ctx, office.head, "zhao", cert_no="3713002027001", valid_until=date(2030, 12, 31))
    with pytest.raises(DomainError, match="已早于今天"):
        set_certificate(office.ctx, office.admin, "zhao", cert_no="3713002027001", valid_until=date(2027, 1, 3))
    with pytest.raises(DomainError, match="不是执法人员"):
        set_certificate(office.ctx, office.admin, "chen", cert_no="X", valid_until=date(2030, 12, 31))
    renewed = set_certificate(office.ctx, office.admin, "zhao", cert_no="3713002027001", valid_until=date(2030, 12, 31))
    assert (renewed.cert_no, renewed.cert_valid_until) == ("3713002027001", date(2030, 12, 31))
    assert update_case(office.ctx, office.officer3, case_id, version, facts="补充事实").facts == "补充事实"
    with office.ctx.db.read() as session:
        payload = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "user_certificate_set")).one()
    assert "3713002023003" in payload and "3713002027001" in payload
