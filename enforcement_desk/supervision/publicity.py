"""行政处罚信息公示 (art. 48): a record per decision, due within the agency's period; its publication;
a withdrawal within 3 working days when a decision is changed or revoked; the export for the platform."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.procedure.periods import urgency
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.core.supervision.publicity import PUBLICITY_FIELDS, masked_for_publication
from enforcement_desk.procedure.calendars import calendar_for, deadline
from enforcement_desk.procedure.case_records import current_proposal
from enforcement_desk.procedure.cases import load_case
from enforcement_desk.procedure.deadlines import agency_settings, close_deadlines, open_deadline
from enforcement_desk.store.models import Agency, Case
from enforcement_desk.store.models_publicity import PublicityRecord
from enforcement_desk.supervision import record_supervision_event
from enforcement_desk.supervision.reporter_privacy import refuse_reporter_identity

PUBLICATION_TERM = timedelta(days=365)  # general penalty information stays public for a year


@dataclass(frozen=True)
class PublicityView:
    """A publicity record as listed: publish or withdraw, due day, published or not, urgency and fields."""

    id: int
    case_id: int
    kind: str
    due_on: date
    published_on: date | None
    urgency: str
    fields: dict[str, str]
    reason: str


def _wan(amount: Decimal | None) -> str:
    return "" if not amount else f"{amount / Decimal(10000):.6f}".rstrip("0").rstrip(".")


def decision_fields(case: Case, agency: Agency) -> dict[str, Any]:
    """The fields of a penalty decision published under 行政处罚法 art. 48: party, decision number, facts,
    basis, penalty, amounts in 万元, dates and the agency."""
    party = case.party
    person = party.kind == "person"
    proposal = current_proposal(object_session(case), case.id)
    kinds = list(case.penalty_kinds or ())
    licence = "、".join(k for k in kinds if "吊销" in k or "暂扣" in k)
    content = "；".join(kinds) + (f"；罚款{case.fine_amount}元" if case.fine_amount else "")
    return {
        "party_name": party.name, "party_kind": "自然人" if person else "法人及非法人组织",
        "uscc": "" if person else party.id_number, "legal_representative": "" if person else party.legal_representative,
        "id_number": party.id_number if person else "", "decision_no": case.decision_no, "violation_type": case.cause,
        "facts": case.facts, "basis": proposal.legal_basis if proposal else "", "penalty_kinds": "、".join(kinds),
        "penalty_content": content, "fine": _wan(case.fine_amount), "confiscation": _wan(case.confiscation_amount),
        "licence": licence, "decided_on": case.decided_on.isoformat() if case.decided_on else "",
        "publicity_until": (case.decided_on + PUBLICATION_TERM).isoformat() if case.decided_on else "",
        "agency_name": agency.name, "agency_uscc": agency.uscc or "",
    }  # fmt: skip


def record_decision_publicity(
    session: Session, case: Case, agency: Agency, today: date, settings: AgencySettings
) -> None:
    """Called in the deciding transaction: the record to publish, due with the publicity deadline. Refused
    when a field would carry the identity of someone who complained about the case."""
    due = deadline("publicity", today, settings, calendar_for(settings)).due
    fields = decision_fields(case, agency)
    refuse_reporter_identity(session, case.id, _titled(fields), "行政处罚信息公示")
    session.add(
        PublicityRecord(
            agency_id=agency.id,
            case_id=case.id,
            kind="publish",
            due_on=due,
            fields=fields,
            reason="",
            created_at=datetime.now(),
        )  # fmt: skip
    )


def _titled(fields: dict[str, Any]) -> dict[str, str]:
    """The fields under their column titles, as a refusal names them."""
    return {title: "" if fields.get(key) is None else str(fields.get(key)) for key, title in PUBLICITY_FIELDS}


def _view(record: PublicityRecord, today: date) -> PublicityView:
    state = "met" if record.published_on else urgency(record.due_on, today)
    return PublicityView(record.id, record.case_id, record.kind, record.due_on, record.published_on, state,
                         masked_for_publication(record.fields), record.reason)  # fmt: skip


def list_publicity(ctx: AppContext, actor: Actor, *, pending_only: bool = False) -> list[PublicityView]:
    """The agency's publicity records by due day, optionally only those not yet published."""
    with ctx.db.read() as session:
        query = select(PublicityRecord).where(PublicityRecord.agency_id == actor.agency_id)
        if pending_only:
            query = query.where(PublicityRecord.published_on.is_(None))
        rows = session.scalars(query.order_by(PublicityRecord.due_on, PublicityRecord.id))
        return [_view(r, ctx.today()) for r in rows]


@allowed(Role.OFFICER, Role.HEAD, Role.ADMIN, action="登记公示")
def mark_published(
    ctx: AppContext, actor: Actor, record_id: int, published_on: date | None = None
) -> PublicityView:
    """Record a publication or withdrawal (行政处罚法 art. 48) on a day not after today, closing its
    deadline and auditing it."""
    published_on = published_on or ctx.today()
    if published_on > ctx.today():
        raise DomainError("公示日期不能晚于今天")
    with ctx.db.write() as session:
        record = session.get(PublicityRecord, record_id)
        if record is None or record.agency_id != actor.agency_id:
            raise NotFound(f"公示记录 #{record_id} 不存在")
        if record.published_on:
            raise DomainError(f"公示记录 #{record_id} 已于 {record.published_on} 登记公示")
        record.published_on, record.published_by = published_on, actor.user_id
        key = "publicity" if record.kind == "publish" else "publicity_withdrawal"
        close_deadlines(session, record.case_id, key, on=published_on)
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login,
            action="publicity_published" if record.kind == "publish" else "publicity_withdrawn",
            entity="publicity", entity_id=record.id, case_id=record.case_id, payload={"on": published_on},
        )  # fmt: skip
        return _view(record, ctx.today())


@allowed(Role.HEAD, Role.ADMIN, action="撤回公示")
def withdraw_publicity(ctx: AppContext, actor: Actor, case_id: int, reason: str) -> PublicityView:
    """A decision was changed, revoked or declared illegal: withdraw within 3 working days, with the reason."""
    reason = require_text(reason, "撤回理由")
    today = ctx.today()
    with ctx.db.write() as session:
        case = load_case(session, actor, case_id)
        agency, settings = agency_settings(session, actor.agency_id)
        published = session.scalars(
            select(PublicityRecord).where(
                PublicityRecord.case_id == case.id, PublicityRecord.kind == "publish"
            )
        ).first()
        if published is None:
            raise DomainError("该案件没有公示记录，无需撤回")
        row = open_deadline(session, case.id, "publicity_withdrawal", today, settings, calendar_for(settings))
        record = PublicityRecord(
            agency_id=agency.id, case_id=case.id, kind="withdraw", due_on=row.due_on, fields=dict(published.fields),
            reason=reason, created_at=datetime.now(),
        )  # fmt: skip
        session.add(record)
        session.flush()
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="publicity_withdrawal_opened",
            entity="publicity", entity_id=record.id, case_id=case.id, payload={"reason": reason, "due_on": row.due_on},
        )  # fmt: skip
        return _view(record, today)


def export_publicity(ctx: AppContext, actor: Actor, target: Path) -> Path:
    """The platform's columns (XLSX or CSV by suffix); masked, every field filled or written as 无.
    Refused, naming the decision and the column, when a row would carry the identity of someone who
    complained about that case (投诉举报人身份保密); nothing is written then."""
    rows = [r for r in list_publicity(ctx, actor) if r.kind == "publish"]
    withdrawn = {r.case_id: r.reason for r in list_publicity(ctx, actor) if r.kind == "withdraw"}
    headers = [title for _, title in PUBLICITY_FIELDS] + ["公示状态", "撤回理由"]
    table = [
        [r.fields[key] for key, _ in PUBLICITY_FIELDS]
        + ["已撤回" if r.case_id in withdrawn else ("已公示" if r.published_on else "待公示"), withdrawn.get(r.case_id, "无")]
        for r in rows
    ]  # fmt: skip
    with ctx.db.read() as session:
        for r, row in zip(rows, table, strict=True):
            refuse_reporter_identity(session, r.case_id, dict(zip(headers, row, strict=True)),
                                     f"行政处罚信息公示（决定书 {r.fields['decision_no']}）")  # fmt: skip
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".csv":
        with target.open(
            "w", encoding="utf-8-sig", newline=""
        ) as out:  # BOM: Excel opens Chinese CSV correctly
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows(table)
    elif target.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "行政处罚信息"
        sheet.append(headers)
        for row in table:
            sheet.append(row)
        book.save(target)
    else:
        raise DomainError("导出文件应为 .xlsx 或 .csv")
    with ctx.db.write() as session:
        record_supervision_event(
            session, actor_id=actor.user_id, actor_login=actor.login, action="publicity_exported", entity="publicity",
            entity_id=len(table), payload={"rows": len(table), "to": str(target)},
        )  # fmt: skip
    return target
