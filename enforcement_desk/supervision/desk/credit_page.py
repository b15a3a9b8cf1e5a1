"""信用 page: who is on the blacklist today (removal and credit repair by a head, each with its
reason), and a party's credit record looked up by name or ID number."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.desk.messages import say
from enforcement_desk.desk.operations import Changes
from enforcement_desk.desk.tables import fill_rows, read_only_table
from enforcement_desk.procedure.parties import PartyView, search_parties
from enforcement_desk.supervision.credit import (
    BlacklistView,
    CreditSummary,
    credit_summary,
    current_blacklist,
    remove_from_blacklist,
    repair_credit,
)
from enforcement_desk.supervision.desk.page import (
    SupervisionForm,
    SupervisionPage,
    allow,
    problem_text,
    refusal,
    selected_row,
    stacked,
)

BLACKLIST_COLUMNS = ["记录", "当事人", "列入日期", "期满日期", "状态", "列入理由"]
PARTY_COLUMNS = ["当事人", "类型", "证件号码", "住所（地址）"]


def summary_html(summary: CreditSummary) -> str:
    """A party's credit record: this year's points and the measures they reach, each point, each entry."""
    parts = [
        f"<h3>{escape(summary.party_name)}（{escape(summary.subject_label)}）</h3>",
        f"<p>{summary.scoring_year} 记分年度不良执业行为记分：<b>{summary.year_points}</b> 分；"
        f"黑名单：<b>{'在列' if summary.on_blacklist else '未列入'}</b>；"
        f"一年内受行政处罚 <b>{summary.penalties_within_year}</b> 次</p>",
    ]
    for threshold in summary.measures:
        parts.append(f"<p>已达 {threshold.points} 分：{escape(threshold.measure)}</p>")
    if summary.warning:
        parts.append(f"<p style='color:#b3261e'>提示：{escape(summary.warning)}</p>")

    def table(title: str, headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
        if not rows:
            return f"<p><b>{title}</b>：无</p>"
        head = "".join(f"<th align=left>{h}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
        return (
            f"<p><b>{title}</b></p><table cellspacing=0 cellpadding=4 border=1><tr>{head}</tr>{body}</table>"
        )

    parts.append(table("记分记录", ("发生日期", "规则", "分值", "行为", "记分年度", "案件"), [
        (p.occurred_on, p.rule_code, p.points, p.description, p.scoring_year, f"#{p.case_id}" if p.case_id else "")
        for p in summary.points
    ]))  # fmt: skip
    parts.append(table("黑名单记录", ("记录", "列入日期", "期满日期", "状态", "理由", "移出/修复"), [
        (f"#{b.id}", b.entered_on, b.ends_on, b.status, b.reason, b.exit_reason or (b.repaired_on or ""))
        for b in summary.blacklist
    ]))  # fmt: skip
    return "".join(parts)


class CreditPage(SupervisionPage):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(ctx, actor, parent)
        self.entries: list[tuple[str, BlacklistView]] = []
        self.parties: list[PartyView] = []

        self.blacklist_label = QLabel(self)
        self.blacklist = read_only_table(BLACKLIST_COLUMNS, self, alternating=True)
        self.blacklist.setObjectName("blacklistTable")
        self.remove_button = QPushButton("移出黑名单…", self)
        self.remove_button.setObjectName("removeBlacklistButton")
        self.repair_button = QPushButton("信用修复…", self)
        self.repair_button.setObjectName("repairCreditButton")
        allow(
            self.remove_button,
            refusal(actor, remove_from_blacklist),
            "期满前提前移出（如所依据的决定已撤销）",
        )
        allow(
            self.repair_button,
            refusal(actor, repair_credit),
            "当事人申请并已整改，列入满规定年限后",
        )
        self.remove_button.clicked.connect(self.remove)
        self.repair_button.clicked.connect(self.repair)

        self.search = QLineEdit(self)
        self.search.setObjectName("partySearch")
        self.search.setPlaceholderText("当事人名称或证件号码")
        self.search.returnPressed.connect(self.look_up)
        self.search_button = QPushButton("查询信用", self)
        self.search_button.setObjectName("creditSearchButton")
        self.search_button.clicked.connect(self.look_up)
        self.party_table = read_only_table(PARTY_COLUMNS, self)
        self.party_table.setObjectName("creditPartyTable")
        self.party_table.itemSelectionChanged.connect(self.show_summary)
        self.summary = QTextBrowser(self)
        self.summary.setObjectName("creditSummary")

        buttons = QHBoxLayout()
        buttons.addWidget(self.blacklist_label)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.repair_button)
        search_row = QHBoxLayout()
        search_row.addWidget(QLabel("<b>当事人信用查询</b>", self))
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        found = QSplitter(self)
        found.addWidget(self.party_table)
        found.addWidget(self.summary)
        found.setSizes([420, 640])
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(stacked(splitter, buttons, self.blacklist))
        splitter.addWidget(stacked(splitter, search_row, found))
        splitter.setSizes([260, 440])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def follows(self, changes: Changes) -> bool:
        return changes.credit or changes.parties

    def refresh(self) -> None:
        self.entries = current_blacklist(self.ctx, self.actor)
        self.blacklist_label.setText(f"<b>当前黑名单（{len(self.entries)}）</b>")
        fill_rows(self.blacklist, [
            (f"#{e.id}", name, e.entered_on.isoformat(), e.ends_on.isoformat(), e.status, e.reason)
            for name, e in self.entries
        ])  # fmt: skip
        self.show_summary()

    def current_entry(self) -> tuple[str, BlacklistView] | None:
        row = selected_row(self.blacklist, len(self.entries))
        return None if row is None else self.entries[row]

    def _entry_form(self, title: str, label: str, confirm: str, work) -> None:
        chosen = self.current_entry()
        if chosen is None:
            say(self.message, "请先在黑名单中选择一条记录", ok=False)
            return
        name, entry = chosen
        ctx, actor = self.ctx, self.actor
        form = SupervisionForm(self, f"{title} · {name}", confirm, lambda v: work(ctx, actor, entry.id, v["reason"]),
                               f"列入日期 {entry.entered_on}，期满 {entry.ends_on}；列入理由：{entry.reason}",
                               changes=Changes(credit=True))  # fmt: skip
        form.add("reason", label, QPlainTextEdit())
        self.dialog = form.show_then(lambda changed: self._changed(name, changed))

    def remove(self) -> None:
        self._entry_form("移出黑名单", "移出理由（必填）", "移出", remove_from_blacklist)

    def repair(self) -> None:
        self._entry_form("信用修复", "整改情况（必填）", "修复", repair_credit)

    def _changed(self, name: str, entry: BlacklistView) -> None:
        self.refresh()
        say(self.message, f"{name}：黑名单记录 #{entry.id} {entry.status}")

    def look_up(self) -> None:
        self.parties = search_parties(self.ctx, self.actor, self.search.text())
        fill_rows(self.party_table, [
            (p.name, p.kind_label, p.id_number or "无", p.address) for p in self.parties
        ])  # fmt: skip
        if self.parties:
            self.party_table.selectRow(0)
            self.show_summary()
        else:
            self.summary.setPlainText(f"没有名称或证件号码含“{self.search.text().strip()}”的当事人")

    def show_summary(self) -> None:
        row = selected_row(self.party_table, len(self.parties))
        if row is None:
            return
        try:
            self.summary.setHtml(summary_html(credit_summary(self.ctx, self.actor, self.parties[row].id)))
        except Exception as exc:
            self.summary.setPlainText(problem_text(exc))
