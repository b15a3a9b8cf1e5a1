"""One case on screen: where it stands, what can be done next (and why not), and its record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.procedure.workflow import ActionAvailability
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import ORDINARY_MAIN_LINE, Stage
from enforcement_desk.desk.operations import Changes, keep_fresh
from enforcement_desk.desk.permissions import may_run
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.desk import case_side_dialogs
from enforcement_desk.procedure.desk.action_dialog import FormDialog, ReviewDialog, action_dialog
from enforcement_desk.procedure.desk.case_panels import ProposalPanel, SummaryPanel
from enforcement_desk.procedure.desk.case_record_panels import DeadlinesPanel, ReviewPanel, TimelinePanel

REVIEW_ACTIONS = {"approve_review", "return_review", "reject_review"}


@dataclass(frozen=True)
class PanelFactory:
    """Other parts of the program add panels (evidence, documents, discretion) through `register_panel`."""

    title: str
    build: Callable[[AppContext, Actor, QWidget], QWidget]  # the widget has show_case(CaseDetail)
    position: int = 100


_PANEL_FACTORIES: list[PanelFactory] = []


def register_panel(
    title: str, build: Callable[[AppContext, Actor, QWidget], QWidget], position: int = 100
) -> None:
    if all(f.title != title for f in _PANEL_FACTORIES):
        _PANEL_FACTORIES.append(PanelFactory(title, build, position))
        _PANEL_FACTORIES.sort(key=lambda f: f.position)


class StageBar(QLabel):
    """The main line of the ordinary procedure with the case's position marked."""

    def show_stage(self, stage: Stage) -> None:
        parts = []
        reached = stage in ORDINARY_MAIN_LINE
        for s in ORDINARY_MAIN_LINE:
            if s is stage:
                parts.append(
                    f"<span style='background:#1a5fb4;color:white;padding:2px'>&nbsp;{s.label}&nbsp;</span>"
                )
                reached = False
            elif reached:
                parts.append(f"<span style='color:#1b6e20'>{s.label}</span>")
            else:
                parts.append(f"<span style='color:#888'>{s.label}</span>")
        text = " → ".join(parts)
        if stage not in ORDINARY_MAIN_LINE:
            text = f"<b style='color:#b3261e'>{stage.label}</b>　｜　" + text
        self.setText(text)


def _with_rule(reason: str) -> str:
    """A refusal with the article it names (a workflow Refusal keeps it beside its words)."""
    rule = getattr(reason, "rule", None)
    return f"{reason}（依据：{rule}）" if rule else reason


class CaseWorkspace(QWidget):
    """Reloads the case after any write that changed it, its own panels' included: the stage, the
    actions and every panel move together (a hidden tab reloads when it comes to the front)."""

    def __init__(self, ctx: AppContext, actor: Actor, case_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor, self.case_id = ctx, actor, case_id
        self.case: CaseDetail | None = None
        self.open_dialog: QWidget | None = None
        self.transfer_job = None
        self.transfer_message: str = ""
        layout = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.stage_bar = StageBar(self)
        self.stage_bar.setWordWrap(True)
        self.actions_row = QHBoxLayout()
        self.blocked = QLabel(self)
        self.blocked.setObjectName("blockedReasons")
        self.blocked.setWordWrap(True)
        self.blocked.setStyleSheet("color: #6b6b6b;")
        self.tabs = QTabWidget(self)
        self.summary = SummaryPanel(ctx, actor, self)
        self.proposal = ProposalPanel(ctx, actor, self)
        self.timeline = TimelinePanel(self)
        self.deadlines = DeadlinesPanel(ctx, self)
        self.review = ReviewPanel(ctx, actor, self)
        self.panels: list[QWidget] = [self.summary, self.proposal, self.timeline, self.deadlines, self.review]
        for title, panel in (("概况", self.summary), ("处理意见", self.proposal), ("办案流程", self.timeline),
                             ("期限", self.deadlines), ("法制审核", self.review)):  # fmt: skip
            self.tabs.addTab(panel, title)
        for factory in _PANEL_FACTORIES:
            panel = factory.build(ctx, actor, self)
            self.panels.append(panel)
            self.tabs.addTab(panel, factory.title)
        layout.addWidget(self.header)
        layout.addWidget(self.stage_bar)
        layout.addLayout(self.actions_row)
        layout.addWidget(self.blocked)
        layout.addWidget(self.tabs, 1)
        self.reload()
        keep_fresh(self, lambda changes, _source: case_id in changes.cases or changes.credit, self.reload,
                   catch_up_when_shown=False)  # fmt: skip

    # ---- state ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.show_case(get_case(self.ctx, self.actor, self.case_id))

    def unsaved_edits(self) -> list[str]:
        """What the user typed here and has not saved (closing the tab or the window would lose it)."""
        return [name for panel, name in ((self.summary, "违法事实"), (self.proposal, "处理意见"))
                if panel.has_unsaved_edits()]  # fmt: skip

    def show_case(self, case: CaseDetail) -> None:
        self.case = case
        number = case.decision_no or case.filing_no or case.case_no
        self.header.setText(
            f"<h2>{number}　{case.party.name}</h2><p>{case.cause}　·　现处于 <b>{case.stage.label}</b>"
            + (f"　·　办案期限 {case.decision_deadline}" if case.decision_deadline else "")
            + "</p>"
        )
        self.stage_bar.show_stage(case.stage)
        for panel in self.panels:
            panel.show_case(case)
        self._build_actions(case)

    def title(self) -> str:
        if self.case is None:
            return ""
        return f"{self.case.case_no} {self.case.party.name}"

    # ---- actions ---------------------------------------------------------------------------

    def _build_actions(self, case: CaseDetail) -> None:
        while self.actions_row.count():
            item = self.actions_row.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # gone from findChild at once, not only after deleteLater runs
                widget.deleteLater()
        blocked: list[str] = []
        shown_review = False
        for availability in case.actions:
            action = availability.action
            if action.key in REVIEW_ACTIONS:
                if shown_review:
                    continue
                shown_review = True
                button = QPushButton("法制审核…", self)
                button.setObjectName("action_review")
            else:
                button = QPushButton(action.label + "…", self)
                button.setObjectName(f"action_{action.key}")
            button.setEnabled(availability.allowed)
            if not availability.allowed:
                why = "；".join(_with_rule(r) for r in availability.reasons)
                button.setToolTip(why)
                blocked.append(f"{action.label}：{why}")
            button.clicked.connect(lambda _=False, a=availability: self._run(a))
            self.actions_row.addWidget(button)
        for key, label, visible, factory in self._side_actions(case):
            if visible:
                button = QPushButton(label, self)
                button.setObjectName(f"side_{key}")
                button.clicked.connect(
                    lambda _=False, f=factory: self._open(f(self.ctx, self.actor, case, self))
                )
                self.actions_row.addWidget(button)
        if case.stage is Stage.TRANSFERRED_POLICE and may_run(self.actor, "transfer package"):
            button = QPushButton("制作移送材料包…", self)
            button.setObjectName("side_transfer_package")
            button.clicked.connect(self._transfer_package)
            self.actions_row.addWidget(button)
        self.actions_row.addStretch(1)
        self.blocked.setText("暂不能办理 — " + "　".join(blocked) if blocked else "")
        self.blocked.setVisible(bool(blocked))

    def _side_actions(self, case: CaseDetail):
        """The steps beside the workflow's actions, offered as the command table permits the user's role
        in this stage; officers only on cases they handle, as the services require."""
        is_handler = any(h.user_id == self.actor.user_id for h in case.handlers)
        handles_or_oversees = is_handler or self.actor.role is not Role.OFFICER

        def offered(command: str) -> bool:
            return may_run(self.actor, command, case.stage)

        return (
            ("hearing_notice", "安排听证…", offered("case hearing-notice") and handles_or_oversees,
             case_side_dialogs.hearing_notice_dialog),
            ("hearing", "登记听证…", offered("case hearing"), case_side_dialogs.hearing_dialog),
            ("waiver", "放弃陈述申辩…", offered("case waive-defence") and is_handler and not case.hearing_requested_on,
             case_side_dialogs.waiver_dialog),
            ("discussion", "登记集体讨论…", offered("case discussion") and not case.discussion_recorded
             and (case.stage is Stage.COLLECTIVE_DISCUSSION or case.discussion.needed),
             case_side_dialogs.discussion_dialog),
            ("discussion_grounds", "集体讨论事由…", offered("case discussion-grounds") and handles_or_oversees,
             case_side_dialogs.discussion_grounds_dialog),
            ("extension", "延长办案期限…", offered("case extend") and case.filed_on is not None
             and case.decided_on is None and not case.stage.is_terminal, case_side_dialogs.extension_dialog),
            ("filing_extension", "延长立案期限…", offered("case extend-filing") and case.filed_on is None,
             case_side_dialogs.filing_extension_dialog),
            ("pause", "结束不计入期间…" if any(p.ended_on is None for p in case.decision_pauses) else "不计入办案期限…",
             offered("case pause-period") and is_handler and case.filed_on is not None and case.decided_on is None,
             case_side_dialogs.pause_dialog),
            *self._execution_actions(case, offered, is_handler, handles_or_oversees),
        )  # fmt: skip

    def _execution_actions(self, case: CaseDetail, offered, is_handler: bool, handles_or_oversees: bool):
        """The execution's steps beside the workflow: the 催告书's service, the party's review or suit and its
        outcome, the court's replies, a waiver by decision."""
        execution = case.execution
        if execution is None:
            return ()
        pending = bool(execution.record.pending)
        return (
            ("reminder_served", "登记催告书送达…", offered("case reminder-served") and is_handler
             and execution.reminder_issued_on is not None, case_side_dialogs.reminder_service_dialog),
            ("challenge", "登记复议或诉讼…", offered("case challenge") and handles_or_oversees and not pending
             and not execution.record.annulled_by, case_side_dialogs.challenge_dialog),
            ("challenge_outcome", "登记复议或诉讼结果…", offered("case challenge-outcome") and handles_or_oversees
             and pending, case_side_dialogs.challenge_outcome_dialog),
            ("court_reply", "登记法院答复…", offered("case court-reply") and handles_or_oversees
             and execution.applied_on is not None, case_side_dialogs.court_reply_dialog),
            ("execution_waiver", "登记减免…", offered("case waive") and not is_handler
             and not execution.balance.settled, case_side_dialogs.execution_waiver_dialog),
        )  # fmt: skip

    def _transfer_package(self, target: str | None = None) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from enforcement_desk.desk.operations import run_write
        from enforcement_desk.transfer.service import build_transfer_package

        assert self.case is not None
        if target is None:
            suggested = f"移送材料_{self.case.filing_no or self.case.case_no}.zip"
            target, _ = QFileDialog.getSaveFileName(self, "保存移送材料包", suggested, "ZIP 文件 (*.zip)")
        if not target:
            return
        ctx, actor, case_id = self.ctx, self.actor, self.case.id

        def work(control):
            return build_transfer_package(ctx, actor, case_id, Path(target),
                                          progress=control.progress, cancelled=control.cancelled)  # fmt: skip

        def done(manifest: dict) -> None:
            self.transfer_job = None
            self.transfer_message = f"已生成：{target}\n共 {len(manifest['files'])} 份材料\n签名公钥指纹：{manifest['public_key_fingerprint']}"
            box = QMessageBox(QMessageBox.Icon.Information, "移送材料包", self.transfer_message, parent=self)
            box.open()

        def failed(exc: BaseException) -> None:
            from enforcement_desk.desk.messages import show_error

            self.transfer_job = None
            show_error(self, exc, "未生成移送材料包")

        self.transfer_job = run_write(self, "制作移送材料包", work, changes=Changes.to_case(case_id), on_done=done,
                                      on_refused=failed, long=True)  # fmt: skip

    def _run(self, availability: ActionAvailability) -> None:
        assert self.case is not None
        if availability.action.key in REVIEW_ACTIONS:
            dialog: QWidget = ReviewDialog(self.ctx, self.actor, self.case, self)
        elif availability.action.key == "serve":  # the fields follow the method of service
            dialog = case_side_dialogs.service_dialog(self.ctx, self.actor, self.case, self)
        else:
            dialog = action_dialog(self.ctx, self.actor, self.case, availability.action, self)
        self._open(dialog)

    def _open(self, dialog: FormDialog | ReviewDialog) -> None:
        self.open_dialog = dialog
        dialog.finished.connect(lambda _result: self._after(dialog))
        dialog.open()

    def _after(self, _dialog: FormDialog | ReviewDialog) -> None:
        # Done or cancelled; after a write the case reloads from its announcement.
        self.open_dialog = None
