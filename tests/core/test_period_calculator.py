"""The period calculator: N working days or N days from a date, each skipped day explained."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcement_desk.core.procedure.calendar import WorkingDayCalendar
from enforcement_desk.core.procedure.period_calculator import compute_period

CALENDAR = WorkingDayCalendar()


def test_five_working_days_from_september_29_2026_skip_national_day_and_count_the_makeup_saturday():
    result = compute_period(date(2026, 9, 29), 5, CALENDAR, working_days=True)
    assert result.due_on == date(2026, 10, 12)
    assert [s.day for s in result.skipped if s.reason == "法定节假日"] == [date(2026, 10, d) for d in range(1, 8)]
    assert result.makeup_workdays == (date(2026, 10, 10),)
    assert result.explanation[-1] == "期限届满日：2026-10-12" and not result.warnings


def test_a_calendar_period_ending_in_a_holiday_moves_to_the_next_working_day():
    result = compute_period(date(2026, 9, 29), 3, CALENDAR, working_days=False)
    assert result.shifted_from == date(2026, 10, 2) and result.due_on == date(2026, 10, 8)


def test_a_year_without_a_holiday_table_counts_weekends_only_and_says_so():
    result = compute_period(date(2030, 4, 30), 3, CALENDAR, working_days=True)
    assert result.due_on == date(2030, 5, 3) and "2030年" in result.warnings[0]


@pytest.mark.parametrize("length", [0, -1, 100_000])
def test_a_length_out_of_range_is_refused(length):
    with pytest.raises(ValueError, match="期限天数"):
        compute_period(date(2026, 1, 5), length, CALENDAR, working_days=True)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@given(days, st.integers(min_value=1, max_value=40))
def test_working_day_periods_end_on_the_nth_working_day(start, length):
    result = compute_period(start, length, CALENDAR, working_days=True)
    assert CALENDAR.is_working_day(result.due_on)
    assert CALENDAR.working_days_between(start, result.due_on) == length
    between = [start + timedelta(days=i) for i in range(1, (result.due_on - start).days)]
    assert {s.day for s in result.skipped} == {d for d in between if not CALENDAR.is_working_day(d)}


@given(days, st.integers(min_value=1, max_value=400))
def test_calendar_periods_end_on_the_last_day_or_the_first_working_day_after(start, length):
    result = compute_period(start, length, CALENDAR, working_days=False)
    last = start + timedelta(days=length)
    assert result.due_on >= last and CALENDAR.is_working_day(result.due_on)
    assert all(not CALENDAR.is_working_day(last + timedelta(days=i)) for i in range((result.due_on - last).days))
    assert (result.shifted_from is None) == (result.due_on == last)
