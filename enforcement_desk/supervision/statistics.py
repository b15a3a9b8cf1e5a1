"""Statistics for the monthly report: cases by month, category, stage and source; fines imposed and
collected; average time spent in each stage; overdue counts. Counted in SQL, so a large database is
summarised without loading its cases."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.periods import PARTY_WAITING_PERIODS
from enforcement_desk.core.stages import CATEGORY_LABELS, SOURCE_LABELS, Outcome, Stage
from enforcement_desk.store.models import Case, Deadline, Payment, StageChange
from enforcement_desk.store.models_supervision import Complaint, InspectionDraw, InspectionTask

Counts = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class StageDuration:
    """The average days cases spent in a stage, over how many cases."""

    stage: str
    average_days: float
    cases: int


@dataclass(frozen=True)
class Statistics:
    """The figures of the monthly report: cases by month, category, stage and source, fines, time per
    stage and what is overdue."""

    year: int | None
    total_cases: int
    by_month: Counts  # ("2026-03", n), every month of the year (or of the span) listed
    by_category: Counts
    by_stage: Counts
    by_source: Counts
    penalties: int
    fines_imposed: Decimal
    fines_collected: Decimal
    stage_durations: tuple[StageDuration, ...]
    overdue_deadlines: Counts
    overdue_complaints: int
    overdue_result_publications: int

    @property
    def overdue_total(self) -> int:
        """Everything overdue: deadlines, complaint replies and result publications."""
        return (
            sum(n for _, n in self.overdue_deadlines)
            + self.overdue_complaints
            + self.overdue_result_publications
        )


def _in_year(query: Select, column, year: int | None) -> Select:  # a mapped column
    if year is None:
        return query
    return query.where(column >= date(year, 1, 1), column <= date(year, 12, 31))


def _months(session: Session, agency_id: int, year: int | None) -> Counts:
    query = _in_year(
        select(Case.accepted_on, func.count()).where(Case.agency_id == agency_id).group_by(Case.accepted_on),
        Case.accepted_on,
        year,
    )
    counts: Counter[str] = Counter()
    for day, n in session.execute(query):
        counts[f"{day.year:04d}-{day.month:02d}"] += n
    if year is not None:
        keys = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    elif counts:
        first, last = min(counts), max(counts)
        keys, (y, m) = [], (int(first[:4]), int(first[5:]))
        while f"{y:04d}-{m:02d}" <= last:
            keys.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        keys = []
    return tuple((k, counts.get(k, 0)) for k in keys)


def _grouped(session: Session, agency_id: int, year: int | None, column, labels: dict) -> Counts:
    query = _in_year(
        select(column, func.count()).where(Case.agency_id == agency_id).group_by(column),
        Case.accepted_on,
        year,
    )
    found = dict(session.execute(query).all())
    ordered = [(labels[key], found.pop(key, 0)) for key in labels]
    ordered += [(str(key), n) for key, n in found.items()]  # values no label knows, still counted
    return tuple((label, n) for label, n in ordered if n)


def _stage_durations(session: Session, agency_id: int, year: int | None) -> tuple[StageDuration, ...]:
    """Days from entering a stage to leaving it, averaged over the stays that have ended."""
    following = func.lead(StageChange.at, type_=StageChange.at.type).over(
        partition_by=StageChange.case_id, order_by=(StageChange.at, StageChange.id)
    )
    query = _in_year(
        select(StageChange.to_stage, StageChange.at, following.label("left_at"))
        .join(Case, Case.id == StageChange.case_id)
        .where(Case.agency_id == agency_id),
        Case.accepted_on,
        year,
    )
    spans: dict[str, list[float]] = defaultdict(list)
    for stage, entered, left in session.execute(query):
        if left is not None:
            spans[stage].append((left - entered).total_seconds() / 86400)
    order = {stage.value: i for i, stage in enumerate(Stage)}
    return tuple(
        StageDuration(Stage(stage).label, round(sum(days) / len(days), 1), len(days))
        for stage, days in sorted(spans.items(), key=lambda item: order.get(item[0], 99))
    )


def _money(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def collect_statistics(ctx: AppContext, actor: Actor, year: int | None = None) -> Statistics:
    """Cases accepted in `year` (all years when None); overdue counts are as of today."""
    today = ctx.today()
    agency = actor.agency_id
    with ctx.db.read() as session:
        total = session.scalar(
            _in_year(select(func.count()).where(Case.agency_id == agency), Case.accepted_on, year)
        )
        penalties, imposed = session.execute(
            _in_year(
                select(func.count(), func.sum(Case.fine_amount)).where(
                    Case.agency_id == agency, Case.decided_outcome == Outcome.PENALTY.value
                ),
                Case.decided_on,
                year,
            )
        ).one()
        collected = session.scalar(
            _in_year(
                select(func.sum(Payment.amount))
                .join(Case, Case.id == Payment.case_id)
                .where(Case.agency_id == agency),
                Payment.paid_on,
                year,
            )
        )
        overdue = session.execute(
            select(Deadline.key, Deadline.name, func.count())
            .join(Case, Case.id == Deadline.case_id)
            .where(Case.agency_id == agency, Deadline.status == "open", Deadline.due_on < today)
            .group_by(Deadline.key, Deadline.name)
            .order_by(func.count().desc())
        ).all()
        complaints = session.scalar(
            select(func.count()).where(
                Complaint.agency_id == agency, Complaint.status == "open", Complaint.reply_due_on < today
            )
        )
        results = session.scalar(
            select(func.count())
            .select_from(InspectionTask)
            .join(InspectionDraw, InspectionDraw.id == InspectionTask.draw_id)
            .where(
                InspectionDraw.agency_id == agency,
                InspectionDraw.results_published_on.is_(None),
                InspectionTask.publish_due_on < today,
            )
        )
        return Statistics(
            year=year,
            total_cases=total or 0,
            by_month=_months(session, agency, year),
            by_category=_grouped(session, agency, year, Case.category, CATEGORY_LABELS),
            by_stage=_grouped(session, agency, year, Case.stage, {s.value: s.label for s in Stage}),
            by_source=_grouped(
                session, agency, year, Case.source, {s.value: label for s, label in SOURCE_LABELS.items()}
            ),
            penalties=penalties or 0,
            fines_imposed=_money(imposed),
            fines_collected=_money(collected),
            stage_durations=_stage_durations(session, agency, year),
            # A party's own period running out (e.g. the defence period) is not an agency delay.
            overdue_deadlines=tuple(
                (name, n) for key, name, n in overdue if key not in PARTY_WAITING_PERIODS
            ),
            overdue_complaints=complaints or 0,
            overdue_result_publications=results or 0,
        )


def export_statistics(ctx: AppContext, actor: Actor, target: Path, year: int | None = None) -> Path:
    """The monthly-report workbook: an overview sheet and one sheet per breakdown."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise DomainError("统计报表应导出为 .xlsx 文件")
    stats = collect_statistics(ctx, actor, year)
    book = Workbook()
    overview = book.active
    overview.title = "概况"
    period = f"{year} 年" if year else "全部年份"
    for row in (
        ("统计范围", period),
        ("统计日期", ctx.today().isoformat()),
        ("受理案件数", stats.total_cases),
        ("作出处罚决定数", stats.penalties),
        ("罚款决定金额（元）", float(stats.fines_imposed)),
        ("罚款收缴金额（元）", float(stats.fines_collected)),
        ("逾期未办事项", stats.overdue_total),
    ):
        overview.append(row)
    sheets = (
        ("按月", ("月份", "受理案件数"), stats.by_month),
        ("按类别", ("执法类别", "案件数"), stats.by_category),
        ("按阶段", ("办理阶段", "案件数"), stats.by_stage),
        ("按来源", ("案件来源", "案件数"), stats.by_source),
        ("各阶段平均用时", ("办理阶段", "平均天数", "案件数"),
         tuple((d.stage, d.average_days, d.cases) for d in stats.stage_durations)),
        ("逾期事项", ("事项", "件数"),
         stats.overdue_deadlines + (("投诉举报答复", stats.overdue_complaints),
                                    ("双随机抽查结果公示", stats.overdue_result_publications))),
    )  # fmt: skip
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        sheet.column_dimensions["A"].width = 24
    overview.column_dimensions["A"].width = 24
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target
