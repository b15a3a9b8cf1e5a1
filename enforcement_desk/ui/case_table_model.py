"""The case list as a Qt model: pages of 100 fetched from the service as the view scrolls."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from enforcement_desk.core.money import format_yuan
from enforcement_desk.services.case_views import CaseSummary
from enforcement_desk.services.cases import COUNT_LIMIT, CaseFilter, count_cases, list_cases
from enforcement_desk.services.context import Actor, AppContext

PAGE = 100
COLUMNS = (
    ("number", "案号", None),
    ("party", "当事人", "party"),
    ("cause", "案由", "cause"),
    ("stage", "阶段", "stage"),
    ("accepted_on", "受理日期", "accepted_on"),
    ("handlers", "承办人", None),
    ("fine", "罚款", None),
)

Index = QModelIndex | QPersistentModelIndex


class CaseTableModel(QAbstractTableModel):
    def __init__(self, ctx: AppContext, actor: Actor, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.filter = CaseFilter()
        self.sort_key, self.descending = "accepted_on", True
        self.rows: list[CaseSummary] = []
        self.total = 0  # capped at COUNT_LIMIT + 1: exact counts of huge result sets cost more than they tell
        self.exhausted = True

    # ---- loading -------------------------------------------------------------------------

    def set_filter(self, flt: CaseFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.total = count_cases(self.ctx, self.actor, self.filter, limit=COUNT_LIMIT)
        self.rows = self._page(0)
        self.exhausted = len(self.rows) < PAGE
        self.endResetModel()

    @property
    def total_text(self) -> str:
        return f"超过 {COUNT_LIMIT:,} 件" if self.total > COUNT_LIMIT else f"共 {self.total} 件"

    def _page(self, offset: int) -> list[CaseSummary]:
        return list_cases(
            self.ctx,
            self.actor,
            self.filter,
            sort=self.sort_key,
            descending=self.descending,
            offset=offset,
            limit=PAGE,
        )

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        more = self._page(len(self.rows))
        self.exhausted = len(more) < PAGE
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # ---- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        case = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return case.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{case.case_no}　{case.cause}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        key = COLUMNS[index.column()][0]
        if key == "number":
            return case.decision_no or case.filing_no or case.case_no
        if key == "party":
            return case.party_name
        if key == "cause":
            return case.cause
        if key == "stage":
            return case.stage.label
        if key == "accepted_on":
            return case.accepted_on.isoformat()
        if key == "handlers":
            return case.handlers
        return format_yuan(case.fine_amount)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort_key = COLUMNS[column][2]
        if sort_key is None:
            return
        self.sort_key, self.descending = sort_key, order == Qt.SortOrder.DescendingOrder
        self.reload()

    def case_id_at(self, row: int) -> int:
        return self.rows[row].id
