"""The case list as a Qt model: pages of 100 fetched from the service as the view scrolls.

Counting the matches of a filter can take longer than fetching its first page (a two-character search
scans until it has seen 10,000 matches), so the count runs off the screen thread (desk/operations
run_query) and arrives later: each keystroke waits only for the page it shows. One count runs at a
time; filters typed meanwhile leave only the latest one to count next.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.money import format_yuan
from enforcement_desk.desk.messages import error_text
from enforcement_desk.desk.operations import run_query
from enforcement_desk.desk.workers import BackgroundJob
from enforcement_desk.procedure.case_views import CaseSummary
from enforcement_desk.procedure.cases import COUNT_LIMIT, CaseFilter, count_cases, list_cases

PAGE = 100
COLUMNS = (  # key, header, sort key in the service (None: not sortable), a typical long value
    ("number", "案号", None, "沂卫医罚〔2026〕005号"),
    ("party", "当事人", "party", "沂水县金盾机械制造有限公司"),
    ("cause", "案由", "cause", ""),  # takes the room that is left
    ("stage", "阶段", "stage", "移送司法机关"),
    ("accepted_on", "受理日期", "accepted_on", "2026-11-22"),
    ("handlers", "承办人", None, "王强、李娜"),
    ("fine", "罚款", None, "1,000,000.00元"),
)
STRETCH_COLUMN = 2
FINE_COLUMN = 6

Index = QModelIndex | QPersistentModelIndex


class CaseTableModel(QAbstractTableModel):
    total_changed = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, parent=None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.filter = CaseFilter()
        self.sort_key, self.descending = "accepted_on", True
        self.rows: list[CaseSummary] = []
        # capped at COUNT_LIMIT + 1: exact counts of huge result sets cost more than they tell;
        # None while the count is still running
        self.total: int | None = 0
        self.count_error = ""
        self.exhausted = True
        self.generation = 0
        self.counting: BackgroundJob | None = None
        self.count_waiting = False  # a filter came while a count ran: count the latest one next

    # ---- loading -------------------------------------------------------------------------

    def set_filter(self, flt: CaseFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        self.generation += 1
        self.count_error = ""
        self.beginResetModel()
        self.rows = self._page(0)
        self.exhausted = len(self.rows) < PAGE
        self.endResetModel()
        if self.exhausted:  # the first page holds every match: that is the count
            self.total = len(self.rows)
        else:
            self.total = None
            self._count()
        self.total_changed.emit()

    def _count(self) -> None:
        if self.counting is not None:
            self.count_waiting = True
            return
        ctx, actor, flt, generation = self.ctx, self.actor, self.filter, self.generation
        self.counting = run_query(
            self, lambda: count_cases(ctx, actor, flt, limit=COUNT_LIMIT),
            lambda total: self.count_arrived(generation, total),
            lambda exc: self._count_failed(generation, error_text(exc)),
        )  # fmt: skip
        self.counting.ended.connect(self._count_ended)

    def _count_ended(self, _ok: bool) -> None:
        self.counting = None
        if self.count_waiting:
            self.count_waiting = False
            if self.total is None:  # the list shown now still waits for its count
                self._count()

    def wait_for_count(self, msecs: int = -1) -> bool:
        """Block until no count is reading, the latest filter's included (closing the window, tests,
        the benchmark); the counts arrive meanwhile."""
        while self.counting is not None:
            if not self.counting.finish_now(msecs):
                return False
        return True

    def count_arrived(self, generation: int, total: int) -> None:
        """A count is shown only if it is of the filter shown: a late one of an older filter is not."""
        if generation == self.generation:
            self.total = total
            self.total_changed.emit()

    def _count_failed(self, generation: int, message: str) -> None:
        if generation == self.generation:
            self.count_error = message
            self.total_changed.emit()

    @property
    def total_text(self) -> str:
        if self.count_error:
            return f"已显示 {len(self.rows)} 件；无法统计总数。{self.count_error}"
        if self.total is None:
            return f"已显示 {len(self.rows)} 件，正在统计总数…"
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

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        more = self._page(len(self.rows))
        self.exhausted = len(more) < PAGE
        if not more:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # ---- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
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
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == FINE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
        descending = order == Qt.SortOrder.DescendingOrder
        if sort_key is None or (sort_key, descending) == (self.sort_key, self.descending):
            return  # the view asks again when it is set up; the rows are already in this order
        self.sort_key, self.descending = sort_key, descending
        if self.generation:  # before the first load (a restored header) the order is only noted
            self.reload()

    def sort_column(self) -> int:
        return next(i for i, column in enumerate(COLUMNS) if column[2] == self.sort_key)

    def case_id_at(self, row: int) -> int:
        return self.rows[row].id
