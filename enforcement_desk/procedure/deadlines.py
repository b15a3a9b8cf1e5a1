"""Legal deadlines of cases: recorded when a period starts, closed when it is met, listed by urgency."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar
from enforcement_desk.core.procedure.period_calculator import PeriodResult
from enforcement_desk.core.procedure.period_calculator import compute_period as compute_period_in
from enforcement_desk.core.procedure.periods import urgency
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.procedure.calendars import deadline
from enforcement_desk.procedure.case_views import DeadlineView
from enforcement_desk.store.models import Agency, Case, CaseHandler, Deadline, Party


def open_deadline(
    session: Session,
    case_id: int,
    key: str,
    start: date | datetime,
    settings: AgencySettings,
    calendar: WorkingDayCalendar,
    *,
    extra_days: int = 0,
) -> Deadline:
    """Open a deadline of period `key` for the case from `start` (plus any extension days) and return it."""
    computed = deadline(key, start, settings, calendar)
    due = computed.due
    due_at = due if isinstance(due, datetime) else None
    due_on = due.date() if isinstance(due, datetime) else due
    if extra_days:
        due_on = date.fromordinal(due_on.toordinal() + extra_days)
    row = Deadline(
        case_id=case_id,
        key=key,
        name=computed.name,
        article=computed.article,
        start_on=start.date() if isinstance(start, datetime) else start,
        due_on=due_on,
        due_at=due_at,
        status="open",
        warnings=list(computed.warnings),
    )
    session.add(row)
    session.flush()
    return row


def close_deadlines(session: Session, case_id: int, *keys: str, on: date, status: str = "met") -> None:
    """Close the case's open deadlines of these keys on `on`, as met or with another status."""
    rows = session.scalars(
        select(Deadline).where(Deadline.case_id == case_id, Deadline.key.in_(keys), Deadline.status == "open")
    )
    for row in rows:
        row.status = status
        row.closed_on = on


def _view(row: Deadline, case_no: str, party_name: str, today: date) -> DeadlineView:
    if row.status != "open":
        level, remaining = "met", 0
    else:
        level = urgency(row.due_on, today, key=row.key)
        remaining = (row.due_on - today).days
    return DeadlineView(
        id=row.id,
        case_id=row.case_id,
        case_no=case_no,
        party_name=party_name,
        key=row.key,
        name=row.name,
        article=row.article,
        start_on=row.start_on,
        due_on=row.due_on,
        due_at=row.due_at,
        status=row.status,
        urgency=level,
        days_remaining=remaining,
        warnings=tuple(row.warnings or ()),
    )


def case_deadlines(
    session: Session, case_id: int, case_no: str, party_name: str, today: date
) -> tuple[DeadlineView, ...]:
    """The case's deadlines by due day, with their urgency on `today`."""
    rows = session.scalars(
        select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.due_on, Deadline.id)
    )
    return tuple(_view(r, case_no, party_name, today) for r in rows)


def due_deadlines(
    ctx: AppContext, actor: Actor, *, within_days: int = 7, mine_only: bool = False
) -> list[DeadlineView]:
    """Open deadlines that are overdue or due within `within_days`, most urgent first."""
    today = ctx.today()
    horizon = date.fromordinal(today.toordinal() + within_days)
    with ctx.db.read() as session:
        query = (
            select(Deadline, Case.case_no, func.coalesce(Case.decision_no, Case.filing_no), Party.name)
            .join(Case, Case.id == Deadline.case_id)
            .join(Party, Party.id == Case.party_id)
            .where(Case.agency_id == actor.agency_id, Deadline.status == "open", Deadline.due_on <= horizon)
            .order_by(Deadline.due_on, Deadline.id)
        )
        if mine_only:
            query = query.where(
                Case.id.in_(select(CaseHandler.case_id).where(CaseHandler.user_id == actor.user_id))
            )
        views = [
            _view(row, number or case_no, party, today)
            for row, case_no, number, party in session.execute(query)
        ]
        return [v for v in views if v.urgency != "elapsed"]


def agency_settings(session: Session, agency_id: int) -> tuple[Agency, AgencySettings]:
    """The agency row and its settings."""
    agency = session.get(Agency, agency_id)
    return agency, AgencySettings.from_json(agency.settings)


def compute_period(ctx: AppContext, start: date, length: int, *, working_days: bool) -> PeriodResult:
    """期限计算器: the last day of `length` working or calendar days from `start`, on the agency's holiday
    tables (bundled ones before the database is set up), with every skipped day explained."""
    from enforcement_desk.admin.setup import is_initialized
    from enforcement_desk.core.errors import DomainError
    from enforcement_desk.procedure.calendars import calendar_for

    settings = AgencySettings()
    if is_initialized(ctx):  # the agency's own holiday tables for later years
        with ctx.db.read() as session:
            _, settings = agency_settings(session, session.scalar(select(Agency.id).order_by(Agency.id).limit(1)))
    try:
        return compute_period_in(start, length, calendar_for(settings), working_days=working_days)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
