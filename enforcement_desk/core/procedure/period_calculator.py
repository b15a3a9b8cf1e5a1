"""The period calculator an officer asks "five working days from 9-29?": the last day, with every day it
skipped and why, and the shift of a last day that falls on a rest day.

Counting (domain.md §1): the start day is not counted. Working-day periods (行政处罚法 art. 85 for its
2/3/5/7-day periods, 行政强制法 art. 69 for its periods of ten days or less) skip statutory holidays and
rest days and count make-up working weekends (调休). Calendar-day periods end on the last day, moved to
the next working day when that day is a holiday or rest day (民事诉讼法 art. 85 by analogy, 行政诉讼法
art. 102).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from enforcement_desk.core.procedure.calendar import WorkingDayCalendar, missing_table_warning

MAX_PERIOD_DAYS = 3660  # ten years: beyond any period of the procedure, and a guard against typos


@dataclass(frozen=True)
class SkippedDay:
    """A day the counting left out, with why (法定节假日 or 休息日)."""

    day: date
    reason: str  # 法定节假日 / 休息日


@dataclass(frozen=True)
class PeriodResult:
    """A period counted step by step: its start, length, unit, due day and every day skipped or shifted."""

    start: date
    length: int
    working_days: bool
    due_on: date
    skipped: tuple[SkippedDay, ...] = ()
    makeup_workdays: tuple[date, ...] = ()  # weekends worked under the holiday notice, counted
    shifted_from: date | None = None  # the calendar last day, when it fell on a holiday or rest day
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def explanation(self) -> tuple[str, ...]:
        """The counting in sentences, in the order it happened."""
        unit = "个工作日" if self.working_days else "日"
        lines = [f"自 {self.start} 起算（当日不计入），{self.length}{unit}"]
        days = [(s.day, f"{s.day} {s.reason}，不计入") for s in self.skipped]
        days += [(day, f"{day} 为调休上班日，计入工作日") for day in self.makeup_workdays]
        lines += [text for _, text in sorted(days)]
        if self.shifted_from is not None:
            lines.append(f"期限末日 {self.shifted_from} 为节假日或休息日，顺延至其后第一个工作日")
        lines.append(f"期限届满日：{self.due_on}")
        return tuple(lines)


def _reason(day: date, calendar: WorkingDayCalendar) -> str:
    return "法定节假日" if calendar.is_statutory_holiday(day) else "休息日"


def compute_period(start: date, length: int, calendar: WorkingDayCalendar, *, working_days: bool) -> PeriodResult:
    """The last day of a period of `length` working days or calendar days started on `start`."""
    if length <= 0 or length > MAX_PERIOD_DAYS:
        raise ValueError(f"期限天数应在 1 到 {MAX_PERIOD_DAYS} 之间")
    if working_days:
        day, counted, skipped, makeup = start, 0, [], []
        while counted < length:
            day += timedelta(days=1)
            if calendar.is_working_day(day):
                counted += 1
                if day.weekday() >= 5:
                    makeup.append(day)
            else:
                skipped.append(SkippedDay(day, _reason(day, calendar)))
        due, shifted = day, None
    else:
        last = start + timedelta(days=length)
        due = calendar.first_working_day_from(last)
        shifted = last if due != last else None
        skipped = [SkippedDay(last + timedelta(days=i), _reason(last + timedelta(days=i), calendar))
                   for i in range((due - last).days)]  # fmt: skip
        makeup = []
    warnings = tuple(missing_table_warning(year) for year in calendar.missing_years(start, due))
    return PeriodResult(start, length, working_days, due, tuple(skipped), tuple(makeup), shifted, warnings)
