"""Working days under the State Council's yearly holiday notice (国务院办公厅关于部分节假日安排的通知).

Three sources, in order of precedence:
1. tables an agency administrator entered (for years the bundled data does not know yet);
2. the bundled `chinese_calendar` package, which carries the published notices;
3. nothing: weekends only, and every computation that touches such a year says so — the law's
   periods must still be shown, never an exception (domain.md §1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import chinese_calendar

from enforcement_desk.core.errors import DomainError

SOURCE_BUNDLED = "国务院办公厅节假日安排（内置）"
SOURCE_AGENCY = "本机关录入的节假日安排"
SOURCE_NONE = "无节假日安排（仅排除周末）"


@dataclass(frozen=True)
class HolidayTable:
    """One year's statutory holidays and make-up working days (调休上班的周末)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """The table as JSON-ready data (dates as sorted ISO text), as the agency settings keep it."""
        return {
            "year": self.year,
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "workdays": sorted(d.isoformat() for d in self.workdays),
            "note": self.note,
        }


def _parse_day(text: Any, year: int, label: str) -> date:
    try:
        day = date.fromisoformat(str(text).strip())
    except ValueError:
        raise DomainError(f"{year}年节假日安排中的{label}“{text}”不是有效日期（应为 YYYY-MM-DD）") from None
    if day.year != year:
        raise DomainError(f"{year}年节假日安排中的{label}“{text}”不在{year}年内")
    return day


def parse_holiday_table(data: Mapping[str, Any]) -> HolidayTable:
    """Validate an agency-entered table; every problem is named in Chinese."""
    try:
        year = int(data["year"])
    except (KeyError, TypeError, ValueError):
        raise DomainError("节假日安排缺少有效的年份") from None
    if not 2000 <= year <= 2100:
        raise DomainError(f"节假日安排的年份 {year} 超出范围（2000–2100）")
    holidays = frozenset(_parse_day(d, year, "放假日期") for d in data.get("holidays", ()))
    workdays = frozenset(_parse_day(d, year, "调休上班日期") for d in data.get("workdays", ()))
    both = holidays & workdays
    if both:
        first = min(both).isoformat()
        raise DomainError(f"{first} 不能既是放假日又是调休上班日")
    weekday_workdays = sorted(d for d in workdays if d.weekday() < 5)
    if weekday_workdays:
        raise DomainError(
            f"{weekday_workdays[0].isoformat()} 是工作日，无需列为调休上班日（调休上班日应为周末）"
        )
    return HolidayTable(year, holidays, workdays, str(data.get("note", "")))


def _bundled_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkingDayCalendar:
    """Answers "is this a working day" and counts working days, per the loaded holiday notices."""

    def __init__(self, agency_tables: Iterable[Mapping[str, Any] | HolidayTable] = ()):
        tables: dict[int, HolidayTable] = {}
        for raw in agency_tables:
            table = raw if isinstance(raw, HolidayTable) else parse_holiday_table(raw)
            tables[table.year] = table
        self._agency_tables = tables
        self._bundled_years: dict[int, bool] = {}

    def source_for(self, year: int) -> str:
        """Where the year's holidays come from: the agency's own table, the bundled calendar, or none."""
        if year in self._agency_tables:
            return SOURCE_AGENCY
        known = self._bundled_years.get(year)
        if known is None:
            known = self._bundled_years[year] = _bundled_knows(year)
        return SOURCE_BUNDLED if known else SOURCE_NONE

    def has_table(self, year: int) -> bool:
        """True when the year's holidays and make-up workdays are known."""
        return self.source_for(year) != SOURCE_NONE

    def is_working_day(self, day: date) -> bool:
        """True when `day` is a working day: the year's holiday table decides, else Monday to Friday."""
        source = self.source_for(day.year)
        if source == SOURCE_AGENCY:
            table = self._agency_tables[day.year]
            if day in table.workdays:
                return True
            if day in table.holidays:
                return False
            return day.weekday() < 5
        if source == SOURCE_BUNDLED:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def is_statutory_holiday(self, day: date) -> bool:
        """A day of a holiday in the notice (not an ordinary weekend)."""
        source = self.source_for(day.year)
        if source == SOURCE_AGENCY:
            return day in self._agency_tables[day.year].holidays
        if source == SOURCE_BUNDLED:
            return day in chinese_calendar.holidays
        return False

    def first_working_day_from(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start`; the start day itself is not counted."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def missing_years(self, start: date, end: date) -> tuple[int, ...]:
        """The years between `start` and `end` whose holiday table is not known."""
        low, high = sorted((start.year, end.year))
        return tuple(year for year in range(low, high + 1) if not self.has_table(year))


def missing_table_warning(year: int) -> str:
    """The warning shown when a year's holidays are unknown and only weekends are excluded."""
    return (
        f"尚未载入{year}年的节假日安排，{year}年内的期限暂按仅排除周末计算；"
        f"国务院公布放假安排后，请管理员在“设置—节假日”中录入"
    )
