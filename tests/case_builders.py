"""Small builders shared by service tests: a case with sensible defaults, and a snapshot to prove
that a refused step changed nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from enforcement_desk.core.stages import CaseSource
from enforcement_desk.procedure.cases import CaseDraft, create_case
from enforcement_desk.store.models import AuditEvent, Case, StageChange

# The articles of new_case's cause, for a penalty proposal: a notice or decision needs both.
LEGAL_BASIS = {
    "violated_provision": "《中华人民共和国基本医疗卫生与健康促进法》第三十八条第二款",
    "legal_basis": "《中华人民共和国基本医疗卫生与健康促进法》第九十九条第一款",
}


def new_case(office, **changes):
    draft = dict(
        source=CaseSource.INSPECTION,
        party_id=office.person_party_id,
        cause="未取得医疗机构执业许可证擅自执业",
        handler_ids=(office.officer.user_id, office.officer2.user_id),
        discovered_on=date(2026, 11, 1),
        act_date=date(2026, 9, 1),
        source_detail="日常监督检查中发现",
        location="沂水县许家湖镇某村 56 号",
    )
    draft.update(changes)
    return create_case(office.ctx, office.officer, CaseDraft(**draft))


def db_snapshot(office, case_id):
    with office.ctx.db.read() as session:
        case = session.get(Case, case_id)
        return (
            case.stage,
            case.version,
            session.scalar(
                select(func.count()).select_from(StageChange).where(StageChange.case_id == case_id)
            ),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )
