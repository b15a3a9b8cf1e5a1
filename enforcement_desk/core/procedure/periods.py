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
        # 卫生健康行政处罚程序规定 art. 32: 七日内立案, 案情复杂的经负责人批准可以延长七日; its art. 69(2) makes
        # its 2/3/5/7-day periods working days.
        LegalPeriod(
            "filing", "立案期限", 7, Unit.WORKING_DAYS, "《卫生健康行政处罚程序规定》第三十二条第一款、第六十九条"
        ),
        LegalPeriod(
            "filing_extension",
            "立案延长期限",
            7,
            Unit.WORKING_DAYS,
            "《卫生健康行政处罚程序规定》第三十二条第一款、第六十九条（案情复杂的，经负责人批准）",
        ),
        LegalPeriod(
            "evidence_preservation",
            "先行登记保存处理期限",
            7,
            Unit.WORKING_DAYS,
            "《卫生健康行政处罚程序规定》第三十三条第一款、第六十九条；《行政处罚法》第五十六条",
        ),
        LegalPeriod("defence", "陈述申辩期限", 3, Unit.WORKING_DAYS, "本机关规定（《行政处罚法》第四十四条、第四十五条未定期限）"),
        LegalPeriod(
            "hearing_request",
            "听证申请期限",
            5,
            Unit.WORKING_DAYS,
            "《卫生健康行政处罚程序规定》第四十四条、第六十九条；《行政处罚法》第六十四条第（一）项",
        ),
        LegalPeriod(
            "hearing_notice",
            "听证通知提前期限",
            7,
            Unit.WORKING_DAYS,
            "《卫生健康行政处罚程序规定》第四十六条第一款、第六十九条；《行政处罚法》第六十四条第（二）项",
        ),
        LegalPeriod(
            "legal_review",
            "法制审核期限",
            5,
            Unit.WORKING_DAYS,
            "本机关法制审核办法（《行政处罚法》第五十八条未定期限）",
        ),
        LegalPeriod(
            "decision",
            "作出处罚决定期限",
            90,
            Unit.CALENDAR_DAYS,
            "《卫生健康行政处罚程序规定》第四十二条第一款；《行政处罚法》第六十条",
        ),
        LegalPeriod(
            "service", "送达期限", 7, Unit.WORKING_DAYS, "《卫生健康行政处罚程序规定》第五十三条第二款；《行政处罚法》第六十一条"
        ),
        # 公告送达: deemed served when thirty days have passed since the notice was published (2025 rule art.
        # 58(2), as 民事诉讼法 art. 95); thirty is not one of the working-day periods of its art. 69, so calendar
        # days, the last day moving past a holiday as 民事诉讼法 art. 85 does.
        LegalPeriod(
            "public_notice_service",
            "公告送达期间",
            30,
            Unit.CALENDAR_DAYS,
            "《卫生健康行政处罚程序规定》第五十八条第二款；《中华人民共和国民事诉讼法》第九十五条、第八十五条",
        ),
        LegalPeriod("payment", "缴纳罚款期限", 15, Unit.CALENDAR_DAYS, "《行政处罚法》第六十七条"),
        LegalPeriod(
            "publicity", "处罚决定公示期限", 7, Unit.WORKING_DAYS, "国办发〔2018〕118号；本机关公示规定（《行政处罚法》第四十八条）"
        ),
        LegalPeriod(
            "publicity_withdrawal",
            "撤回公示期限",
            3,
            Unit.WORKING_DAYS,
            "《卫生健康行政处罚程序规定》第二十三条、第六十九条；《行政处罚法》第四十八条第二款",
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
        # 310号 has no working-day clause: its 3-day periods are calendar days (docs/law.md §10).
        LegalPeriod(
            "police_review", "公安机关审查答复期限", 3, Unit.CALENDAR_DAYS, "《行政执法机关移送涉嫌犯罪案件的规定》第八条"
        ),
        LegalPeriod(
            "transfer_reconsideration",
            "提请公安机关复议期限",
            3,
            Unit.CALENDAR_DAYS,
            "《行政执法机关移送涉嫌犯罪案件的规定》第九条第一款",
        ),
        LegalPeriod(
            "transfer_items", "移交涉案物品期限", 3, Unit.CALENDAR_DAYS, "《行政执法机关移送涉嫌犯罪案件的规定》第十二条"
        ),
        LegalPeriod("reconsideration", "申请行政复议期限", 60, Unit.CALENDAR_DAYS, "《行政复议法》第二十条"),
        LegalPeriod("lawsuit", "提起行政诉讼期限", 6, Unit.MONTHS, "《行政诉讼法》第四十六条"),
        # 催告: the party has ten days from the 催告书's service (行政强制法 art. 54); art. 69 makes periods of ten
        # days or less working days. Opened when the service is recorded.
        LegalPeriod("reminder", "催告履行期限", 10, Unit.WORKING_DAYS, "《中华人民共和国行政强制法》第五十四条、第六十九条"),
        # Applying to the court: within three months after the period for review and suit ended (started on
        # the suit period's last day; under a deferral or instalments, on the plan's last day, 行政处罚法 art. 72(2)).
        LegalPeriod(
            "enforcement_application",
            "申请人民法院强制执行期限",
            3,
            Unit.MONTHS,
            "《中华人民共和国行政强制法》第五十三条；《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百五十六条",
        ),
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

# Periods granted to the party: when they run out nothing is late — the case may simply go on. The agency's
# 3 days to ask the police to reconsider (310号 art. 9: "可以") are an option of the same kind.
PARTY_WAITING_PERIODS = frozenset(
    {"defence", "hearing_request", "reconsideration", "lawsuit", "transfer_reconsideration", "reminder"}
)


def urgency(due_on: date, today: date, *, key: str | None = None, soon_days: int = 3) -> str:
    """The urgency of a due date: overdue | elapsed (a party's period that has run out) | due_today | due_soon | ok."""
    if due_on < today:
        return "elapsed" if key in PARTY_WAITING_PERIODS else "overdue"
    if due_on == today:
        return "due_today"
    if (due_on - today).days <= soon_days:
        return "due_soon"
    return "ok"


# ---- extensions of the filing and decision periods, and the time not counted --------------------------

# 卫生健康行政处罚程序规定 art. 42(2): "因案情复杂或者其他原因，不能在规定期限内作出处理决定的，经卫生健康行政机关
# 负责人批准，可以延长六十日；案情重大或者特别复杂的，经卫生健康行政机关集体讨论决定，可以再延长三十日。"
DECISION_EXTENSION_RULE = "《卫生健康行政处罚程序规定》第四十二条第二款"
DECISION_EXTENSION_DAYS = (60, 30)  # the head's extension, then the one the collective discussion decides
DECISION_PAUSE_RULE = "《卫生健康行政处罚程序规定》第四十二条第三款"
# Art. 42(3): "听证、招标、拍卖、公示、公告和检测、检验、检疫、鉴定、专家评审、协助调查等所需时间不计入案件办理期限。"
DECISION_PAUSE_KINDS = (
    "听证", "招标", "拍卖", "公示", "公告", "检测", "检验", "检疫", "鉴定", "专家评审", "协助调查",
)  # fmt: skip
# Art. 32(1): 七日内立案，案情复杂的，经负责人批准，可以延长七日 (art. 69(2): working days).
FILING_EXTENSION_RULE = "《卫生健康行政处罚程序规定》第三十二条第一款、第六十九条"


def extended_decision_due(previous_due: date, days: int, calendar: WorkingDayCalendar) -> date:
    """The decision period's new last day: `days` calendar days after the current last day, moved off a
    statutory holiday or rest day like every calendar-day period."""
    return _roll_to_working_day(previous_due + timedelta(days=days), calendar)


def decision_extension_limit(extensions_so_far: int) -> int:
    """The most days the next extension may add: 60 for the first, 30 for the second, 0 when both are used."""
    return DECISION_EXTENSION_DAYS[extensions_so_far] if extensions_so_far < len(DECISION_EXTENSION_DAYS) else 0


def decision_extension_refusal(
    *, days: int, today: date, current_due: date, extensions_so_far: int, discussed: bool
) -> str | None:
    """Why the decision period may not be extended as asked (None: it may), under art. 42(2): before the
    current period ends; the first extension at most 60 days on a head's approval; one further extension at
    most 30 days for a case 案情重大或者特别复杂, decided by the collective discussion (`discussed`); no third."""
    if extensions_so_far >= len(DECISION_EXTENSION_DAYS):
        return "办案期限已延长六十日并经集体讨论再延长三十日，不能再次延长"
    if today > current_due:
        return f"作出处理决定的期限已于 {current_due} 届满，延期须在期限届满前批准，届满后不能补批"
    limit = decision_extension_limit(extensions_so_far)
    if days < 1 or days > limit:
        which = "经负责人批准的延长" if extensions_so_far == 0 else "经集体讨论决定的再次延长"
        return f"{which}最多 {limit} 日，延长的日数应在 1 到 {limit} 日之间，收到 {days} 日"
    if extensions_so_far >= 1 and not discussed:
        return "已经负责人批准延长过一次；案情重大或者特别复杂的，须经集体讨论决定才可以再延长三十日，请登记集体讨论的日期、参加的负责人和结论"
    return None


@dataclass(frozen=True)
class PausePeriod:
    """A stretch of time not counted in the decision period (art. 42(3)): its kind, first and last day
    (None while it runs)."""

    kind: str
    started_on: date
    ended_on: date | None = None

    def days(self) -> int:
        """The days not counted: from the first to the last day, both included (0 while it runs)."""
        return 0 if self.ended_on is None else (self.ended_on - self.started_on).days + 1


def decision_pause_refusal(
    pause: PausePeriod, *, today: date, filed_on: date, current_due: date | None, others: tuple[PausePeriod, ...]
) -> str | None:
    """Why a period not counted in the decision period cannot be recorded as given (None: it can): a kind
    the article names; no date in the future; the end not before the start; begun after filing and while the
    period still ran; overlapping no other such period (one still running reaches to today and beyond)."""
    if pause.kind not in DECISION_PAUSE_KINDS:
        return f"不计入办案期限的事项应为：{'、'.join(DECISION_PAUSE_KINDS)}（收到“{pause.kind}”）"
    if pause.started_on > today or (pause.ended_on is not None and pause.ended_on > today):
        return "不计入期间的起止日期不能晚于今天：尚未结束的，只登记开始日期，结束时再登记结束日期"
    if pause.ended_on is not None and pause.ended_on < pause.started_on:
        return f"结束日期 {pause.ended_on} 早于开始日期 {pause.started_on}"
    if pause.started_on < filed_on:
        return f"不计入期间应在立案（{filed_on}）之后开始，办案期限自立案之日起计算"
    if current_due is not None and pause.started_on > current_due:
        return f"办案期限已于 {current_due} 届满，其后开始的期间不能再从期限中扣除"
    end = pause.ended_on or date.max
    for other in others:
        other_end = other.ended_on or date.max
        if pause.started_on <= other_end and other.started_on <= end:
            shown = f"{other.started_on} 至 {other.ended_on or '今（尚未结束）'}"
            return f"与已登记的不计入期间（{other.kind}，{shown}）重叠，同一段时间不能重复扣除"
    return None
