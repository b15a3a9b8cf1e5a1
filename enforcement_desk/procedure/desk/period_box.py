"""期限计算器 in the desk: from a date, so many working days or days, with every skipped day explained
(the same service as `enforcement-desk deadlines compute`)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.desk.messages import error_text


class PeriodCalculatorBox(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("期限计算器", parent)
        self.ctx = ctx
        today = ctx.today()
        self.start = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.start.setObjectName("periodStart")
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.length = QSpinBox(self)
        self.length.setObjectName("periodLength")
        self.length.setRange(1, 3660)
        self.length.setValue(5)
        self.unit = QComboBox(self)
        self.unit.setObjectName("periodUnit")
        self.unit.addItems(["个工作日", "日（自然日）"])
        self.compute = QPushButton("计算", self)
        self.compute.setObjectName("periodCompute")
        self.compute.setDefault(True)
        self.result = QPlainTextEdit(self)
        self.result.setObjectName("periodResult")
        self.result.setReadOnly(True)
        self.result.setMinimumHeight(self.fontMetrics().lineSpacing() * 9)
        row = QHBoxLayout()
        for widget in (QLabel("自", self), self.start, QLabel("起", self), self.length, self.unit, self.compute):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.compute.clicked.connect(self._compute)

    def _compute(self) -> None:
        from enforcement_desk.procedure.deadlines import compute_period

        start: date = self.start.date().toPython()
        try:
            result = compute_period(self.ctx, start, self.length.value(), working_days=self.unit.currentIndex() == 0)
        except DomainError as exc:
            self.result.setPlainText(error_text(exc))
            return
        self.result.setPlainText("\n".join([*result.explanation, *(f"注意：{w}" for w in result.warnings)]))
