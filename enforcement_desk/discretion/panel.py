"""裁量: pick the violation, enter the facts, see the lawful range and the recommendation with its
reasons, and adopt it (or a justified other amount) as the case's proposal."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.discretion.benchmarks import HARM_LABELS, HARM_VALUES, LEVELS
from enforcement_desk.core.discretion.engine import Recommendation
from enforcement_desk.core.discretion.facts import ART32_CIRCUMSTANCES, Facts
from enforcement_desk.core.money import amount_in_capitals, format_yuan, parse_amount
from enforcement_desk.desk.messages import error_text, say
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.discretion.service import choose_for_case, compute_for_case, list_violations
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.desk.case_workspace import register_panel

FLAGS = (
    ("first_offence", "初次违法"),
    ("corrected_promptly", "及时改正"),
    ("minor", "违法行为轻微"),
    ("repeat_within_year", "一年内再次违法"),
    ("previously_punished", "曾受过处罚"),
    ("overdue_uncorrected", "逾期不改正"),
    ("refused_supervision", "拒绝、阻挠监督检查"),
    ("no_fault_proven", "有证据证明没有主观过错"),
)


def recommendation_html(result: Recommendation) -> str:
    def band(r) -> str:
        return f"{format_yuan(r.minimum)} – {format_yuan(r.maximum)}" if r else "—"

    rules = "".join(f"<li><b>{escape(r.article)}</b>：{escape(r.text)}</li>" for r in result.explanation)
    warnings = "".join(f"<li style='color:#8a5300'>{escape(w)}</li>" for w in result.warnings)
    fine = result.recommended_fine
    outcome = (
        "不予处罚" if result.outcome == "no_penalty" else f"{format_yuan(fine)}（{amount_in_capitals(fine)}）"
    )
    return (
        f"<h3>{escape(result.code)} {escape(result.name)}</h3>"
        f"<p><b>违反条款：</b>{escape(result.violated)}<br><b>处罚依据：</b>{escape(result.penalty_basis)}</p>"
        f"<p><b>法定幅度：</b>{band(result.statutory)}{('（' + escape(result.band) + '）') if result.band else ''}<br>"
        f"<b>裁量阶次：</b>{escape(result.level)}（建议：{escape(result.recommended_level)}）　"
        f"<b>阶次幅度：</b>{band(result.level_range)}<br>"
        f"<b>建议罚款：</b>{outcome}　<b>处罚种类：</b>{escape('、'.join(result.kinds))}</p>"
        f"<p><b>依据的规则：</b></p><ol>{rules}</ol>" + (f"<ul>{warnings}</ul>" if warnings else "")
    )


class DiscretionPanel(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.case: CaseDetail | None = None
        self.result: Recommendation | None = None
        self.violation = QComboBox(self)
        self.violation.setObjectName("violationCombo")
        self.violation.setEditable(True)
        for v in list_violations(ctx, actor):
            self.violation.addItem(f"{v.code}　{v.name}", v.code)
        self.gains, self.goods = QLineEdit(self), QLineEdit(self)
        self.gains.setObjectName("gainsEdit")
        self.gains.setPlaceholderText("元")
        self.goods.setPlaceholderText("元")
        self.days, self.persons = QSpinBox(self), QSpinBox(self)
        self.days.setRange(0, 36500)
        self.persons.setRange(0, 1_000_000)
        self.harm = QComboBox(self)
        for value in HARM_VALUES:
            self.harm.addItem(HARM_LABELS[value], value)
        self.flags = {key: QCheckBox(label, self) for key, label in FLAGS}
        self.art32 = {key: QCheckBox(label, self) for key, label in ART32_CIRCUMSTANCES.items()}
        self.level = QComboBox(self)
        self.level.addItem("按情节自动判断", None)
        for level in LEVELS:
            self.level.addItem(level, level)
        self.compute = QPushButton("计算裁量", self)
        self.compute.setObjectName("computeDiscretion")
        self.view = QTextBrowser(self)
        self.fine = QLineEdit(self)
        self.fine.setPlaceholderText("留空则采用建议金额")
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("偏离建议阶次或幅度时必须说明理由")
        self.adopt = QPushButton("采用为处理意见", self)
        self.adopt.setObjectName("adoptDiscretion")
        self.message = QLabel(self)
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow("违法行为", self.violation)
        amounts = QHBoxLayout()
        for label, widget in (("违法所得", self.gains), ("货值金额", self.goods), ("持续天数", self.days),
                              ("涉及人数", self.persons), ("危害后果", self.harm)):  # fmt: skip
            amounts.addWidget(QLabel(label, self))
            amounts.addWidget(widget)
        form.addRow("事实", amounts)
        grid = QGridLayout()
        for index, box in enumerate([*self.flags.values(), *self.art32.values()]):
            grid.addWidget(box, index // 4, index % 4)
        form.addRow("情节", grid)
        form.addRow("裁量阶次", self.level)
        adopt_row = QHBoxLayout()
        for widget in (QLabel("罚款（元）", self), self.fine, QLabel("理由", self), self.reason, self.adopt):
            adopt_row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.compute)
        layout.addWidget(self.view, 1)
        layout.addLayout(adopt_row)
        layout.addWidget(self.message)
        self.compute.clicked.connect(self._compute)
        self.adopt.clicked.connect(self._adopt)

    def show_case(self, case: CaseDetail) -> None:
        self.case = case
        code = case.discretion.get("code") or case.violation_code
        if code:
            index = self.violation.findData(code)
            if index >= 0:
                self.violation.setCurrentIndex(index)
        if case.discretion.get("code"):
            self.view.setHtml("<p><b>已采用的裁量意见：</b></p>" + escape(case.discretion.get("level", "")) + "　"
                              + escape(str(case.discretion.get("chosen_fine", ""))) + " 元")  # fmt: skip
        is_handler = any(h.user_id == self.actor.user_id for h in case.handlers)
        self.adopt.setEnabled(is_handler)
        self.adopt.setToolTip("" if is_handler else "只有本案承办人可以确定裁量意见")

    def facts(self) -> Facts:
        money = {}
        for name, edit in (("illegal_gains", self.gains), ("goods_value", self.goods)):
            money[name] = parse_amount(edit.text()) if edit.text().strip() else Decimal(0)
        return Facts(
            **money, duration_days=self.days.value(), persons_affected=self.persons.value(),
            harm=self.harm.currentData(), **{k: box.isChecked() for k, box in self.flags.items()},
            art32=frozenset(k for k, box in self.art32.items() if box.isChecked()),
        )  # fmt: skip

    def _compute(self) -> None:
        if self.case is None:
            return
        try:
            self.result = compute_for_case(
                self.ctx, self.actor, self.case.id, self.facts(), codes=(self.violation.currentData(),),
                level=self.level.currentData(),
            )  # fmt: skip
        except Exception as exc:
            say(self.message, error_text(exc), ok=False)
            return
        self.view.setHtml(recommendation_html(self.result))
        say(self.message, "")

    def _adopt(self) -> None:
        if self.case is None:
            return
        try:
            fine = parse_amount(self.fine.text()) if self.fine.text().strip() else None
            facts = self.facts()
        except Exception as exc:
            say(self.message, error_text(exc), ok=False)
            return
        ctx, actor, case_id, version = self.ctx, self.actor, self.case.id, self.case.version
        codes, level, reason = (self.violation.currentData(),), self.level.currentData(), self.reason.text()
        run_write(self, "采用裁量意见", lambda: choose_for_case(ctx, actor, case_id, version, facts, codes=codes,
                                                            level=level, fine=fine, reason=reason),
                  changes=Changes.to_case(case_id), on_done=self._adopted,
                  on_refused=lambda exc: say(self.message, error_text(exc), ok=False))  # fmt: skip

    def _adopted(self, updated: CaseDetail) -> None:
        self.case = updated  # the workspace shows it afresh in every panel from the announcement
        say(self.message, f"已采用：{updated.discretion.get('level', '')} 罚款 {format_yuan(updated.fine_amount)}")


register_panel("裁量", lambda ctx, actor, parent: DiscretionPanel(ctx, actor, parent), position=15)
