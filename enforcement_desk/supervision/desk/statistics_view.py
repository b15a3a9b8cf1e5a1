"""统计分析 tab: charts of cases by month, category, stage and source, fines imposed and collected,
average days per stage and overdue items, with the XLSX export for the monthly report.

Charts are painted with QPainter: QtCharts is not part of PySide6-Essentials, and a bar chart of a
dozen values needs no plotting library in the bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.money import format_yuan
from enforcement_desk.desk.messages import show_error
from enforcement_desk.desk.operations import keep_fresh, run_query
from enforcement_desk.desk.workers import BackgroundJob
from enforcement_desk.supervision.statistics import Statistics, collect_statistics, export_statistics

BAR_COLOUR = QColor("#2f6fb3")
ALERT_COLOUR = QColor("#c0392b")
AXIS_COLOUR = QColor("#8a8f98")


class BarChart(QFrame):
    """A titled bar chart: vertical bars for a time series, horizontal bars for labelled groups."""

    def __init__(self, title: str, *, vertical: bool, unit: str = "件", colour: QColor = BAR_COLOUR):
        super().__init__()
        self.title, self.vertical, self.unit, self.colour = title, vertical, unit, colour
        self.values: list[tuple[str, float]] = []
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumSize(360, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_values(self, values: Sequence[tuple[str, float]]) -> None:
        self.values = [(label, float(value)) for label, value in values]
        if not self.vertical:  # every row needs room for its label
            self.setMinimumHeight(max(240, 48 + 24 * len(self.values)))
        self.update()

    def _value_text(self, value: float) -> str:
        return f"{value:g}"

    def paintEvent(self, event) -> None:  # Qt override
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        area = QRectF(self.rect()).adjusted(12, 8, -12, -10)
        painter.drawText(
            area, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, f"{self.title}（{self.unit}）"
        )
        painter.setFont(self.font())
        body = area.adjusted(0, QFontMetrics(title_font).height() + 10, 0, 0)
        if not self.values or max(v for _, v in self.values) <= 0:
            painter.setPen(AXIS_COLOUR)
            painter.drawText(body, Qt.AlignmentFlag.AlignCenter, "暂无数据")
            return
        if self.vertical:
            self._paint_vertical(painter, body)
        else:
            self._paint_horizontal(painter, body)

    def _paint_vertical(self, painter: QPainter, body: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        label_height = metrics.height() + 4
        plot = body.adjusted(0, metrics.height() + 2, 0, -label_height)
        top = max(v for _, v in self.values)
        slot = plot.width() / len(self.values)
        painter.setPen(QPen(AXIS_COLOUR, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        # Long series show every other label so that the month names do not overlap.
        step = 1 if slot >= metrics.horizontalAdvance("00-00") + 6 else 2
        for i, (label, value) in enumerate(self.values):
            height = plot.height() * value / top
            bar = QRectF(plot.left() + i * slot + slot * 0.15, plot.bottom() - height, slot * 0.7, height)
            painter.fillRect(bar, self.colour)
            painter.setPen(Qt.GlobalColor.black)
            if value:
                painter.drawText(
                    QRectF(
                        bar.left() - 10, bar.top() - metrics.height() - 2, bar.width() + 20, metrics.height()
                    ),
                    Qt.AlignmentFlag.AlignCenter,
                    self._value_text(value),
                )
            if i % step == 0:
                short = label[2:] if len(label) == 7 else label  # "2026-03" → "26-03"
                painter.drawText(
                    QRectF(plot.left() + i * slot - 10, plot.bottom() + 2, slot + 20, label_height),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    short,
                )

    def _paint_horizontal(self, painter: QPainter, body: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        label_width = min(
            body.width() * 0.4, max(metrics.horizontalAdvance(label) for label, _ in self.values) + 8
        )
        value_width = max(metrics.horizontalAdvance(self._value_text(v)) for _, v in self.values) + 8
        plot = body.adjusted(label_width, 0, -value_width, 0)
        top = max(v for _, v in self.values)
        row = min(26.0, body.height() / len(self.values))
        painter.setPen(QPen(AXIS_COLOUR, 1))
        painter.drawLine(plot.topLeft(), plot.topLeft() + (plot.bottomLeft() - plot.topLeft()))
        for i, (label, value) in enumerate(self.values):
            y = body.top() + i * row
            painter.setPen(Qt.GlobalColor.black)
            painter.drawText(
                QRectF(body.left(), y, label_width - 6, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, int(label_width - 6)),
            )
            bar = QRectF(plot.left(), y + row * 0.18, plot.width() * value / top, row * 0.64)
            painter.fillRect(bar, self.colour)
            painter.drawText(
                QRectF(bar.right() + 4, y, value_width, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._value_text(value),
            )


class FineChart(BarChart):
    """Fines imposed against collected, in yuan."""

    def __init__(self):
        super().__init__("罚款决定与收缴", vertical=False, unit="元")

    def _value_text(self, value: float) -> str:
        return format_yuan(Decimal(str(value)), unit=False)


class StatisticsView(QWidget):
    """Self-contained: give it the context and the signed-in user; it loads its figures itself, and
    again after any write that moves them (when it is next on screen)."""

    def __init__(
        self, ctx: AppContext, actor: Actor, parent: QWidget | None = None, *, load_now: bool = True
    ):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.statistics: Statistics | None = None
        self.job: BackgroundJob | None = None
        self.again = False  # asked to refresh while counting: count once more when done

        self.year_box = QComboBox()
        self.year_box.addItem("全部年份", None)
        this_year = ctx.today().year
        for year in range(this_year, this_year - 6, -1):
            self.year_box.addItem(f"{year} 年", year)
        self.year_box.setCurrentIndex(1)
        self.year_box.currentIndexChanged.connect(self.refresh)
        refresh_button = QPushButton("刷新")
        refresh_button.clicked.connect(self.refresh)
        export_button = QPushButton("导出月报（XLSX）…")
        export_button.clicked.connect(self.export)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        toolbar = QHBoxLayout()
        toolbar.addWidget(QLabel("统计范围："))
        toolbar.addWidget(self.year_box)
        toolbar.addWidget(refresh_button)
        toolbar.addStretch(1)
        toolbar.addWidget(export_button)

        self.month_chart = BarChart("每月受理案件", vertical=True)
        self.category_chart = BarChart("按执法类别", vertical=False)
        self.stage_chart = BarChart("按办理阶段", vertical=False)
        self.source_chart = BarChart("按案件来源", vertical=False)
        self.fine_chart = FineChart()
        self.duration_chart = BarChart("各阶段平均用时", vertical=False, unit="天")
        self.overdue_chart = BarChart("逾期未办事项", vertical=False, colour=ALERT_COLOUR)
        grid = QGridLayout()
        charts = (
            self.month_chart, self.fine_chart, self.category_chart, self.source_chart,
            self.stage_chart, self.duration_chart, self.overdue_chart,
        )  # fmt: skip
        for index, chart in enumerate(charts):
            grid.addWidget(chart, index // 2, index % 2)
        canvas = QWidget()
        canvas.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(canvas)

        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        if load_now:
            self.refresh()
        keep_fresh(self, lambda changes, _source: changes.statistics, self.refresh)

    def showEvent(self, event) -> None:  # noqa: ANN001
        # made hidden (a tab not yet chosen): the office's figures are counted when first looked at
        super().showEvent(event)
        if self.statistics is None and self.job is None:
            self.refresh()

    def selected_year(self) -> int | None:
        return self.year_box.currentData()

    def refresh(self) -> None:
        """Counts run in the background: on a large shared database they can take a moment."""
        if self.job is not None and not self.job.finished_flag:
            self.again = True  # the running count may have missed what changed, or the year chosen
            return
        ctx, actor, year = self.ctx, self.actor, self.selected_year()
        self.job = run_query(self, lambda: collect_statistics(ctx, actor, year), self.show_statistics,
                             lambda exc: show_error(self, exc, "统计失败"))  # fmt: skip
        self.job.ended.connect(self._counted)

    def _counted(self, _ok: bool) -> None:
        if self.again:
            self.again = False
            self.refresh()

    def show_statistics(self, stats: Statistics) -> None:
        self.statistics = stats
        period = f"{stats.year} 年" if stats.year else "全部年份"
        self.summary.setText(
            f"<b>{period}</b>：受理案件 <b>{stats.total_cases}</b> 件，作出处罚决定 <b>{stats.penalties}</b> 件，"
            f"罚款 <b>{format_yuan(stats.fines_imposed, unit=False)}</b> 元，已收缴 <b>{format_yuan(stats.fines_collected, unit=False)}</b> 元；"
            f"当前逾期未办事项 <b><span style='color:#c0392b'>{stats.overdue_total}</span></b> 项"
        )
        self.month_chart.set_values(stats.by_month)
        self.category_chart.set_values(stats.by_category)
        self.stage_chart.set_values(stats.by_stage)
        self.source_chart.set_values(stats.by_source)
        self.fine_chart.set_values((("罚款决定", stats.fines_imposed), ("已收缴", stats.fines_collected)))
        self.duration_chart.set_values(tuple((d.stage, d.average_days) for d in stats.stage_durations))
        self.overdue_chart.set_values(
            stats.overdue_deadlines
            + (
                ("投诉举报答复", stats.overdue_complaints),
                ("抽查结果公示", stats.overdue_result_publications),
            )
        )

    def export(self) -> None:
        year = self.selected_year()
        suggested = f"执法统计{'_' + str(year) if year else ''}.xlsx"
        path, _ = QFileDialog.getSaveFileName(
            self, "导出统计月报", str(Path.home() / suggested), "Excel 文件 (*.xlsx)"
        )
        if not path:
            return
        ctx, actor = self.ctx, self.actor
        run_query(self, lambda: export_statistics(ctx, actor, Path(path), year), lambda _path: None,
                  lambda exc: show_error(self, exc, "导出失败"), title="导出统计月报")  # fmt: skip
