"""投诉举报 page: the complaints with their reply deadlines, intake with an assigned officer, and the
outcome — a case, or closing with a reason. The reporter column and the content below the table show
only what the service returns for the signed-in user (the handling officer and heads read the content
and see who reported; others see notices)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.admin.users import list_users
from enforcement_desk.context import Actor, AppContext, role_rule_of
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.periods import URGENCY_LABELS
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import CATEGORY_LABELS
from enforcement_desk.desk.messages import say
from enforcement_desk.desk.operations import Changes
from enforcement_desk.desk.tables import fill_rows, read_only_table
from enforcement_desk.procedure.desk.today_view import URGENCY_COLOURS
from enforcement_desk.procedure.parties import search_parties
from enforcement_desk.supervision import complaints as svc
from enforcement_desk.supervision.desk.page import (
    SUPERVISION,
    SupervisionForm,
    SupervisionPage,
    allow,
    refusal,
    selected_row,
)

COLUMNS = ["编号", "收到日期", "渠道", "投诉举报人", "被投诉举报对象", "类别", "承办人", "答复期限", "状态"]


def status_text(c: svc.ComplaintView) -> str:
    if c.status == "open":
        return f"{c.label}（{URGENCY_LABELS.get(c.urgency, c.urgency)}）"
    return c.label + (f" 案件 #{c.case_id}" if c.case_id else "")


class ComplaintsPage(SupervisionPage):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(ctx, actor, parent)
        self.items: list[svc.ComplaintView] = []
        self.add_button = QPushButton("登记投诉举报…", self)
        self.add_button.setObjectName("addComplaintButton")
        self.convert_button = QPushButton("转为案件…", self)
        self.convert_button.setObjectName("convertComplaintButton")
        self.close_button = QPushButton("办结（不立案）…", self)
        self.close_button.setObjectName("closeComplaintButton")
        self.open_only = QCheckBox("只看办理中", self)
        self.open_only.setObjectName("openOnlyCheck")
        allow(self.add_button, refusal(actor, svc.add_complaint))
        self.add_button.clicked.connect(self.add)
        self.convert_button.clicked.connect(self.convert)
        self.close_button.clicked.connect(self.close_complaint)
        self.open_only.toggled.connect(self.refresh)
        self.table = read_only_table(COLUMNS, self, alternating=True)
        self.table.setObjectName("complaintTable")
        self.table.itemSelectionChanged.connect(self.show_selected)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        for widget in (self.add_button, self.convert_button, self.close_button, self.open_only):
            bar.addWidget(widget)
        bar.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)

    def refresh(self) -> None:
        row = self.table.currentRow()
        self.items = svc.list_complaints(self.ctx, self.actor, open_only=self.open_only.isChecked())
        fill_rows(self.table, [
            (c.number, c.received_on.isoformat(), c.channel, c.reporter, c.subject_name,
             CATEGORY_LABELS.get(c.category, c.category), c.assigned_name, c.reply_due_on.isoformat(), status_text(c))
            for c in self.items
        ])  # fmt: skip
        for r, c in enumerate(self.items):
            colour = URGENCY_COLOURS.get(c.urgency)
            if colour is not None:
                self.table.item(r, 8).setBackground(QBrush(colour))
        if 0 <= row < len(self.items):
            self.table.selectRow(row)
        self.show_selected()

    def current(self) -> svc.ComplaintView | None:
        row = selected_row(self.table, len(self.items))
        return None if row is None else self.items[row]

    def show_selected(self) -> None:
        c = self.current()
        for button, service in (
            (self.convert_button, svc.convert_to_case),
            (self.close_button, svc.close_complaint),
        ):
            action = role_rule_of(service).action
            reason = refusal(self.actor, service)
            if not reason and c is not None and c.status != "open":
                reason = f"投诉举报 {c.number} 已{c.label}，不能再处理"
            elif (
                not reason
                and c is not None
                and self.actor.role is Role.OFFICER
                and c.assigned_to != self.actor.user_id
            ):
                reason = f"只有承办人（{c.assigned_name}）或负责人可以{action}"
            allow(button, reason, "请先在列表中选择投诉举报" if c is None else "")
        if c is None:
            self.detail.setText("")
            return
        outcome = f"<br><b>办结理由</b>：{escape(c.close_reason)}" if c.close_reason else ""
        if c.case_id:
            outcome = f"<br><b>已立案</b>：案件 #{c.case_id}（双击该行打开）"
        id_number = f"　证件号码：{escape(c.reporter_id_number)}" if c.reporter_id_number else ""
        if c.withheld_from_case:
            outcome += f"<br><b>升级时从案件中移出的内容</b>：{escape(c.withheld_from_case)}"
        self.detail.setText(
            f"<b>{escape(c.number)}</b>　{escape(c.subject_name)}　{escape(c.subject_address)}<br>"
            f"<b>内容</b>：{escape(c.content)}<br><b>投诉举报人</b>：{escape(c.reporter)}{id_number}{outcome}"
        )

    def _double_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.items) and self.items[row].case_id:
            self.open_case.emit(self.items[row].case_id)

    def _officers(self, combo: QComboBox, chosen: int | None, blank: bool = False) -> QComboBox:
        if blank:
            combo.addItem("（请选择）", None)
        for user in list_users(self.ctx, self.actor, Role.OFFICER):
            combo.addItem(user.name, user.id)
        if chosen is not None and combo.findData(chosen) >= 0:
            combo.setCurrentIndex(combo.findData(chosen))
        return combo

    def add(self) -> None:
        ctx, actor = self.ctx, self.actor

        def submit(v: dict) -> svc.ComplaintView:
            if v["assigned_to"] is None:
                raise DomainError("请选择承办人")
            return svc.add_complaint(ctx, actor, svc.ComplaintDraft(
                channel=v["channel"], subject_name=v["subject_name"], content=v["content"],
                assigned_to=v["assigned_to"], received_on=v["received_on"],
                reporter_name=v["reporter_name"], reporter_phone=v["reporter_phone"], anonymous=v["anonymous"],
                subject_address=v["subject_address"], category=v["category"],
                reporter_id_number=v["reporter_id_number"]))  # fmt: skip

        form = SupervisionForm(self, "登记投诉举报", "登记", submit,
                               "投诉举报内容和投诉举报人的身份只有承办人和负责人可见，不写入审计记录，也不进入案件。")  # fmt: skip
        form.choice("channel", "渠道", ((name, name) for name in svc.CHANNELS))
        form.date("received_on", "收到日期", self.ctx.today(), latest=self.ctx.today())
        anonymous = form.add("anonymous", "", QCheckBox("匿名投诉举报"))
        reporter = form.add("reporter_name", "投诉举报人姓名", QLineEdit())
        phone = form.add("reporter_phone", "联系电话", QLineEdit())
        id_number = form.add("reporter_id_number", "证件号码（如有）", QLineEdit())
        anonymous.toggled.connect(
            lambda on: [field.setEnabled(not on) for field in (reporter, phone, id_number)]
        )
        form.add("subject_name", "被投诉举报对象（必填）", QLineEdit())
        form.add("subject_address", "对象地址", QLineEdit())
        form.choice("category", "执法类别", ((label, code) for code, label in CATEGORY_LABELS.items()))
        form.add("content", "投诉举报内容（必填）", QPlainTextEdit())
        form.add("assigned_to", "承办人", self._officers(QComboBox(), self.actor.user_id, blank=True))
        self.dialog = form.show_then(lambda c: (self.refresh(), say(
            self.message, f"已登记投诉举报 {c.number}，应于 {c.reply_due_on} 前答复")))  # fmt: skip

    def convert(self) -> None:
        c = self.current()
        if not self.need(c, "投诉举报（列表中的一行）"):
            return

        def load_parties(text: str) -> None:
            party.blockSignals(True)
            party.clear()
            for p in search_parties(self.ctx, self.actor, text, limit=30):
                party.addItem(f"{p.name}　{p.id_number or ''}".rstrip(), p.id)
            party.setEditText(text)
            party.blockSignals(False)

        ctx, actor = self.ctx, self.actor

        def submit(v: dict) -> int:
            if v["party"] is None:
                raise DomainError(
                    "请从列表中选择当事人（输入名称或证件号码查找；新当事人请先在新建案件时登记）"
                )
            handlers = tuple(h for h in (v["handler1"], v["handler2"]) if h)
            return svc.convert_to_case(ctx, actor, c.id, party_id=v["party"], cause=v["cause"], handler_ids=handlers)

        form = SupervisionForm(self, f"转为案件 · {c.number}", "受理", submit,
                               f"被投诉举报对象：{c.subject_name}。案件来源为投诉举报（登记号 {c.number}），违法事实由承办人"
                               "调查后填写；投诉举报内容和举报人信息只留在投诉举报记录中。",
                               changes=lambda case_id: Changes.to_case(case_id) | SUPERVISION)  # fmt: skip
        party = form.add("party", "当事人", QComboBox())
        party.setEditable(True)
        party.lineEdit().setPlaceholderText("输入名称或证件号码查找")
        party.lineEdit().textEdited.connect(load_parties)
        load_parties(c.subject_name)
        if party.count():
            party.setCurrentIndex(0)
        else:  # not registered under that name: offer the list to choose from
            load_parties("")
        form.add("cause", "案由（必填）", QLineEdit())
        form.add("handler1", "承办人", self._officers(QComboBox(), c.assigned_to, blank=True))
        form.add("handler2", "协办人", self._officers(QComboBox(), None, blank=True))
        self.dialog = form.show_then(self._converted)

    def _converted(self, case_id: int) -> None:
        self.refresh()
        say(self.message, f"已转为案件 #{case_id}")
        self.open_case.emit(case_id)

    def close_complaint(self) -> None:
        c = self.current()
        if not self.need(c, "投诉举报（列表中的一行）"):
            return
        ctx, actor = self.ctx, self.actor
        form = SupervisionForm(
            self,
            f"办结投诉举报 · {c.number}",
            "办结",
            lambda v: svc.close_complaint(ctx, actor, c.id, v["reason"]),
            "不立案办结的，须写明理由（如经核查不属实、不属本机关管辖）。",
        )
        form.add("reason", "办结理由（必填）", QPlainTextEdit())
        self.dialog = form.show_then(
            lambda v: (self.refresh(), say(self.message, f"投诉举报 {v.number} 已办结"))
        )
