"""The desk: today, the case list, and one tab per open case.

The window is shown before the database layer is even imported (a cold start would otherwise keep the
officer looking at nothing for a second or more): it opens as a frame saying what it is doing, and
`open_desk` fills it once the database is open and the user has signed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk import APP_TITLE
from enforcement_desk.admin.desk.desk_settings import desk_settings

if TYPE_CHECKING:
    from enforcement_desk.context import Actor, AppContext
    from enforcement_desk.procedure.desk.case_list_view import CaseListView
    from enforcement_desk.procedure.desk.case_workspace import CaseWorkspace
    from enforcement_desk.procedure.desk.new_case_dialog import NewCaseDialog
    from enforcement_desk.procedure.desk.today_view import TodayView


def case_workspace_class() -> type[CaseWorkspace]:
    """The workspace and the panels other parts register in it, loaded when the first case opens:
    the discretion, evidence and documents panels pull in services the start does not need."""
    from enforcement_desk.discretion import panel as discretion_panel  # noqa: F401
    from enforcement_desk.documents import panel as documents_panel  # noqa: F401
    from enforcement_desk.evidence import panel as evidence_panel  # noqa: F401
    from enforcement_desk.procedure.desk.case_workspace import CaseWorkspace
    from enforcement_desk.transfer import panel as transfer_panel  # noqa: F401

    return CaseWorkspace


def saved_database_url() -> str | None:
    """The shared server chosen in 数据库 → 连接共享服务器 (without its password)."""
    value = desk_settings().value("database/url")
    return str(value) if value else None


def save_database_url(url: str | None) -> None:
    settings = desk_settings()
    if url:
        settings.setValue("database/url", url)
    else:
        settings.remove("database/url")


class IdleWatcher(QObject):
    """Notes the time of the last keyboard or mouse input anywhere in the application."""

    INPUT_EVENTS = {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }

    def __init__(self, parent: QObject):
        super().__init__(parent)
        from time import monotonic

        self._clock = monotonic
        self.last_input = monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.INPUT_EVENTS:
            self.last_input = self._clock()
        return False

    def idle_seconds(self) -> float:
        return self._clock() - self.last_input


class StartingPage(QWidget):
    """What the window shows until the desk is open: what is being done, and that it is moving.
    (Centred by stretches rather than Qt.AlignmentFlag: the first use of the Qt namespace costs
    20 ms, a tenth of the whole start to this page.)"""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("startingPage")
        title = QLabel(APP_TITLE, self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        title.setFont(font)
        self.status = QLabel("正在打开数据库…", self)
        self.status.setObjectName("startingStatus")
        busy = QProgressBar(self)
        busy.setRange(0, 0)
        busy.setTextVisible(False)
        busy.setFixedWidth(self.fontMetrics().horizontalAdvance("汉") * 24)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (title, self.status, busy):
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(widget)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    """Built with a context and a signed-in user it opens the desk at once (tests, screenshots);
    built bare it is the frame the start shows first, filled later by `open_desk`."""

    def __init__(self, ctx: AppContext | None = None, actor: Actor | None = None, agency_name: str = ""):
        super().__init__()
        self.ctx: AppContext | None = None
        self.locked = False
        self.shown_before = False  # the first activation comes with the first show: the views are fresh
        self.setWindowTitle(APP_TITLE)
        self.starting = StartingPage(self)
        self.setCentralWidget(self.starting)
        self._restore_geometry()
        if ctx is not None and actor is not None:
            self.open_desk(ctx, actor, agency_name)

    def show_progress(self, text: str) -> None:
        self.starting.status.setText(text)

    def open_desk(self, ctx: AppContext, actor: Actor, agency_name: str) -> None:
        from enforcement_desk.admin.agency_settings import get_settings
        from enforcement_desk.admin.training import TRAINING_TITLE, is_training_database
        from enforcement_desk.desk.permissions import may_run
        from enforcement_desk.procedure.desk.case_list_view import CaseListView
        from enforcement_desk.procedure.desk.today_view import TodayView

        self.ctx, self.actor, self.agency_name = ctx, actor, agency_name
        training = f"{TRAINING_TITLE} " if is_training_database(ctx) else ""  # no one takes it for the real office
        self.setWindowTitle(f"{training}{APP_TITLE} — {agency_name} — {actor.name}（{actor.role.label}）")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.today: TodayView = TodayView(ctx, actor, self)
        self.cases: CaseListView = CaseListView(ctx, actor, self)
        self.tabs.addTab(self.today, "今日")
        self.tabs.addTab(self.cases, "案件")
        if may_run(actor, "stats"):
            from enforcement_desk.supervision.desk.statistics_view import StatisticsView

            self.statistics = StatisticsView(ctx, actor, self, load_now=False)
            self.tabs.addTab(self.statistics, "统计")
        if may_run(actor, "complaint add") or may_run(actor, "inspection draw"):
            from enforcement_desk.supervision.desk.view import SupervisionView

            self.supervision = SupervisionView(ctx, actor, self)
            self.tabs.addTab(self.supervision, "监督")
            self.supervision.open_case.connect(self.open_case)
        self.fixed_tabs = self.tabs.count()  # 今日, 案件 (+ 统计): never closed; case tabs follow
        for index in range(self.fixed_tabs):
            self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.setCentralWidget(self.tabs)  # the starting page goes with it
        self.today.open_case.connect(self.open_case)
        self.cases.open_case.connect(self.open_case)
        self.lock_notice = QLabel(self)
        self.statusBar().addPermanentWidget(QLabel(f"{actor.name}（{actor.role.label}）", self))
        self._build_menus()
        state = desk_settings().value("main/state")
        if state is not None:
            self.restoreState(state)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.idle = IdleWatcher(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.idle_limit_minutes = get_settings(ctx, actor).settings.idle_lock_minutes
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(30_000)
        self.lock_timer.timeout.connect(self._check_idle)
        self.lock_timer.start()

    # ---- menus and shortcuts ---------------------------------------------------------------

    def _action(self, text: str, shortcut: QKeySequence | str | None, slot, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        from enforcement_desk.desk.permissions import may_run

        case_menu = self.menuBar().addMenu("案件(&C)")
        self.new_case_action = self._action(
            "新建案件…", QKeySequence.StandardKey.New, self.new_case, "newCaseAction"
        )
        self.new_case_action.setEnabled(may_run(self.actor, "case create"))
        case_menu.addAction(self.new_case_action)
        case_menu.addAction(
            self._action("查找案件", QKeySequence.StandardKey.Find, self.focus_filter, "findAction")
        )
        case_menu.addAction(
            self._action("刷新", QKeySequence.StandardKey.Refresh, self.refresh, "refreshAction")
        )
        case_menu.addAction(
            self._action("关闭当前案件", QKeySequence.StandardKey.Close, self.close_current, "closeTabAction")
        )
        case_menu.addSeparator()
        case_menu.addAction(self._action("退出", QKeySequence.StandardKey.Quit, self.close, "quitAction"))
        view_menu = self.menuBar().addMenu("查看(&V)")
        view_menu.addAction(
            self._action("今日", "Ctrl+1", lambda: self.tabs.setCurrentIndex(0), "todayAction")
        )
        view_menu.addAction(
            self._action("案件列表", "Ctrl+2", lambda: self.tabs.setCurrentIndex(1), "listAction")
        )
        view_menu.addAction(self._action("锁定", "Ctrl+L", self.lock, "lockAction"))
        server_menu = self.menuBar().addMenu("数据库(&D)")
        server_menu.addAction(self._action("连接共享服务器…", None, self.choose_server, "serverAction"))
        server_menu.addAction(self._action("改回本机数据库", None, self.use_embedded, "embeddedAction"))
        if may_run(self.actor, "settings transfer-approvers"):
            admin_menu = self.menuBar().addMenu("管理(&A)")
            admin_menu.addAction(
                self._action("移送审批负责人…", None, self.transfer_approvers, "transferApproversAction")
            )

    def transfer_approvers(self) -> None:
        """国务院令第310号 art. 5: the administrator names the principal (or presiding) head."""
        from enforcement_desk.admin.desk.transfer_approvers_dialog import TransferApproversDialog

        self.approvers_dialog = TransferApproversDialog(self.ctx, self.actor, self)
        self.approvers_dialog.open()

    # ---- tabs ------------------------------------------------------------------------------

    def open_case(self, case_id: int) -> CaseWorkspace | None:
        for index, widget in enumerate(self.workspaces(), start=self.fixed_tabs):
            if widget.case_id == case_id:
                self.tabs.setCurrentIndex(index)
                return widget
        try:
            workspace = case_workspace_class()(self.ctx, self.actor, case_id, self)
        except Exception as exc:  # shown to the user with a reference
            from enforcement_desk.desk.messages import show_error

            show_error(self, exc, "无法打开案件")
            return None
        index = self.tabs.addTab(workspace, workspace.title())
        self.tabs.setCurrentIndex(index)
        return workspace

    def close_tab(self, index: int) -> None:
        if index >= self.fixed_tabs:
            widget = self.tabs.widget(index)
            if not self.may_discard([widget]):
                return
            self.tabs.removeTab(index)
            widget.deleteLater()

    def may_discard(self, workspaces: list[CaseWorkspace]) -> bool:
        """Ask before unsaved facts or proposals are lost with their tab or the window."""
        unsaved = [f"{w.title()}：{'、'.join(edits)}" for w in workspaces if (edits := w.unsaved_edits())]
        if not unsaved:
            return True
        box = QMessageBox(QMessageBox.Icon.Warning, "尚未保存", "以下修改尚未保存，关闭后将丢失：\n" + "\n".join(unsaved),
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)  # fmt: skip
        box.setObjectName("discardBox")
        box.button(QMessageBox.StandardButton.Discard).setText("不保存，关闭")
        box.button(QMessageBox.StandardButton.Cancel).setText("返回")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Discard

    def close_current(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def workspaces(self) -> list[CaseWorkspace]:
        return [self.tabs.widget(i) for i in range(self.fixed_tabs, self.tabs.count())]  # type: ignore[misc]

    def _workspace(self, widget: object) -> CaseWorkspace | None:
        return widget if any(widget is w for w in self.workspaces()) else None  # type: ignore[return-value]

    def _tab_changed(self, index: int) -> None:
        # Others may have changed the case on the shared server: show it fresh when it comes to front.
        widget = self.tabs.widget(index)
        workspace = self._workspace(widget)
        if workspace is not None and workspace.open_dialog is None:
            try:
                workspace.reload()
            except Exception as exc:
                from enforcement_desk.desk.messages import show_error

                show_error(self, exc, "无法刷新案件")
        elif widget is self.today:
            self.today.refresh()

    # ---- commands --------------------------------------------------------------------------

    def new_case(self) -> None:
        from enforcement_desk.procedure.desk.new_case_dialog import NewCaseDialog

        dialog = NewCaseDialog(self.ctx, self.actor, self)
        dialog.accepted.connect(lambda: self._case_created(dialog))
        dialog.open()
        self.new_case_dialog = dialog

    def _case_created(self, dialog: NewCaseDialog) -> None:
        if dialog.case is not None:  # the lists refresh from the write's announcement
            self.open_case(dialog.case.id)

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.cases.text.setFocus()
        self.cases.text.selectAll()

    def refresh_lists(self) -> None:
        self.cases.refresh()
        self.today.refresh()

    def refresh(self) -> None:
        self.refresh_lists()
        for workspace in self.workspaces():
            workspace.reload()
        self.statusBar().showMessage("已刷新", 2000)

    def choose_server(self) -> None:
        from enforcement_desk.admin.desk.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self, initial_url=saved_database_url())
        if dialog.exec():
            save_database_url(dialog.display_url())
            QMessageBox.information(
                self,
                "共享服务器",
                f"下次启动时将连接：{dialog.display_url()}\n（密码已按您的选择保存在系统凭据管理器中）",
            )

    def use_embedded(self) -> None:
        save_database_url(None)
        QMessageBox.information(self, "本机数据库", "下次启动时将使用本机内置数据库。")

    def changeEvent(self, event: QEvent) -> None:
        # On a shared server others change cases too: coming back to the window shows their changes.
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and self.ctx is not None
            and not self.locked
            and self._seen_before()
        ):
            current = self.tabs.currentWidget()
            workspace = self._workspace(current)
            if workspace is not None and workspace.open_dialog is None:
                workspace.reload()
            elif current is self.cases:
                self.cases.refresh()
            elif current is self.today:
                self.today.refresh()
        super().changeEvent(event)

    def _seen_before(self) -> bool:
        seen, self.shown_before = self.shown_before, True
        return seen

    # ---- idle lock -------------------------------------------------------------------------

    def _check_idle(self) -> None:
        from enforcement_desk.desk.operations import operations_running

        if operations_running():  # a long write (a recorder card) holds input back: that is not idleness
            self.idle.last_input = self.idle._clock()
            return
        if (
            not self.locked
            and self.idle_limit_minutes
            and self.idle.idle_seconds() >= self.idle_limit_minutes * 60
        ):
            self.lock()

    def lock(self) -> None:
        if self.locked:
            return
        from enforcement_desk.admin.desk.login_dialog import LoginDialog

        self.locked = True
        self.centralWidget().setVisible(False)
        dialog = LoginDialog(self.ctx, self.agency_name, self, locked_login=self.actor.login)
        dialog.accepted.connect(self._unlock)
        dialog.rejected.connect(self.close)
        self.lock_dialog = dialog
        dialog.open()

    def _unlock(self) -> None:
        self.locked = False
        self.centralWidget().setVisible(True)
        self.idle.last_input = self.idle._clock()

    # ---- layout ----------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = desk_settings().value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    def closeEvent(self, event) -> None:
        if self.ctx is not None and not self.may_discard(self.workspaces()):
            event.ignore()
            return
        if self.ctx is not None:
            from enforcement_desk.desk.operations import wait_for_operations

            # Nothing may still be reading or writing once the database closes.
            self.cases.model.wait_for_count(5000)
            wait_for_operations(5000)
            self.cases.save_layout()
        settings = desk_settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        super().closeEvent(event)
