"""裁量: pick the violation, enter the facts, see the lawful range and the recommendation with its
reasons, and adopt it (or a justified other amount) as the case's proposal."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
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
from enforcement_desk.core.discretion.benchmarks import (
    HARM_LABELS,
    HARM_VALUES,
    LEVELS,
    is_unverified,
    source_label,
)
from enforcement_desk.core.discretion.engine import Recommendation
from enforcement_desk.core.discretion.facts import ART32_CIRCUMSTANCES, Facts
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.money import amount_in_capitals, format_yuan, parse_amount
from enforcement_desk.desk.messages import error_text, say
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.discretion.service import (
    choose_for_case,
    compute_for_case,
    fit_for_case,
    list_violations,
)
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


UNVERIFIED_COLOUR, VERIFIED_COLOUR, WARNING_COLOUR = "#b05a00", "#6b6b6b", "#8a5300"
CHOOSE_PROMPT = "— 请选择违法行为（标“建议”的按案由和执法类别推荐）—"


def source_html(source: str, what: str = "") -> str:
    """A text's source mark: grey when it was checked against the law's text, orange when not."""
    colour = UNVERIFIED_COLOUR if is_unverified(source) else VERIFIED_COLOUR
    prefix = f"{what}：" if what else ""
    return f"<span style='color:{colour}'>{escape(prefix + source_label(source))}</span>"


def sources_html(violated: str, penalty: str) -> str:
    """The marks of the violated provision and the penalty provision, once when they share a source."""
    if violated == penalty:
        return source_html(penalty)
    return source_html(violated, "违反条款") + "<br>" + source_html(penalty, "处罚依据")


def adopted_html(discretion: dict) -> str:
    """The discretion the case adopted, with the provisions and their sources, as the case keeps it."""
    source = discretion.get("source") or {}
    marks = sources_html(source.get("violated", ""), source.get("penalty", "")) if source else ""
    return (
        f"<p><b>已采用的裁量意见：</b>{escape(str(discretion.get('code', '')))} "
        f"{escape(str(discretion.get('name', '')))}　{escape(str(discretion.get('level', '')))}　"
        f"{escape(str(discretion.get('chosen_fine', '')))} 元</p>"
        f"<p><b>违反条款：</b>{escape(str(discretion.get('violated_provision') or discretion.get('violated', '')))}"
        f"<br><b>处罚依据：</b>{escape(str(discretion.get('legal_basis') or discretion.get('penalty_basis', '')))}"
        + (f"<br>{marks}" if marks else "")
        + "</p>"
    )


def suggestions_html(case: CaseDetail, rows: list) -> str:
    """Before a violation is chosen: what the case is about and the violations suggested for it."""
    head = (
        f"<p>本案案由：{escape(case.cause)}　执法类别：{escape(case.category_label)}</p>"
        "<p>请在上方选择违法行为后计算裁量。</p>"
    )
    if not rows:
        return head + "<p>基准库中没有与本案案由、执法类别相符的建议，请从列表中选择。</p>"
    items = "".join(
        f"<li><b>{escape(row.code)}</b> {escape(row.name)}<br>"
        f"<span style='color:{VERIFIED_COLOUR}'>建议理由：{escape('；'.join(row.reasons))}</span></li>"
        for row in rows
    )
    return head + f"<p><b>建议的违法行为（按案由和执法类别）：</b></p><ol>{items}</ol>"


def recommendation_html(result: Recommendation) -> str:
    def band(r) -> str:
        return f"{format_yuan(r.minimum)} – {format_yuan(r.maximum)}" if r else "—"

    rules = "".join(f"<li><b>{escape(r.article)}</b>：{escape(r.text)}</li>" for r in result.explanation)
    warnings = "".join(f"<li style='color:{WARNING_COLOUR}'>{escape(w)}</li>" for w in result.warnings)
    fine = result.recommended_fine
    outcome = (
        "不予处罚" if result.outcome == "no_penalty" else f"{format_yuan(fine)}（{amount_in_capitals(fine)}）"
    )
    return (
        f"<h3>{escape(result.code)} {escape(result.name)}</h3>"
        f"<p><b>违反条款：</b>{escape(result.violated)}<br><b>处罚依据：</b>{escape(result.penalty_basis)}<br>"
        f"{sources_html(result.violated_source, result.penalty_source)}</p>"
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
        self.suggested: list = []
        self.violation = QComboBox(self)
        self.violation.setObjectName("violationCombo")
        self.violation.setEditable(True)
        self.violation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.fill_violations()
        self.fit = QLabel(self)
        self.fit.setObjectName("fitWarning")
        self.fit.setWordWrap(True)
        self.fit.setStyleSheet(f"color: {WARNING_COLOUR};")
        self.fit.hide()
        self.gains, self.goods = QLineEdit(self), QLineEdit(self)
        self.gains.setObjectName("gainsEdit")
        self.gains.setPlaceholderText("元")
        self.goods.setPlaceholderText("元")
        self.days, self.persons = QSpinBox(self), QSpinBox(self)
        self.days.setRange(0, 36500)
        self.days.setSpecialValueText("按案件日期")  # 0: counted from the act's dates on the case
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
        form.addRow("", self.fit)
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
        self.violation.currentIndexChanged.connect(self._violation_chosen)
        self._enable_buttons()

    def fill_violations(self, case_id: int | None = None) -> None:
        """The library's violations, those suggested for the case first (建议, with the reasons as a tip),
        after a first line that chooses nothing: no violation is taken for the officer."""
        chosen = self.chosen_code()
        self.violation.blockSignals(True)
        self.violation.clear()
        self.violation.addItem(CHOOSE_PROMPT, None)
        rows = list_violations(self.ctx, self.actor, case_id=case_id)
        self.suggested = [row for row in rows if row.suggested]
        for row in rows:
            mark = "【建议】" if row.suggested else ""
            self.violation.addItem(f"{mark}{row.code}　{row.name}", row.code)
            index = self.violation.count() - 1
            tip = f"{row.area}；{row.penalty_basis}；法定罚款 {row.statutory}"
            if row.reasons:
                tip = "建议理由：" + "；".join(row.reasons) + "\n" + tip
            self.violation.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        suggested = sum(1 for row in rows if row.suggested)
        if 0 < suggested < len(rows):
            self.violation.insertSeparator(1 + suggested)
        completer = QCompleter(self.violation.model(), self.violation)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.violation.setCompleter(completer)
        self.violation.setCurrentIndex(max(self.violation.findData(chosen), 0) if chosen else 0)
        self.violation.blockSignals(False)

    def chosen_code(self) -> str | None:
        """The code of the violation the officer chose, or None while none is chosen."""
        code = self.violation.currentData()
        return code if isinstance(code, str) and code else None

    def show_case(self, case: CaseDetail) -> None:
        first_time = self.case is None or self.case.id != case.id
        self.case = case
        self.fill_violations(case.id)
        code = case.discretion.get("code") or case.violation_code
        if code and (first_time or self.chosen_code() is None):
            index = self.violation.findData(code)
            if index >= 0:
                self.violation.setCurrentIndex(index)
        if case.discretion.get("code"):
            self.view.setHtml(adopted_html(case.discretion))
        elif self.result is None:
            self.view.setHtml(suggestions_html(case, self.suggested))
        self._violation_chosen()

    def _is_handler(self) -> bool:
        return self.case is not None and any(h.user_id == self.actor.user_id for h in self.case.handlers)

    def _enable_buttons(self) -> None:
        chosen = self.chosen_code() is not None
        self.compute.setEnabled(chosen and self.case is not None)
        self.compute.setToolTip("" if chosen else "请先选择违法行为")
        may_adopt = chosen and self._is_handler()
        self.adopt.setEnabled(may_adopt)
        if not chosen:
            self.adopt.setToolTip("请先选择违法行为")
        else:
            self.adopt.setToolTip("" if may_adopt else "只有本案承办人可以确定裁量意见")

    def _violation_chosen(self, *_args) -> None:
        """A violation was picked (or unpicked): the buttons follow, and a warning shows when it does not
        fit the case's category or cause. The result of another violation no longer applies."""
        code = self.chosen_code()
        if self.result is not None and self.result.code != code and self.case is not None:
            self.result = None  # the range shown was another violation's
            adopted = self.case.discretion
            self.view.setHtml(adopted_html(adopted) if adopted.get("code") else suggestions_html(self.case, self.suggested))
        self._enable_buttons()
        warnings: tuple[str, ...] = ()
        if code and self.case is not None:
            try:
                warnings = fit_for_case(self.ctx, self.actor, self.case.id, (code,))
            except Exception as exc:  # a warning that cannot be worked out must not block the choice
                warnings = (error_text(exc),)
        self.fit.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.fit.setVisible(bool(warnings))

    def facts(self) -> Facts:
        money = {}
        for name, edit in (("illegal_gains", self.gains), ("goods_value", self.goods)):
            money[name] = parse_amount(edit.text()) if edit.text().strip() else Decimal(0)
        return Facts(
            **money, duration_days=self.days.value() or None, persons_affected=self.persons.value(),
            harm=self.harm.currentData(), **{k: box.isChecked() for k, box in self.flags.items()},
            art32=frozenset(k for k, box in self.art32.items() if box.isChecked()),
        )  # fmt: skip

    def _compute(self) -> None:
        if self.case is None:
            return
        try:
            code = self.chosen_code()
            if code is None:
                raise DomainError("请先选择违法行为")
            self.result = compute_for_case(
                self.ctx, self.actor, self.case.id, self.facts(), codes=(code,), level=self.level.currentData(),
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
            code = self.chosen_code()
            if code is None:
                raise DomainError("请先选择违法行为")
            fine = parse_amount(self.fine.text()) if self.fine.text().strip() else None
            facts = self.facts()
        except Exception as exc:
            say(self.message, error_text(exc), ok=False)
            return
        ctx, actor, case_id, version = self.ctx, self.actor, self.case.id, self.case.version
        codes, level, reason = (code,), self.level.currentData(), self.reason.text()
        run_write(self, "采用裁量意见", lambda: choose_for_case(ctx, actor, case_id, version, facts, codes=codes,
                                                            level=level, fine=fine, reason=reason),
                  changes=Changes.to_case(case_id), on_done=self._adopted,
                  on_refused=lambda exc: say(self.message, error_text(exc), ok=False))  # fmt: skip

    def _adopted(self, updated: CaseDetail) -> None:
        self.case = updated  # the workspace shows it afresh in every panel from the announcement
        say(self.message, f"已采用：{updated.discretion.get('level', '')} 罚款 {format_yuan(updated.fine_amount)}")


register_panel("裁量", lambda ctx, actor, parent: DiscretionPanel(ctx, actor, parent), position=15)
