"""The case list with its filters: stage, handler, party, number, accepted dates and free text."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.admin.desk.desk_settings import desk_settings
from enforcement_desk.admin.users import list_users
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage
from enforcement_desk.desk.operations import keep_fresh
from enforcement_desk.procedure.cases import CaseFilter
from enforcement_desk.procedure.desk.case_table_model import COLUMNS, STRETCH_COLUMN, CaseTableModel

TYPING_PAUSE_MS = 150
HEADER_KEY = "cases/header"  # column widths and sort order, kept between sessions


class CaseListView(QWidget):
    open_case = Signal(int)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.model = CaseTableModel(ctx, actor, self)
        grid = QGridLayout()
        self.text = QLineEdit(self)
        self.text.setObjectName("filterText")
        self.text.setPlaceholderText("搜索当事人、案由、违法事实、文号（Ctrl+F）")
        self.text.setClearButtonEnabled(True)
        self.stage = QComboBox(self)
        self.stage.setObjectName("filterStage")
        self.stage.addItem("全部阶段", None)
        for stage in Stage:
            self.stage.addItem(stage.label, stage.value)
        self.handler = QComboBox(self)
        self.handler.addItem("全部承办人", None)
        for officer in list_users(ctx, actor, Role.OFFICER):
            self.handler.addItem(officer.name, officer.id)
        self.party = QLineEdit(self)
        self.party.setPlaceholderText("当事人名称或证件号")
        self.number = QLineEdit(self)
        self.number.setPlaceholderText("编号或文号")
        self.use_dates = QCheckBox("受理日期", self)
        self.date_from, self.date_to = QDateEdit(self), QDateEdit(self)
        today = ctx.today()
        for edit, day in ((self.date_from, date(today.year, 1, 1)), (self.date_to, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(day.year, day.month, day.day))
        grid.addWidget(self.text, 0, 0, 1, 4)
        grid.addWidget(self.stage, 0, 4)
        grid.addWidget(self.handler, 0, 5)
        grid.addWidget(self.party, 1, 0)
        grid.addWidget(self.number, 1, 1)
        grid.addWidget(self.use_dates, 1, 2)
        grid.addWidget(self.date_from, 1, 3)
        grid.addWidget(QLabel("至", self), 1, 4, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.date_to, 1, 5)
        self.table = QTableView(self)
        self.table.setObjectName("caseTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self._size_columns()
        self.count = QLabel(self)
        self.count.setObjectName("caseCount")
        self.model.total_changed.connect(self._show_total)
        self.model.rowsInserted.connect(self._show_total)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(TYPING_PAUSE_MS)
        self.debounce.timeout.connect(self.apply_filter)
        for edit in (self.text, self.party, self.number):
            edit.textChanged.connect(self.debounce.start)
        for combo in (self.stage, self.handler):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.use_dates.toggled.connect(self.apply_filter)
        self.date_from.dateChanged.connect(self.apply_filter)
        self.date_to.dateChanged.connect(self.apply_filter)
        self.table.doubleClicked.connect(
            lambda index: self.open_case.emit(self.model.case_id_at(index.row()))
        )
        self.table.activated.connect(lambda index: self.open_case.emit(self.model.case_id_at(index.row())))
        self.apply_filter()
        keep_fresh(self, lambda changes, _source: changes.case_list, self.refresh)

    def _size_columns(self) -> None:
        """Widths from typical values in the current font (so 200% scaling keeps them), or as the user
        left them last time."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        metrics, padding = self.table.fontMetrics(), self.table.fontMetrics().horizontalAdvance("汉汉")
        for column, (_key, title, _sort, sample) in enumerate(COLUMNS):
            header.resizeSection(column, metrics.horizontalAdvance(max(sample, title, key=len)) + padding)
        header.setSectionResizeMode(STRETCH_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.sortIndicatorChanged.connect(self._keep_indicator_on_the_order_shown)
        saved = desk_settings().value(HEADER_KEY)
        if saved is not None:
            header.restoreState(saved)

    def _keep_indicator_on_the_order_shown(self, column: int, _order: Qt.SortOrder) -> None:
        # 案号, 承办人 and 罚款 cannot be sorted by the service: the arrow goes back to the real order.
        if COLUMNS[column][2] is None:
            header = self.table.horizontalHeader()
            order = Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder
            blocked = header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(), order)
            header.blockSignals(blocked)

    def save_layout(self) -> None:
        desk_settings().setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

    def current_filter(self) -> CaseFilter:
        stage = self.stage.currentData()
        dates = self.use_dates.isChecked()
        return CaseFilter(
            stage=Stage(stage) if stage else None,
            handler_id=self.handler.currentData(),
            party=self.party.text().strip(),
            number=self.number.text().strip(),
            accepted_from=self.date_from.date().toPython() if dates else None,
            accepted_to=self.date_to.date().toPython() if dates else None,
            text=self.text.text().strip(),
        )

    def apply_filter(self) -> None:
        self.debounce.stop()
        self.model.set_filter(self.current_filter())

    def refresh(self) -> None:
        self.model.reload()

    def _show_total(self) -> None:
        self.count.setText(self.model.total_text)
