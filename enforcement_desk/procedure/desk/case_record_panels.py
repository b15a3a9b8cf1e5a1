"""The records of a case a workspace shows as they are: what happened, its deadlines, its reviews."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.procedure.periods import URGENCY_LABELS
from enforcement_desk.desk.tables import fill_rows, read_only_table
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.review import review_history

ACTION_LABELS = {
    "accept": "受理",
    "file": "批准立案",
    "not_file": "不予立案",
    "close_investigation": "调查终结",
    "deliberate": "合议",
    "send_prior_notice": "送达事先告知书",
    "request_hearing": "当事人申请听证",
    "submit_review": "提交法制审核",
    "approve_review": "法制审核同意",
    "return_review": "法制审核退回",
    "reject_review": "法制审核不同意",
    "decide": "作出处罚决定",
    "serve": "送达决定书",
    "record_payment": "登记缴款",
    "apply_enforcement": "申请强制执行",
    "close": "结案",
    "archive": "归档",
    "transfer_police": "移送公安机关",
    "refuse_transfer": "不批准移送",
    "police_accepted": "公安机关已立案",
    "police_declined": "公安机关不予立案",
}


# Under review or discussion the facts and proposal submitted are fixed; they change after a return.

class TimelinePanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = read_only_table(["时间", "操作", "由", "到", "办理人", "说明"], self)
        QVBoxLayout(self).addWidget(self.table)

    def show_case(self, case: CaseDetail) -> None:
        fill_rows(
            self.table,
            [
                (
                    f"{h.at:%Y-%m-%d %H:%M}",
                    ACTION_LABELS.get(h.action, h.action),
                    h.from_stage.label if h.from_stage else "",
                    h.to_stage.label,
                    h.actor_name,
                    h.note,
                )
                for h in case.history
            ],
        )


class DeadlinesPanel(QWidget):
    """The case's legal periods, and the period calculator for any other question of dates."""

    def __init__(self, ctx: AppContext, parent=None):
        from enforcement_desk.procedure.desk.period_box import PeriodCalculatorBox

        super().__init__(parent)
        self.table = read_only_table(["状态", "期限", "起算", "届满", "依据"], self)
        self.calculator = PeriodCalculatorBox(ctx, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.calculator)

    def show_case(self, case: CaseDetail) -> None:
        rows = []
        for d in case.deadlines:
            due = f"{d.due_at:%Y-%m-%d %H:%M}" if d.due_at else str(d.due_on)
            rows.append((URGENCY_LABELS.get(d.urgency, d.urgency), d.name, str(d.start_on), due, d.article))
        fill_rows(self.table, rows)


class ReviewPanel(QWidget):
    """Every round of legal review with its checks and opinion."""

    def __init__(self, ctx: AppContext, actor: Actor, parent=None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.view = QTextBrowser(self)
        QVBoxLayout(self).addWidget(self.view)

    def show_case(self, case: CaseDetail) -> None:
        rounds = review_history(self.ctx, self.actor, case.id)
        if not rounds:
            self.view.setHtml(
                "<p>尚未提交法制审核。</p>"
                + (
                    "<p>本案属重大执法决定，作出决定前须经法制审核和集体讨论。</p>"
                    if case.major.is_major
                    else ""
                )
            )
            return
        parts = []
        for r in rounds:
            checks = "".join(
                f"<li>{c['item']}：{c['result']} {c.get('comment') or ''}</li>" for c in r.checks
            )
            parts.append(
                f"<h3>第{r.round}轮　{r.outcome_label}</h3>"
                f"<p>提交：{r.submitted_by} {r.submitted_at:%Y-%m-%d %H:%M}　审核期限：{r.due_on or '—'}</p>"
                + (
                    f"<p>审核人：{r.reviewer}　{r.reviewed_at:%Y-%m-%d %H:%M}</p><ul>{checks}</ul><p>意见：{r.opinion}</p>"
                    if r.reviewer
                    else ""
                )
            )
        parts.append(package_html(rounds[-1].package))
        self.view.setHtml("".join(parts))


def package_html(package: dict) -> str:
    """The review package of the latest round, as the reviewer reads it."""
    draft = package.get("draft_decision", {})
    procedure = "".join(
        f"<li>{'✓' if c['ok'] else '✗'} {c['item']}：{c['detail']}</li>" for c in package.get("procedure", [])
    )
    evidence = "".join(
        f"<tr><td>{e['type']}</td><td>{e['description'] or e['file']}</td><td>{e['collected_by']}</td>"
        f"<td><code>{e['sha256'][:16]}…</code></td><td>{'已作废' if e['voided'] else ''}</td></tr>"
        for e in package.get("evidence", [])
    )
    reasons = "；".join(package.get("major_reasons", [])) or "—"
    return (
        "<hr><h3>审核材料（提交时固定）</h3>"
        f"<p><b>重大执法决定理由：</b>{reasons}</p>"
        f"<p><b>违法事实：</b>{package.get('facts') or '—'}</p>"
        f"<p><b>拟处理：</b>{draft.get('outcome', '')} {'、'.join(draft.get('penalty_kinds', []))} "
        f"罚款 {draft.get('fine') or '—'}（{draft.get('fine_in_capitals') or ''}）"
        f"{'　减轻处罚' if draft.get('mitigated') else ''}</p>"
        f"<p><b>裁量：</b>{package.get('discretion', {}).get('level', '')} {package.get('discretion', {}).get('reason', '')}</p>"
        f"<p><b>程序审查清单：</b></p><ul>{procedure}</ul>"
        f"<p><b>证据（{len(package.get('evidence', []))} 项）：</b></p>"
        + (
            f"<table border=1 cellspacing=0 cellpadding=3>{evidence}</table>"
            if evidence
            else "<p>尚未登记证据文件</p>"
        )
    )
