"""The agency's working-day calendar and its legal periods, built from its settings."""

from __future__ import annotations

from datetime import date

from enforcement_desk.core.procedure.calendar import WorkingDayCalendar
from enforcement_desk.core.procedure.periods import Deadline as PeriodDeadline
from enforcement_desk.core.procedure.periods import compute_deadline
from enforcement_desk.core.settings import AgencySettings

# Settings that shorten or lengthen a named period (domain.md: configurable).
PERIOD_OVERRIDES = {
    "filing": "filing_deadline_working_days",
    "defence": "defence_working_days",
    "publicity": "publicity_working_days",
    "legal_review": "review_time_limit_working_days",
    "random_results": "random_results_working_days",
    "complaint_reply": "complaint_reply_working_days",
}


def calendar_for(settings: AgencySettings) -> WorkingDayCalendar:
    """The working-day calendar of the agency, with its own holiday tables."""
    return WorkingDayCalendar(agency_tables=list(settings.holiday_tables))


def period_overrides(settings: AgencySettings) -> dict[str, int]:
    """The period lengths the agency's settings set, by period key."""
    return {key: getattr(settings, attr) for key, attr in PERIOD_OVERRIDES.items()}


def deadline(key: str, start: date, settings: AgencySettings, calendar: WorkingDayCalendar) -> PeriodDeadline:
    """The deadline of the period `key` started on `start`, with the agency's lengths and calendar."""
    return compute_deadline(key, start, calendar, overrides=period_overrides(settings))
