"""监督 tab: 双随机抽查, 信用 and 投诉举报, each a page driving its service (their shared pieces are in
page.py).

The pages are imported when the tab is built: the main window imports this module only for the
roles that see the tab.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from enforcement_desk.context import Actor, AppContext


class SupervisionView(QTabWidget):
    """The 监督 tab; `open_case(case_id)` when a page opened or made a case."""

    open_case = Signal(int)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        from enforcement_desk.supervision.desk.complaints_page import ComplaintsPage
        from enforcement_desk.supervision.desk.credit_page import CreditPage
        from enforcement_desk.supervision.desk.draws_page import DrawsPage

        self.setObjectName("supervisionTabs")
        self.draws = DrawsPage(ctx, actor, self)
        self.credit = CreditPage(ctx, actor, self)
        self.complaints = ComplaintsPage(ctx, actor, self)
        self.addTab(self.draws, "双随机抽查")
        self.addTab(self.credit, "信用")
        self.addTab(self.complaints, "投诉举报")
        self.draws.open_case.connect(self.open_case)
        self.complaints.open_case.connect(self.open_case)
