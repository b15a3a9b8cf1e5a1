"""The named legal periods of a penalty case and how their last day is found.

Counting rules (domain.md §1): the day a period starts is not counted; art. 85 makes this law's
2/3/5/7-day periods working days; longer periods are calendar days and, when their last day is not a
working day (a statutory holiday or a rest day), they end on the next working day. Hour periods run
from the moment they start and are not moved.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from enforcement_desk.core.procedure.calendar import WorkingDayCalendar, missing_table_warning


class Unit(Enum):
    """The unit a period is counted in."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    HOURS = "hours"

    @property
    def label(self) -> str:
        """The unit in Chinese, e.g. 个工作日."""
        return {"working_days": "个工作日", "calendar_days": "日", "months": "个月", "hours": "小时"}[
            self.value
        ]


@dataclass(frozen=True)
class LegalPeriod:
    """A period the law (or the agency) sets: its key, name, length, unit and article."""

    key: str
    name: str
    length: int
    unit: Unit
    article: str


PERIODS: dict[str, LegalPeriod] = {
    p.key: p
    for p in (
        LegalPeriod(
            "filing", "立案期限", 7, Unit.WORKING_DAYS, "本机关立案期限规定（《行政处罚法》第五十四条第二款只要求及时立案，未定期限）"
        ),
        LegalPeriod(
            "filing_extension", "立案延长期限", 7, Unit.WORKING_DAYS, "本机关立案期限规定（经负责人批准延长）"
        ),
        LegalPeriod(
            "evidence_preservation", "先行登记保存处理期限", 7, Unit.WORKING_DAYS, "《行政处罚法》第五十六条"
        ),
        LegalPeriod("defence", "陈述申辩期限", 3, Unit.WORKING_DAYS, "本机关规定（《行政处罚法》第四十四条、第四十五条未定期限）"),
        LegalPeriod(
            "hearing_request", "听证申请期限", 5, Unit.WORKING_DAYS, "《行政处罚法》第六十四条第（一）项"
        ),
        LegalPeriod(
            "hearing_notice", "听证通知提前期限", 7, Unit.WORKING_DAYS, "《行政处罚法》第六十四条第（二）项、第八十五条"
        ),
        LegalPeriod(
            "legal_review",
            "法制审核期限",
            5,
            Unit.WORKING_DAYS,
            "本机关法制审核办法（《行政处罚法》第五十八条未定期限）",
        ),
        LegalPeriod("decision", "作出处罚决定期限", 90, Unit.CALENDAR_DAYS, "《行政处罚法》第六十条"),
        LegalPeriod("service", "送达期限", 7, Unit.WORKING_DAYS, "《行政处罚法》第六十一条"),
        LegalPeriod("payment", "缴纳罚款期限", 15, Unit.CALENDAR_DAYS, "《行政处罚法》第六十七条"),
        LegalPeriod(
            "publicity", "处罚决定公示期限", 7, Unit.WORKING_DAYS, "国办发〔2018〕118号；本机关公示规定（《行政处罚法》第四十八条）"
        ),
        LegalPeriod(
            "publicity_withdrawal", "撤回公示期限", 3, Unit.WORKING_DAYS, "《行政处罚法》第四十八条第二款"
        ),
        LegalPeriod(
            "transfer_approval",
            "移送审批期限",
            3,
            Unit.CALENDAR_DAYS,
            "《行政执法机关移送涉嫌犯罪案件的规定》第五条第二款",
        ),
        LegalPeriod(
            "crime_transfer",
            "涉嫌犯罪案件移送期限",
            24,
            Unit.HOURS,
            "《行政执法机关移送涉嫌犯罪案件的规定》第五条第二款",
        ),
        LegalPeriod("reconsideration", "申请行政复议期限", 60, Unit.CALENDAR_DAYS, "《行政复议法》第二十条"),
        LegalPeriod("lawsuit", "提起行政诉讼期限", 6, Unit.MONTHS, "《行政诉讼法》第四十六条"),
        LegalPeriod(
            "random_results",
            "双随机抽查结果公示期限",
            20,
            Unit.WORKING_DAYS,
            "本机关“双随机、一公开”工作规定",
        ),
        LegalPeriod("complaint_reply", "投诉举报答复期限", 15, Unit.WORKING_DAYS, "本机关投诉举报处理规定"),
    )
}


@dataclass(frozen=True)
class Deadline:
    """A period applied to a case: when it started, when it is due, and the article behind it."""

    key: str
    name: str
    article: str
    start: date | datetime
    due: date | datetime
    length: int
    unit: Unit
    warnings: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """The period in words with its article, e.g. 作出处罚决定：90日（《行政处罚法》第六十条）."""
        return f"{self.name}：{self.length}{self.unit.label}（{self.article}）"


def add_months(start: date, months: int) -> date:
    """Same day `months` later; a day the target month lacks becomes its last day (1月31日 → 2月28/29日)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, month_calendar.monthrange(year, month)[1]))


def _roll_to_working_day(day: date, calendar: WorkingDayCalendar) -> date:
    return calendar.first_working_day_from(day)


def compute_deadline(
    key: str,
    start: date | datetime,
    calendar: WorkingDayCalendar,
    *,
    overrides: Mapping[str, int] | None = None,
) -> Deadline:
    """The last day (or, for hour periods, the moment) of the named period started on `start`."""
    try:
        period = PERIODS[key]
    except KeyError:
        raise KeyError(f"unknown legal period {key!r}") from None
    length = (overrides or {}).get(key, period.length)
    if period.unit is Unit.HOURS:
        moment = start if isinstance(start, datetime) else datetime.combine(start, time.min)
        return Deadline(
            key, period.name, period.article, start, moment + timedelta(hours=length), length, period.unit
        )

    start_day = start.date() if isinstance(start, datetime) else start
    if period.unit is Unit.WORKING_DAYS:
        due = calendar.add_working_days(start_day, length)
    elif period.unit is Unit.CALENDAR_DAYS:
        due = _roll_to_working_day(start_day + timedelta(days=length), calendar)
    else:
        due = _roll_to_working_day(add_months(start_day, length), calendar)
    warnings = tuple(missing_table_warning(year) for year in calendar.missing_years(start_day, due))
    return Deadline(key, period.name, period.article, start, due, length, period.unit, warnings)


URGENCY_LABELS = {
    "overdue": "已逾期",
    "due_today": "今日到期",
    "due_soon": "即将到期",
    "ok": "未到期",
    "elapsed": "已届满",
    "met": "已完成",
}

# Periods granted to the party: when they run out nothing is late — the case may simply go on.
PARTY_WAITING_PERIODS = frozenset({"defence", "hearing_request", "reconsideration", "lawsuit"})


def urgency(due_on: date, today: date, *, key: str | None = None, soon_days: int = 3) -> str:
    """The urgency of a due date: overdue | elapsed (a party's period that has run out) | due_today | due_soon | ok."""
    if due_on < today:
        return "elapsed" if key in PARTY_WAITING_PERIODS else "overdue"
    if due_on == today:
        return "due_today"
    if (due_on - today).days <= soon_days:
        return "due_soon"
    return "ok"
