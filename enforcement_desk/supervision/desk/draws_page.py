"""双随机抽查 page: the recorded draws and their tasks, a new draw, its verification from the seed,
results per object, a finding opened as a case, the results export and overdue publications."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import CATEGORY_LABELS
from enforcement_desk.core.supervision.random_draw import CategoryQuota
from enforcement_desk.desk.messages import say
from enforcement_desk.desk.operations import Changes, run_query, run_write
from enforcement_desk.desk.tables import fill_rows, read_only_table
from enforcement_desk.desk.workers import BackgroundJob
from enforcement_desk.supervision import inspections as svc
from enforcement_desk.supervision.desk.page import (
    SUPERVISION,
    SupervisionForm,
    SupervisionPage,
    allow,
    day_text,
    refusal,
    selected_row,
    stacked,
)

DRAW_COLUMNS = ["编号", "抽查任务", "抽取日期", "对象数", "已检查", "结果公示"]
TASK_COLUMNS = ["检查对象", "类别", "地址", "检查人员", "检查结果", "检查日期", "公示期限", "案件"]
OVERDUE_COLUMNS = ["检查对象", "抽查任务", "检查日期", "公示期限", "检查结果"]
EXPORT_FILTERS = "Excel 文件 (*.xlsx);;CSV 文件 (*.csv)"


def parse_quota(code: str, text: str) -> CategoryQuota:
    """`20%` is a ratio of the category's objects, `3` a number of them."""
    amount = text.strip().replace("％", "%")
    try:
        if not amount.endswith("%"):
            return CategoryQuota(code, count=int(amount))
        ratio = Decimal(amount[:-1].strip())
        if ratio.is_finite():
            return CategoryQuota(code, ratio=ratio / 100)
    except (InvalidOperation, ValueError):
        pass
    label = CATEGORY_LABELS[code]
    raise DomainError(f"“{label}”的抽取数量应为比例（如 20%）或个数（如 3），收到“{text.strip()}”")


class DrawsPage(SupervisionPage):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(ctx, actor, parent)
        self.draws: list[svc.DrawView] = []
        self.overdue: list[svc.TaskView] = []
        self.job: BackgroundJob | None = None
        top_bar, task_bar = QHBoxLayout(), QHBoxLayout()
        self.draw_label = QLabel(self)
        task_bar.addWidget(self.draw_label, 1)
        buttons = (  # attribute (also the object name), row, text, slot, reason it is refused, tooltip
            ("new_button", top_bar, "新抽查…", self.new_draw, refusal(actor, svc.draw_inspections), ""),
            ("import_button", top_bar, "导入检查对象…", self.import_objects, "", "从 XLSX 表导入检查对象库（编码相同的更新）"),
            ("verify_button", top_bar, "复核抽取", self.verify, "", "按记录的种子和输入重新抽取，核对结果与记录是否一致"),
            ("export_button", top_bar, "导出结果…", self.export, "", "导出供公示的抽查结果（XLSX 或 CSV）"),
            ("publish_button", top_bar, "登记已公示…", self.publish, "", "登记该抽查任务的结果已向社会公示"),
            ("result_button", task_bar, "登记检查结果…", self.record_result,
             refusal(actor, svc.record_result), ""),
            ("case_button", task_bar, "据发现立案…", self.open_case_from_finding,
             refusal(actor, svc.open_case_from_finding), "将登记为“发现问题”的检查结果立为案件"),
        )  # fmt: skip
        for attribute, bar, text, slot, reason, hint in buttons:
            button = QPushButton(text, self)
            button.setObjectName(attribute)
            button.clicked.connect(slot)
            allow(button, reason, hint)
            bar.addWidget(button)
            setattr(self, attribute, button)
        top_bar.addWidget(self.message, 1)
        self.draw_table = read_only_table(DRAW_COLUMNS, self, alternating=True)
        self.draw_table.setObjectName("drawTable")
        self.draw_table.itemSelectionChanged.connect(self.show_tasks)
        self.task_table = read_only_table(TASK_COLUMNS, self, alternating=True)
        self.task_table.setObjectName("taskTable")
        self.task_table.cellDoubleClicked.connect(self._task_double_clicked)
        self.overdue_label = QLabel(self)
        self.overdue_table = read_only_table(OVERDUE_COLUMNS, self)
        self.overdue_table.setObjectName("overdueTable")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(stacked(splitter, self.draw_table))
        splitter.addWidget(stacked(splitter, task_bar, self.task_table))
        splitter.addWidget(stacked(splitter, self.overdue_label, self.overdue_table))
        splitter.setSizes([200, 360, 140])
        layout = QVBoxLayout(self)
        layout.addLayout(top_bar)
        layout.addWidget(splitter, 1)

    # ---- lists -----------------------------------------------------------------------------

    def current_draw(self) -> svc.DrawView | None:
        row = selected_row(self.draw_table, len(self.draws))
        return None if row is None else self.draws[row]

    def current_task(self) -> svc.TaskView | None:
        draw = self.current_draw()
        row = selected_row(self.task_table, len(draw.tasks)) if draw else None
        return None if row is None else draw.tasks[row]

    def refresh(self, select_draw: int | None = None) -> None:
        current = self.current_draw()
        keep = select_draw or (current.id if current else None)
        keep_task = self.task_table.currentRow() if select_draw is None else -1
        self.draws = svc.list_draws(self.ctx, self.actor)
        fill_rows(self.draw_table, [
            (str(d.id), d.title, day_text(d.drawn_on), str(len(d.tasks)),
             str(sum(t.outcome != "pending" for t in d.tasks)), day_text(d.results_published_on) or "未公示")
            for d in self.draws
        ])  # fmt: skip
        ids = [d.id for d in self.draws]
        if ids:
            self.draw_table.selectRow(ids.index(keep) if keep in ids else 0)
        self.show_tasks()
        if 0 <= keep_task < self.task_table.rowCount():
            self.task_table.selectRow(keep_task)
        titles = {d.id: d.title for d in self.draws}
        self.overdue = svc.overdue_result_publications(self.ctx, self.actor)
        self.overdue_label.setText(f"<b>逾期未公示的抽查结果（{len(self.overdue)}）</b>")
        self.overdue_label.setStyleSheet("color: #b3261e;" if self.overdue else "")
        fill_rows(self.overdue_table, [
            (t.object_name, titles.get(t.draw_id, f"#{t.draw_id}"), day_text(t.inspected_on), day_text(t.publish_due_on),
             t.label) for t in self.overdue
        ])  # fmt: skip

    def show_tasks(self) -> None:
        draw = self.current_draw()
        if draw is None:
            self.draw_label.setText("尚无抽查任务" if not self.draws else "请选择抽查任务")
            fill_rows(self.task_table, [])
            return
        self.draw_label.setText(f"<b>{draw.title}</b>　{draw.drawn_on} 抽取　种子 {draw.seed}")
        fill_rows(self.task_table, [
            (t.object_name, CATEGORY_LABELS.get(t.category, t.category), t.address, "、".join(t.inspectors),
             t.label, day_text(t.inspected_on), day_text(t.publish_due_on), f"#{t.case_id}" if t.case_id else "")
            for t in draw.tasks
        ])  # fmt: skip

    def _task_double_clicked(self, row: int, _column: int) -> None:
        draw = self.current_draw()
        if draw and 0 <= row < len(draw.tasks) and draw.tasks[row].case_id:
            self.open_case.emit(draw.tasks[row].case_id)

    # ---- commands --------------------------------------------------------------------------

    def new_draw(self) -> None:
        objects = [o for o in svc.list_objects(self.ctx, self.actor) if o.active]
        counts = Counter(o.category for o in objects)
        roster = svc.list_inspectors(self.ctx, self.actor)
        hint = (
            f"执法人员名录（执法证有效，{len(roster)} 人）：{'、'.join(n for _, n, _ in roster) or '无'}。"
            "每个对象派两名执法人员，申报回避的和上次检查该对象的人员不参加。种子和全部输入将记录，任何人可据此复核。"
        )
        if not objects:
            hint += "\n检查对象库为空：请先点击“导入检查对象…”。"  # fmt: skip
        codes = [c for c in CATEGORY_LABELS if counts[c]]
        ctx, actor = self.ctx, self.actor

        def submit(v: dict) -> svc.DrawView:
            if not objects:
                raise DomainError("检查对象库中没有检查对象，请先导入检查对象库")
            amounts = {code: v[f"quota_{code}"] for code in codes}
            chosen = [parse_quota(code, text) for code, text in amounts.items() if text.strip()]
            return svc.draw_inspections(ctx, actor, v["title"], chosen, seed=v["seed"], grid=v["grid"])

        form = SupervisionForm(self, "新抽查", "抽取", submit, hint)
        form.add("title", "抽查任务名称（必填）", QLineEdit())
        for code in codes:
            label = f"{CATEGORY_LABELS[code]}（库中 {counts[code]} 个）"
            form.add(f"quota_{code}", label, QLineEdit()).setPlaceholderText("比例如 20%，或个数如 3；留空不抽")
        grids = sorted({o.grid for o in objects if o.grid})
        form.choice("grid", "网格", [("全部网格", None), *((g, g) for g in grids)])
        form.add("seed", "随机种子", QLineEdit()).setPlaceholderText("留空则随机生成并记录")
        self.dialog = form.show_then(self._drawn)

    def _drawn(self, draw: svc.DrawView) -> None:
        self.refresh(select_draw=draw.id)
        say(self.message, f"已抽取“{draw.title}”：{len(draw.tasks)} 个检查对象，种子 {draw.seed}")

    def import_objects(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入检查对象库", str(Path.home()), "Excel 文件 (*.xlsx)")
        if not path:
            return
        ctx, actor = self.ctx, self.actor

        def imported(report: svc.ImportReport) -> None:
            rejected = "".join(f"\n未导入 {line}" for line in report.rejected)
            say(self.message, f"检查对象库：新增 {report.added} 个，更新 {report.updated} 个{rejected}", not rejected)

        run_write(self, "导入检查对象库", lambda: svc.import_objects(ctx, actor, Path(path)),
                  changes=Changes(supervision=True), on_done=imported, on_refused=self.refused)  # fmt: skip

    def verify(self) -> None:
        draw = self.current_draw()
        if not self.need(draw, "要复核的抽查任务"):
            return
        same = self.attempt(lambda: svc.verify_draw(self.ctx, self.actor, draw.id))
        if same:
            say(self.message, f"可复核：按记录的种子“{draw.seed}”和输入重新抽取，结果与记录一致")
        elif same is not None:
            say(self.message, f"不一致：按记录的种子“{draw.seed}”重新抽取的结果与记录不同，请核查", ok=False)

    def record_result(self) -> None:
        task = self.current_task()
        if not self.need(task, "检查对象（下方列表中的一行）"):
            return
        ctx, actor = self.ctx, self.actor
        form = SupervisionForm(self, f"登记检查结果 · {task.object_name}", "登记", lambda v: svc.record_result(
            ctx, actor, task.id, v["outcome"], v["inspected_on"], v["note"]))  # fmt: skip
        choices = [(label, key) for key, label in svc.OUTCOME_LABELS.items() if key != "pending"]
        form.choice("outcome", "检查结果", choices)
        form.date("inspected_on", "检查日期", self.ctx.today(), latest=self.ctx.today())
        form.add("note", "发现的问题或处理情况", QPlainTextEdit(task.note))
        self.dialog = form.show_then(lambda t: (self.refresh(), say(
            self.message, f"已登记 {t.object_name}：{t.label}，结果应于 {t.publish_due_on} 前公示")))  # fmt: skip

    def open_case_from_finding(self) -> None:
        task = self.current_task()
        if not self.need(task, "登记为“发现问题”的检查对象"):
            return
        if task.case_id:
            say(self.message, f"该检查发现已立为案件 #{task.case_id}（双击该行打开）", ok=False)
            return
        ctx, actor = self.ctx, self.actor
        form = SupervisionForm(self, f"据检查发现立案 · {task.object_name}", "受理", lambda v: svc.open_case_from_finding(
            ctx, actor, task.id, v["cause"], v["facts"]), "当事人取自检查对象，承办人为抽中的两名检查人员。",
            changes=lambda case_id: Changes.to_case(case_id) | SUPERVISION)  # fmt: skip
        form.add("cause", "案由（必填）", QLineEdit())
        form.add("facts", "案情（默认为发现的问题）", QPlainTextEdit(task.note))
        self.dialog = form.show_then(self._case_opened)

    def _case_opened(self, case_id: int) -> None:
        self.refresh()
        say(self.message, f"已立为案件 #{case_id}")
        self.open_case.emit(case_id)

    def publish(self) -> None:
        draw = self.current_draw()
        if not self.need(draw, "已公示结果的抽查任务"):
            return
        ctx, actor = self.ctx, self.actor
        form = SupervisionForm(self, f"登记结果已公示 · {draw.title}", "登记", lambda v: svc.mark_results_published(
            ctx, actor, draw.id, v["published_on"]))  # fmt: skip
        form.date("published_on", "公示日期", self.ctx.today(), latest=self.ctx.today())
        self.dialog = form.show_then(lambda d: (self.refresh(), say(
            self.message, f"已登记抽查结果公示（{d.results_published_on}）")))  # fmt: skip

    def export(self) -> None:
        draw = self.current_draw()
        if not self.need(draw, "要导出结果的抽查任务"):
            return
        suggested = str(Path.home() / f"抽查结果_{draw.id}.xlsx")
        path, chosen = QFileDialog.getSaveFileName(self, "导出抽查结果供公示", suggested, EXPORT_FILTERS)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + (".csv" if "csv" in chosen.lower() else ".xlsx"))
        ctx, actor = self.ctx, self.actor
        self.job = run_query(self, lambda: svc.export_results(ctx, actor, draw.id, target),
                             lambda done: say(self.message, f"已导出：{done}"), self.refused,
                             title="正在导出抽查结果")  # fmt: skip
