"""移送: the officers' written report of a suspected crime, the head's decision, the package, the
police unit's receipt, and the public key the receivers check the package with."""

from __future__ import annotations

from datetime import date, datetime, time
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.admin.users import list_users
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.workflow import ACTIONS
from enforcement_desk.core.roles import Role
from enforcement_desk.desk.messages import error_text, say
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.desk.permissions import may_run
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.procedure.desk.action_dialog import Field, FormDialog
from enforcement_desk.procedure.desk.case_workspace import register_panel
from enforcement_desk.transfer.follow_up import record_item_handover, request_reconsideration
from enforcement_desk.transfer.service import (
    TransferStatus,
    public_key,
    record_transfer_receipt,
    submit_transfer_report,
    transfer_status,
)


def _officer_label(name: str, cert_no: str | None) -> str:
    return f"{name}（执法证 {cert_no or '无'}）"


def status_html(status: TransferStatus) -> str:
    """What has happened in the transfer, in the order the law sets it, with its periods."""
    rows: list[tuple[str, str]] = []
    if status.report is None:
        rows.append(("移送报告", "尚未提出（发现涉嫌犯罪的，由两名以上执法人员提出书面报告）"))
    else:
        report = status.report
        rows += [
            ("移送报告", f"{'、'.join(report.officers)} 于 {report.submitted_at:%Y-%m-%d %H:%M} 提出"),
            ("涉嫌犯罪的事实和理由", report.findings),
        ]
    if status.decision:
        who = "，".join(x for x in (status.decided_by, status.capacity) if x)
        decided = f"{who}，{status.decided_at:%Y-%m-%d %H:%M}" if status.decided_at else ""
        rows.append(("负责人决定", f"{status.decision}" + (f"（{decided}）" if decided else "")))
        if status.reason:
            rows.append(("理由", status.reason))
    if status.police_unit:
        rows.append(("接收的公安机关", status.police_unit))
    if status.procuratorate:
        rows.append(("抄送的人民检察院", status.procuratorate))
    if status.handover_due_at is not None and status.decision == "已批准移送":
        rows.append(("移送期限", f"{status.handover_due_at:%Y-%m-%d %H:%M} 前（批准后 24 小时内，按小时计算）"))
    if status.packages_built:
        rows.append(("移送材料包", f"已生成 {status.packages_built} 次"))
    if status.receipt is not None:
        receipt = status.receipt
        timing = "在 24 小时移送期限内" if receipt.on_time else "超过 24 小时移送期限"
        rows.append(("移送回执", f"{receipt.receiving_unit}　{receipt.receiver}　{receipt.when}　{timing}"))
        rows.append(("回执扫描件", f"{receipt.scan_name}　SHA-256 {receipt.scan_sha256}"))
    if status.police_answer is not None:
        answer = status.police_answer
        verdict = "决定立案" if answer.accepted else "不予立案"
        reason = f"；理由：{answer.reason}" if answer.reason else ""
        rows.append(("公安机关答复", f"{verdict}（{answer.answered_on} 收到书面通知{reason}）"))
    for item in status.follow_ups:
        label = "提请复议" if item.kind == "reconsideration" else "移交涉案物品"
        rows.append((label, f"{item.on}　{item.text}　{'3 日内' if item.on_time else '超过 3 日'}"))
    for period in status.periods:
        state = "进行中" if period.status == "open" else f"已完成（{period.closed_on}）"
        rows.append((period.name, f"至 {period.due}　{state}　{period.article}"))
    return (
        "<table cellspacing=4>"
        + "".join(f"<tr><td valign=top><b>{k}</b></td><td>{escape(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )


def _receipt_moment(day: date, text: str) -> datetime:
    """The date from the calendar and the time typed as 时:分 (the 24 hours are counted by the hour)."""
    try:
        return datetime.combine(day, time.fromisoformat(str(text).strip().replace("：", ":")))
    except ValueError:
        raise DomainError(f"接收时间格式不正确：“{text}”（应为 时:分，如 09:30）") from None


class TransferPanel(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.case: CaseDetail | None = None
        self.status: TransferStatus | None = None
        self.info = QTextBrowser(self)
        self.info.setObjectName("transferStatus")
        self.report_button = QPushButton("提出移送报告…", self)
        self.report_button.setObjectName("transferReport")
        self.receipt_button = QPushButton("登记移送回执…", self)
        self.receipt_button.setObjectName("transferReceipt")
        self.reconsider_button = QPushButton("提请复议…", self)
        self.reconsider_button.setObjectName("transferReconsider")
        self.items_button = QPushButton("移交涉案物品…", self)
        self.items_button.setObjectName("transferItems")
        self.key_button = QPushButton("导出签名公钥…", self)
        self.key_button.setObjectName("exportPublicKey")
        self.key_button.setToolTip("接收单位用公钥核验移送材料包的签名")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.open_dialog: FormDialog | None = None
        buttons = QHBoxLayout()
        for button in (self.report_button, self.receipt_button, self.reconsider_button, self.items_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.key_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.info, 1)
        layout.addWidget(self.message)
        self.report_button.clicked.connect(self.ask_for_report)
        self.receipt_button.clicked.connect(self.ask_for_receipt)
        self.reconsider_button.clicked.connect(self.ask_for_reconsideration)
        self.items_button.clicked.connect(self.ask_for_items)
        self.key_button.clicked.connect(lambda: self.export_public_key())

    def show_case(self, case: CaseDetail) -> None:
        self.case = case
        self.status = transfer_status(self.ctx, self.actor, case.id)
        self.info.setHtml(status_html(self.status))
        self.message.clear()
        is_handler = any(h.user_id == self.actor.user_id for h in case.handlers)
        report_refusal = self._report_refusal(case, is_handler)
        self.report_button.setEnabled(not report_refusal)
        self.report_button.setToolTip(report_refusal)
        receipt_refusal = self._receipt_refusal(is_handler)
        self.receipt_button.setEnabled(not receipt_refusal)
        self.receipt_button.setToolTip(receipt_refusal)
        for button, accepted, command in ((self.reconsider_button, False, "transfer reconsider"),
                                          (self.items_button, True, "transfer items")):  # fmt: skip
            refusal = self._follow_up_refusal(is_handler, accepted, command)
            button.setVisible(self.status.police_answer is not None and self.status.police_answer.accepted is accepted)
            button.setEnabled(not refusal)
            button.setToolTip(refusal)

    def _report_refusal(self, case: CaseDetail, is_handler: bool) -> str:
        # The services refuse on their own; this only says why before the officer fills the form.
        if not may_run(self.actor, "transfer report") or not is_handler:
            return "移送报告由本案承办的执法人员提出"
        if case.stage not in ACTIONS["transfer_police"].from_stages:
            return f"案件处于“{case.stage.label}”阶段，不能提出移送报告"
        if self.status is not None and self.status.decision == "待审批":
            return "已有待负责人审批的移送报告"
        return ""

    def _receipt_refusal(self, is_handler: bool) -> str:
        officer_not_handling = self.actor.role is Role.OFFICER and not is_handler
        if not may_run(self.actor, "transfer receipt") or officer_not_handling:
            return "移送回执由本案承办人或负责人登记"
        if self.status is None or self.status.decision != "已批准移送":
            return "负责人批准移送后才能登记回执"
        if self.status.receipt is not None:
            return "移送回执已经登记"
        return ""

    def _follow_up_refusal(self, is_handler: bool, accepted: bool, command: str) -> str:
        if not may_run(self.actor, command) or (self.actor.role is Role.OFFICER and not is_handler):
            return "由本案承办人或负责人登记"
        answer = self.status.police_answer if self.status else None
        if answer is None or answer.accepted is not accepted:
            return "公安机关书面通知立案后移交涉案物品；不予立案的，可以提请复议"
        key = "transfer_items" if accepted else "transfer_reconsideration"
        if accepted is False and not any(p.key == key and p.status == "open" for p in self.status.periods):
            return "提请复议已登记或期限已过"
        return ""

    # ---- the report ----------------------------------------------------------------------

    def ask_for_report(self) -> FormDialog:
        assert self.case is not None
        case = self.case
        officers = [u for u in list_users(self.ctx, self.actor, Role.OFFICER) if u.active]
        by_label = {_officer_label(u.name, u.cert_no): u.id for u in officers}
        handlers = {h.user_id for h in case.handlers}
        fields = (
            Field("officers", "报告的执法人员（两名以上）", "checks", True, tuple(by_label),
                  tuple(label for label, user_id in by_label.items() if user_id in handlers)),
            Field("findings", "涉嫌犯罪的事实和理由", "multiline", True),
        )  # fmt: skip

        def submit(values: dict[str, Any]) -> CaseDetail:
            ids = [by_label[label] for label in values["officers"]]
            submit_transfer_report(self.ctx, self.actor, case.id, ids, values["findings"])
            return get_case(self.ctx, self.actor, case.id)

        return self._open(FormDialog(self.ctx, case, "提出移送涉嫌犯罪案件的书面报告", fields, submit, self,
                                     confirm_text="提交负责人审批"))  # fmt: skip

    # ---- the receipt ---------------------------------------------------------------------

    def ask_for_receipt(self) -> FormDialog:
        assert self.case is not None and self.status is not None
        case = self.case
        due = self.status.handover_due_at
        fields = (
            Field("scan", "回执扫描件", "file", True),
            Field("received_on", "公安机关接收日期", "date", True),
            Field("received_time", "接收时间（时:分，按回执）", required=True),
            Field("receiver", "接收人", required=True),
            Field("unit", "接收的公安机关", required=True, preset=(self.status.police_unit,)),
        )

        def submit(values: dict[str, Any]) -> CaseDetail:
            scan = Path(values["scan"])
            if not scan.is_file():
                raise DomainError(f"找不到回执扫描件：{scan}")
            received_at = _receipt_moment(values["received_on"], values["received_time"])
            record_transfer_receipt(self.ctx, self.actor, case.id, scan, received_at=received_at,
                                    receiver=values["receiver"], receiving_unit=values["unit"])  # fmt: skip
            return get_case(self.ctx, self.actor, case.id)

        dialog = FormDialog(self.ctx, case, "登记移送回执", fields, submit, self, confirm_text="登记")
        if due is not None:
            dialog.ui.hintLabel.setText(f"批准后 24 小时内移送：应于 {due:%Y-%m-%d %H:%M} 前由公安机关接收。"
                                        "确认后将记入案件流程和审计记录，不能撤销。")  # fmt: skip
        return self._open(dialog)

    # ---- after the police's answer (310号 arts. 9, 12) ----------------------------------------

    def ask_for_reconsideration(self) -> FormDialog:
        assert self.case is not None
        case = self.case
        fields = (
            Field("requested_on", "提请复议日期", "date", True),
            Field("reason", "认为依法应当由公安机关立案的理由", "multiline", True),
        )

        def submit(values: dict[str, Any]) -> CaseDetail:
            request_reconsideration(self.ctx, self.actor, case.id, requested_on=values["requested_on"],
                                    reason=values["reason"])  # fmt: skip
            return get_case(self.ctx, self.actor, case.id)

        return self._open(FormDialog(self.ctx, case, "提请公安机关复议", fields, submit, self, confirm_text="登记"))

    def ask_for_items(self) -> FormDialog:
        assert self.case is not None
        case = self.case
        fields = (
            Field("handed_on", "移交日期", "date", True),
            Field("items", "移交的涉案物品和其他材料", "multiline", True),
            Field("receiver", "公安机关接收人", required=True),
            Field("receipt_ref", "交接手续（交接清单编号等）"),
        )

        def submit(values: dict[str, Any]) -> CaseDetail:
            record_item_handover(self.ctx, self.actor, case.id, handed_on=values["handed_on"], items=values["items"],
                                 receiver=values["receiver"], receipt_ref=values.get("receipt_ref", ""))  # fmt: skip
            return get_case(self.ctx, self.actor, case.id)

        return self._open(FormDialog(self.ctx, case, "移交涉案物品", fields, submit, self, confirm_text="登记"))

    def _open(self, dialog: FormDialog) -> FormDialog:
        self.open_dialog = dialog
        dialog.accepted.connect(lambda: self._after(dialog))
        dialog.rejected.connect(lambda: setattr(self, "open_dialog", None))
        dialog.open()
        return dialog

    def _after(self, _dialog: FormDialog) -> None:
        self.open_dialog = None  # the workspace shows the case afresh from the write's announcement

    # ---- the public key ------------------------------------------------------------------

    def export_public_key(self, target: str | None = None) -> None:
        if target is None:
            target, _ = QFileDialog.getSaveFileName(self, "导出签名公钥", "移送签名公钥.pem", "PEM 公钥 (*.pem)")
        if not target:
            return
        ctx, actor = self.ctx, self.actor

        def export() -> str:
            pem, fingerprint = public_key(ctx, actor)  # the key store may be slow, or ask to be unlocked
            Path(target).write_bytes(pem)
            return fingerprint

        # The key and the file are outside the database: no view shows them, nothing to announce.
        run_write(self, "导出签名公钥", export, changes=Changes(),
                  on_done=lambda fingerprint: say(self.message, f"已导出：{target}\n公钥指纹：{fingerprint}"
                                                                "（请通过电话等其他途径告知接收单位核对）"),
                  on_refused=lambda exc: say(self.message, error_text(exc), ok=False))  # fmt: skip


register_panel("移送", lambda ctx, actor, parent: TransferPanel(ctx, actor, parent), position=25)
