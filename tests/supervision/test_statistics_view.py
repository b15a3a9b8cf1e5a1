"""The statistics tab on the demo database: figures from the store, charts drawn, the monthly workbook."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
from enforcement_desk.context import AppContext
from enforcement_desk.desk.fonts import apply_chinese_font
from enforcement_desk.supervision.desk.statistics_view import StatisticsView
from enforcement_desk.supervision.statistics import collect_statistics, export_statistics


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stats")
    ctx = AppContext.open(f"sqlite:///{folder / 'demo.sqlite3'}", folder / "evidence")
    build_demo(ctx)
    yield ctx, login(ctx, "chenjun", DEMO_PASSWORD)
    ctx.close()


def test_statistics_add_up_to_the_cases_of_the_demo(demo):
    ctx, head = demo
    stats = collect_statistics(ctx, head)
    assert stats.total_cases == sum(n for _, n in stats.by_month) == sum(n for _, n in stats.by_stage)
    assert sum(n for _, n in stats.by_category) == sum(n for _, n in stats.by_source) == stats.total_cases
    assert 0 < stats.fines_collected <= stats.fines_imposed
    assert stats.penalties >= 10
    assert all(d.average_days >= 0 and d.cases > 0 for d in stats.stage_durations)
    this_year = collect_statistics(ctx, head, ctx.today().year)
    assert len(this_year.by_month) == 12
    assert collect_statistics(ctx, head, 2001).total_cases == 0


def test_the_monthly_workbook_has_a_sheet_per_breakdown(demo, tmp_path):
    ctx, head = demo
    book = load_workbook(export_statistics(ctx, head, tmp_path / "月报.xlsx"))
    assert book.sheetnames == ["概况", "按月", "按类别", "按阶段", "按来源", "各阶段平均用时", "逾期事项"]
    overview = dict(book["概况"].iter_rows(values_only=True))
    assert overview["受理案件数"] == collect_statistics(ctx, head).total_cases


def test_the_view_draws_the_charts_with_chinese_labels(demo, qtbot, tmp_path):
    ctx, head = demo
    apply_chinese_font(QApplication.instance())
    view = StatisticsView(ctx, head)
    qtbot.addWidget(view)
    view.resize(1100, 1250)
    view.show()
    qtbot.waitUntil(lambda: view.statistics is not None, timeout=20_000)
    assert view.statistics.year == ctx.today().year
    assert "受理案件" in view.summary.text()
    assert view.category_chart.values and view.month_chart.values
    view.year_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.statistics.year is None, timeout=20_000)
    image = view.grab()
    target = Path(os.environ.get("ED_SCREENSHOT_DIR") or tmp_path) / "statistics_view.png"
    assert image.save(str(target)) and target.stat().st_size > 10_000
