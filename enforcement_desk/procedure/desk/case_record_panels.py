"""The records of a case a workspace shows as they are: what happened, its deadlines, its reviews."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.discretion.benchmarks import is_unverified, source_label
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


# How a period that no longer runs ended (store/models.Deadline.status).
CLOSED_LABELS = {"met": "已完成", "extended": "已延长", "moved": "已改期", "cancelled": "已取消", "late": "逾期完成",
                 "paused": "暂停计算", "resumed": "已恢复计算"}  # fmt: skip


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
            status = URGENCY_LABELS.get(d.urgency, d.urgency) if d.status == "open" else CLOSED_LABELS.get(d.status, d.status)
            rows.append((status, d.name, str(d.start_on), due, d.article))
        # The time not counted in the decision period (卫生健康行政处罚程序规定 art. 42(3)), below the periods.
        for p in case.decision_pauses:
            rows.append(("进行中" if p.ended_on is None else "不计入", f"不计入办案期限：{p.kind}（{p.days} 日）" if p.ended_on
                         else f"不计入办案期限：{p.kind}（暂停计算）", str(p.started_on), str(p.ended_on or "—"),
                         "《卫生健康行政处罚程序规定》第四十二条第三款"))  # fmt: skip
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
                + ("<p>本案属重大执法决定，作出决定前须经法制审核。</p>" if case.major.is_major else "")
                + ("<p>本案应当由负责人集体讨论决定（《卫生健康行政处罚程序规定》第四十条）：" + escape("；".join(case.discussion.grounds))
                   + "</p>" if case.discussion.needed else "")
            )  # fmt: skip
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


def _source_mark(source: str, what: str) -> str:
    colour = "#b05a00" if is_unverified(source) else "#6b6b6b"
    return f"<span style='color:{colour}'>{escape(what + source_label(source))}</span>"


def basis_html(package: dict) -> str:
    """What the reviewer checks under 依据: the violated provision and the legal basis the package cites,
    with where the benchmark's texts were checked (orange when they were not)."""
    violated = package.get("violated_provision") or ""
    basis = package.get("legal_basis") or ""
    source = (package.get("discretion") or {}).get("source") or {}
    if source.get("violated") == source.get("penalty"):
        marks = _source_mark(source.get("penalty", ""), "") if source else ""
    else:
        marks = (
            _source_mark(source["violated"], "违反条款的")
            + "<br>"
            + _source_mark(source["penalty"], "处罚依据的")
        )
    missing = "<span style='color:#b3261e'>未填写</span>"
    return (
        f"<p><b>违反条款：</b>{escape(violated) or missing}<br><b>处罚依据：</b>{escape(basis) or missing}"
        + (f"<br>{marks}" if marks else "")
        + "</p>"
    )


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
    grounds = package.get("discussion_grounds") or []  # packages before art. 40's grounds were kept have none
    return (
        "<hr><h3>审核材料（提交时固定）</h3>"
        f"<p><b>重大执法决定理由：</b>{reasons}</p>"
        + (f"<p><b>集体讨论事由（《卫生健康行政处罚程序规定》第四十条）：</b>{escape('；'.join(grounds))}</p>" if grounds else "")
        + f"<p><b>违法事实：</b>{package.get('facts') or '—'}</p>"
        f"<p><b>拟处理：</b>{draft.get('outcome', '')} {'、'.join(draft.get('penalty_kinds', []))} "
        f"罚款 {draft.get('fine') or '—'}（{draft.get('fine_in_capitals') or ''}）"
        f"{'　减轻处罚' if draft.get('mitigated') else ''}</p>"
        + basis_html(package)
        + f"<p><b>裁量：</b>{package.get('discretion', {}).get('level', '')} {package.get('discretion', {}).get('reason', '')}</p>"
        f"<p><b>程序审查清单：</b></p><ul>{procedure}</ul>"
        f"<p><b>证据（{len(package.get('evidence', []))} 项）：</b></p>"
        + (
            f"<table border=1 cellspacing=0 cellpadding=3>{evidence}</table>"
            if evidence
            else "<p>尚未登记证据文件</p>"
        )
    )
