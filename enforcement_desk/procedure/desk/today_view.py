"""The today view: what waits for me, and every legal period that is due or overdue (with its article);
for administrators, what killed imports and backups left in the evidence store (checked in the background)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from enforcement_desk.app_logging import logger
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.procedure.periods import URGENCY_LABELS
from enforcement_desk.core.roles import Role
from enforcement_desk.desk.operations import keep_fresh
from enforcement_desk.desk.tables import read_only_table
from enforcement_desk.desk.workers import BackgroundJob
from enforcement_desk.evidence.leftovers import LeftoverReport, check_leftovers
from enforcement_desk.procedure.deadlines import due_deadlines
from enforcement_desk.procedure.worklist import my_certificate_notice, waiting_for_me

# The officer's own 执法证: run out (red, no enforcement step can be taken) or running out within 30 days (amber).
CERTIFICATE_STYLES = {
    True: "background: #f8d7da; color: #721c24; border: 1px solid #f1aeb5; padding: 6px;",
    False: "background: #fff3cd; color: #664d03; border: 1px solid #ffe69c; padding: 6px;",
}

URGENCY_COLOURS = {
    "overdue": QColor("#f8d7da"),
    "due_today": QColor("#ffe5b4"),
    "due_soon": QColor("#fff6cc"),
}


class TodayView(QWidget):
    open_case = Signal(int)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        layout = QVBoxLayout(self)
        self.certificate = QLabel(self)
        self.certificate.setObjectName("certificateBanner")
        self.certificate.setWordWrap(True)
        layout.addWidget(self.certificate)
        self.leftovers = QLabel(self)
        self.leftovers.setObjectName("leftoversBanner")
        self.leftovers.setWordWrap(True)
        self.leftovers.setStyleSheet(CERTIFICATE_STYLES[False])
        self.leftovers.hide()
        layout.addWidget(self.leftovers)
        self.work_title = QLabel(self)
        self.work = read_only_table(["案号", "当事人", "案由", "待办"], self, alternating=True)
        self.deadline_title = QLabel(self)
        self.deadlines = read_only_table(["状态", "到期", "期限", "案号", "当事人", "依据"], self, alternating=True)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a5300;")
        for widget in (self.work_title, self.work, self.deadline_title, self.deadlines, self.warning):
            layout.addWidget(widget)
        self.work.cellDoubleClicked.connect(lambda row, _c: self._open(self.work, row))
        self.deadlines.cellDoubleClicked.connect(lambda row, _c: self._open(self.deadlines, row))
        self.refresh()
        # The main window refreshes this view each time it comes to the front: no catching up needed.
        keep_fresh(self, lambda changes, _source: changes.case_list or changes.deadlines, self.refresh,
                   catch_up_when_shown=False)  # fmt: skip
        self.leftovers_check: BackgroundJob | None = None
        if actor.role is Role.ADMIN:
            self._check_leftovers()

    def _check_leftovers(self) -> None:
        """Look for what killed imports and backups left behind, off the GUI thread: listing a large store
        takes a while, and nothing here should hold up the start."""

        def quietly(exc: BaseException) -> None:
            logger.warning("检查证据文件库遗留文件失败：%s", exc)

        self.leftovers_check = BackgroundJob(
            self, "检查证据文件库", lambda _control: check_leftovers(self.ctx, self.actor), self._show_leftovers,
            quietly, cancellable=False, show_after_ms=None,
        )  # fmt: skip
        self.leftovers_check.start()

    def _show_leftovers(self, report: LeftoverReport) -> None:
        lines = report.lines()
        self.leftovers.setVisible(bool(lines))
        if lines:
            self.leftovers.setText(
                "证据文件库中有中断的导入或备份留下的文件：" + "；".join(lines)
                + "。它们不影响记录的完整性；可在命令行运行 enforcement-desk evidence gc 查看明细，"
                "确认后加 --apply 清理（清理会记入审计）。"
            )  # fmt: skip

    def _open(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.open_case.emit(item.data(Qt.ItemDataRole.UserRole))

    def refresh(self) -> None:
        notice = my_certificate_notice(self.ctx, self.actor)
        self.certificate.setVisible(notice is not None)
        if notice is not None:
            self.certificate.setText(notice.text)
            self.certificate.setStyleSheet(CERTIFICATE_STYLES[notice.expired])
        items = waiting_for_me(self.ctx, self.actor)
        self.work_title.setText(f"<h3>待我办理（{len(items)}）</h3>")
        self.work.setRowCount(len(items))
        for row, item in enumerate(items):
            for col, text in enumerate((item.case_no, item.party_name, item.cause, item.what)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.case_id)
                self.work.setItem(row, col, cell)
        self.work.resizeColumnsToContents()

        rows = due_deadlines(
            self.ctx, self.actor, within_days=7, mine_only=self.actor.role.value == "officer"
        )
        overdue = sum(1 for d in rows if d.urgency == "overdue")
        self.deadline_title.setText(f"<h3>期限提醒（{len(rows)}，其中已逾期 {overdue}）</h3>")
        self.deadlines.setRowCount(len(rows))
        for row, d in enumerate(rows):
            due = f"{d.due_at:%Y-%m-%d %H:%M}" if d.due_at else d.due_on.isoformat()
            texts = (
                URGENCY_LABELS.get(d.urgency, d.urgency),
                due,
                d.name,
                d.case_no,
                d.party_name,
                d.article,
            )
            for col, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, d.case_id)
                colour = URGENCY_COLOURS.get(d.urgency)
                if colour is not None:
                    cell.setBackground(QBrush(colour))
                self.deadlines.setItem(row, col, cell)
        self.deadlines.resizeColumnsToContents()
        warnings = sorted({w for d in rows for w in d.warnings})
        self.warning.setText("\n".join(f"注意：{w}" for w in warnings))
        self.warning.setVisible(bool(warnings))
