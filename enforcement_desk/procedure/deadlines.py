"""Legal deadlines of cases: recorded when a period starts, closed when it is met, listed by urgency."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar, missing_table_warning
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
    """Open a deadline of period `key` for the case from `start` (plus any extension days, the last day then
    moved off a holiday again) and return it."""
    computed = deadline(key, start, settings, calendar)
    due = computed.due
    due_at = due if isinstance(due, datetime) else None
    due_on = due.date() if isinstance(due, datetime) else due
    if extra_days:
        due_on = calendar.first_working_day_from(date.fromordinal(due_on.toordinal() + extra_days))
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


def extend_deadline(
    session: Session,
    case_id: int,
    key: str,
    new_due: date,
    calendar: WorkingDayCalendar,
    *,
    on: date,
    note: str,
    basis: str,
) -> Deadline:
    """The case's open deadline of `key` closed as extended on `on`, and its continuation opened: the same
    period and start, due on `new_due`, its name saying how it was extended (`note`) and its article the
    extension's `basis` after the period's own."""
    current = session.scalars(
        select(Deadline)
        .where(Deadline.case_id == case_id, Deadline.key == key, Deadline.status == "open")
        .order_by(Deadline.id.desc())
    ).first()
    if current is None:
        raise DomainError("没有可延长的期限")
    base_name, base_article = current.name.split("（")[0], current.article.split("；延长：")[0]
    row = Deadline(
        case_id=case_id, key=key, name=f"{base_name}（{note}）"[:100], article=f"{base_article}；延长：{basis}"[:200],
        start_on=current.start_on,
        due_on=new_due, due_at=None, status="open",
        warnings=[missing_table_warning(y) for y in calendar.missing_years(current.start_on, new_due)],
    )  # fmt: skip
    close_deadlines(session, case_id, key, on=on, status="extended")
    session.add(row)
    session.flush()
    return row


def resume_deadline(
    session: Session,
    case_id: int,
    key: str,
    new_due: date,
    calendar: WorkingDayCalendar,
    *,
    on: date,
    note: str,
    basis: str,
) -> Deadline:
    """The case's deadline of `key` that was closed as paused (time not counted, 卫生健康行政处罚程序规定 art. 42(3))
    opened again on `on` as its continuation: the same period and start, due on `new_due`, its name saying what
    was not counted (`note`) and its article the pause's `basis` after the period's own."""
    paused = session.scalars(
        select(Deadline)
        .where(Deadline.case_id == case_id, Deadline.key == key, Deadline.status == "paused")
        .order_by(Deadline.id.desc())
    ).first()
    if paused is None:
        raise DomainError("没有暂停计算的期限")
    base_name, base_article = paused.name.split("（")[0], paused.article.split("；不计入期间：")[0]
    row = Deadline(
        case_id=case_id, key=key, name=f"{base_name}（{note}）"[:100],
        article=f"{base_article}；不计入期间：{basis}"[:200],
        start_on=paused.start_on, due_on=new_due, due_at=None, status="open",
        warnings=[missing_table_warning(y) for y in calendar.missing_years(paused.start_on, new_due)],
    )  # fmt: skip
    paused.status, paused.closed_on = "resumed", on
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


def open_execution_periods(
    session: Session, case_id: int, served_on: date, settings: AgencySettings, calendar: WorkingDayCalendar, *,
    money_owed: bool,
) -> None:  # fmt: skip
    """At the service of a penalty decision: the party's 60 days to seek 行政复议 (行政复议法 art. 20) and six
    months to sue (行政诉讼法 art. 46), and, when money is owed, the agency's three months to apply to the
    court, counted from the suit period's last day (行政强制法 art. 53; 行诉法解释 art. 156)."""
    open_deadline(session, case_id, "reconsideration", served_on, settings, calendar)
    suit = open_deadline(session, case_id, "lawsuit", served_on, settings, calendar)
    if money_owed:
        open_deadline(session, case_id, "enforcement_application", suit.due_on, settings, calendar)


def move_application_window(
    session: Session, case_id: int, start: date, settings: AgencySettings, calendar: WorkingDayCalendar, *, on: date
) -> None:
    """Count the three months to apply to the court from a later day (a payment plan's last day, 行政处罚法
    art. 72(2); a review's or suit's outcome): the open window is closed as moved and opened again."""
    current = session.scalars(
        select(Deadline).where(
            Deadline.case_id == case_id, Deadline.key == "enforcement_application", Deadline.status == "open"
        )
    ).first()
    if current is None or current.start_on >= start:
        return
    close_deadlines(session, case_id, "enforcement_application", on=on, status="moved")
    open_deadline(session, case_id, "enforcement_application", start, settings, calendar)


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
