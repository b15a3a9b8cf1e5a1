"""Legal periods on the working-day calendar: 2026 holidays, make-up workdays, and years with no table."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar, parse_holiday_table
from enforcement_desk.core.procedure.periods import PERIODS, Unit, add_months, compute_deadline, urgency

CAL = WorkingDayCalendar()
TABLE_2027 = {
    "year": 2027,
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"],
    "workdays": [],
    "note": "测试用：元旦",
}


@pytest.mark.parametrize(
    ("key", "start", "due"),
    [
        # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked.
        ("defence", date(2026, 9, 29), date(2026, 10, 9)),
        ("hearing_request", date(2026, 9, 29), date(2026, 10, 12)),
        ("hearing_request", date(2026, 10, 5), date(2026, 10, 13)),
        ("service", date(2026, 9, 30), date(2026, 10, 15)),
        # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked.
        ("defence", date(2026, 2, 12), date(2026, 2, 24)),
        ("service", date(2026, 2, 13), date(2026, 3, 2)),
        ("publicity", date(2026, 2, 11), date(2026, 2, 27)),
        # Calendar-day periods whose last day is a holiday end on the next working day.
        ("payment", date(2026, 9, 16), date(2026, 10, 8)),
        ("decision", date(2026, 7, 4), date(2026, 10, 8)),
        ("payment", date(2026, 2, 1), date(2026, 2, 24)),
        # ...and a last day on an ordinary weekend moves to Monday.
        ("payment", date(2026, 11, 6), date(2026, 11, 23)),
        ("payment", date(2026, 11, 2), date(2026, 11, 17)),
        ("reconsideration", date(2026, 11, 2), date(2027, 1, 1)),  # no 2027 table: a Friday counts
        ("lawsuit", date(2026, 8, 31), date(2027, 3, 1)),
    ],
)
def test_periods_count_working_days_and_move_off_holidays(key, start, due):
    assert compute_deadline(key, start, CAL).due == due


def test_the_start_day_is_not_counted():
    # Monday 2026-11-02: three working days are Tue, Wed, Thu.
    assert compute_deadline("defence", date(2026, 11, 2), CAL).due == date(2026, 11, 5)


def test_a_make_up_saturday_counts_as_a_working_day():
    assert CAL.is_working_day(date(2026, 10, 10))
    assert CAL.is_working_day(date(2026, 2, 14))
    assert not CAL.is_working_day(date(2026, 10, 8 - 1))
    assert CAL.is_statutory_holiday(date(2026, 10, 1))
    assert not CAL.is_statutory_holiday(date(2026, 11, 7))  # an ordinary Saturday


def test_a_year_without_a_holiday_table_counts_weekends_only_and_says_so():
    deadline = compute_deadline("defence", date(2026, 12, 30), CAL)
    # 12-31 (Thu), 2027-01-01 (Fri, unknown: counted as working), 01-04 (Mon).
    assert deadline.due == date(2027, 1, 4)
    assert len(deadline.warnings) == 1
    assert "2027年" in deadline.warnings[0] and "仅排除周末" in deadline.warnings[0]
    assert compute_deadline("defence", date(2026, 11, 2), CAL).warnings == ()


def test_an_agency_table_fills_a_missing_year_and_removes_the_warning():
    calendar = WorkingDayCalendar(agency_tables=[TABLE_2027])
    deadline = compute_deadline("defence", date(2026, 12, 30), calendar)
    assert deadline.due == date(2027, 1, 5)
    assert deadline.warnings == ()
    assert compute_deadline("payment", date(2026, 12, 17), calendar).due == date(2027, 1, 4)


def test_configured_lengths_override_the_defaults():
    due = compute_deadline("defence", date(2026, 11, 2), CAL, overrides={"defence": 5}).due
    assert due == date(2026, 11, 9)


def test_the_crime_transfer_runs_twenty_four_hours_from_approval():
    approved = datetime(2026, 9, 30, 16, 30)
    deadline = compute_deadline("crime_transfer", approved, CAL)
    assert deadline.due == datetime(2026, 10, 1, 16, 30)  # hours are not moved off holidays
    assert "第五条" in deadline.article


def test_every_period_names_its_article():
    for period in PERIODS.values():
        assert period.article and period.name and period.length > 0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"holidays": []}, "年份"),
        ({"year": 2027, "holidays": ["2027-13-01"]}, "不是有效日期"),
        ({"year": 2027, "holidays": ["2028-01-01"]}, "不在2027年内"),
        ({"year": 2027, "holidays": ["2027-01-02"], "workdays": ["2027-01-02"]}, "既是放假日又是调休上班日"),
        ({"year": 2027, "workdays": ["2027-01-04"]}, "无需列为调休上班日"),
    ],
)
def test_a_bad_holiday_table_is_refused_with_a_reason(table, message):
    with pytest.raises(DomainError, match=message):
        parse_holiday_table(table)


def test_urgency_levels():
    today = date(2026, 11, 22)
    assert urgency(date(2026, 11, 21), today) == "overdue"
    assert urgency(today, today) == "due_today"
    assert urgency(date(2026, 11, 25), today) == "due_soon"
    assert urgency(date(2026, 11, 26), today) == "ok"


def test_month_arithmetic_clamps_to_the_end_of_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=days, count=st.integers(min_value=1, max_value=30))
def test_adding_working_days_lands_on_a_working_day_exactly_count_working_days_later(start, count):
    due = CAL.add_working_days(start, count)
    assert due > start
    assert CAL.is_working_day(due)
    assert CAL.working_days_between(start, due) == count
    assert CAL.working_days_between(start, due - timedelta(days=1)) == count - 1


@settings(max_examples=300, deadline=None)
@given(start=days, key=st.sampled_from([k for k, p in PERIODS.items() if p.unit is not Unit.HOURS]))
def test_every_day_period_ends_on_a_working_day_no_earlier_than_its_length(start, key):
    deadline = compute_deadline(key, start, CAL)
    assert CAL.is_working_day(deadline.due)
    period = PERIODS[key]
    if period.unit is Unit.CALENDAR_DAYS:
        nominal = start + timedelta(days=period.length)
        # the longest run of rest days in a notice is nine (Spring Festival 2026)
        assert nominal <= deadline.due <= nominal + timedelta(days=10)
    missing = {y for y in range(start.year, deadline.due.year + 1) if not CAL.has_table(y)}
    assert len(deadline.warnings) == len(missing)


@settings(max_examples=200, deadline=None)
@given(
    start=days, first=st.integers(min_value=0, max_value=15), second=st.integers(min_value=0, max_value=15)
)
def test_working_day_addition_is_associative(start, first, second):
    in_two_steps = CAL.add_working_days(CAL.add_working_days(start, first), second)
    assert in_two_steps == CAL.add_working_days(start, first + second)


def test_a_partys_period_that_ran_out_is_elapsed_not_overdue():
    today = date(2026, 11, 22)
    assert urgency(date(2026, 11, 20), today, key="defence") == "elapsed"
    assert urgency(date(2026, 11, 20), today, key="payment") == "overdue"
