"""The evidence of a case: add files, import a recorder's card with progress and cancel, void."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.desk.messages import error_text, say
from enforcement_desk.desk.operations import Changes, run_write
from enforcement_desk.desk.tables import read_only_table
from enforcement_desk.desk.workers import BackgroundJob, JobControl
from enforcement_desk.evidence.service import (
    CardFile,
    EvidenceView,
    add_evidence,
    import_files,
    list_evidence,
    scan_folder,
    void_evidence,
)
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.desk.case_workspace import register_panel

COLUMNS = ["种类", "文件", "说明", "拍摄/形成时间", "收集人", "大小", "SHA-256", "状态"]


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class EvidencePanel(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.case: CaseDetail | None = None
        self.items: list[EvidenceView] = []
        self.job: BackgroundJob | None = None
        self.add_button = QPushButton("添加文件…", self)
        self.import_button = QPushButton("导入记录仪文件夹…", self)
        self.void_button = QPushButton("作废…", self)
        row = QHBoxLayout()
        for button in (self.add_button, self.import_button, self.void_button):
            row.addWidget(button)
        row.addStretch(1)
        self.table = read_only_table(COLUMNS, self)
        self.table.setObjectName("evidenceTable")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self._add_files)
        self.import_button.clicked.connect(self._import_folder)
        self.void_button.clicked.connect(self._void)

    def show_case(self, case: CaseDetail) -> None:
        self.case = case
        is_handler = any(h.user_id == self.actor.user_id for h in case.handlers)
        for button in (self.add_button, self.import_button, self.void_button):
            button.setEnabled(is_handler)
            button.setToolTip("" if is_handler else "只有本案承办人可以登记或作废证据")
        self.items = list_evidence(self.ctx, self.actor, case.id)
        self.table.setRowCount(len(self.items))
        for r, e in enumerate(self.items):
            texts = (e.evidence_type, e.original_name, e.description,
                     f"{e.captured_at:%Y-%m-%d %H:%M:%S}" if e.captured_at else "", e.collected_by, human_size(e.size),
                     e.sha256[:16] + "…", f"已作废：{e.void_reason}" if e.voided else "")  # fmt: skip
            for c, value in enumerate(texts):
                item = QTableWidgetItem(value)
                if c == 6:
                    item.setToolTip(e.sha256)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def _run(self, title: str, work, files_label: str) -> None:
        assert self.case is not None

        def done(items: list[EvidenceView]) -> None:
            self.job = None
            say(self.message, f"已登记 {len(items)} 个{files_label}")

        def failed(exc: BaseException) -> None:
            self.job = None
            say(self.message, error_text(exc), ok=False)

        # Each file is its own transaction: after a failure or 取消 the files before it stay registered.
        self.job = run_write(self, title, work, changes=self._changes(self.case.id), on_done=done,
                             on_refused=failed, long=True, changes_on_failure=True)  # fmt: skip

    @staticmethod
    def _changes(case_id: int) -> Changes:
        return Changes(cases=frozenset({case_id}), evidence=True)

    def _add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "选择证据文件")
        if names and self.case is not None:
            self.add_paths([Path(n) for n in names])

    def add_paths(self, paths: list[Path]) -> None:
        ctx, actor, case_id = self.ctx, self.actor, self.case.id if self.case else 0

        def work(control: JobControl) -> list[EvidenceView]:
            items = []
            for index, path in enumerate(paths, start=1):
                control.check()
                items.append(add_evidence(
                    ctx, actor, case_id, path,
                    progress=lambda d, t, i=index, p=path: control.progress(d, t, f"{i}/{len(paths)} {p.name}"),
                    cancelled=control.cancelled,
                ))  # fmt: skip
            return items

        self._run("登记证据", work, "文件")

    def _import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择执法记录仪存储卡文件夹")
        if folder:
            self.import_card(Path(folder))

    def import_card(self, folder: Path, files: list[CardFile] | None = None) -> None:
        try:
            files = files if files is not None else scan_folder(folder)
        except Exception as exc:
            say(self.message, error_text(exc), ok=False)
            return
        if not files:
            say(self.message, "文件夹中没有文件", ok=False)
            return
        ctx, actor, case_id = self.ctx, self.actor, self.case.id if self.case else 0

        def work(control: JobControl) -> list[EvidenceView]:
            return import_files(ctx, actor, case_id, files, progress=control.progress, cancelled=control.cancelled)

        self._run(f"导入 {len(files)} 个文件", work, "记录仪文件")

    def _void(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.items) or self.case is None:
            say(self.message, "请先选择要作废的证据", ok=False)
            return
        reason, ok = QInputDialog.getMultiLineText(self, "作废证据", "作废理由（证据记录将保留，不会删除）：")
        if not ok:
            return
        ctx, actor, evidence_id = self.ctx, self.actor, self.items[row].id
        run_write(self, "作废证据", lambda: void_evidence(ctx, actor, evidence_id, reason),
                  changes=self._changes(self.case.id), on_done=lambda _e: say(self.message, "已作废（记录保留）"),
                  on_refused=lambda exc: say(self.message, error_text(exc), ok=False))  # fmt: skip


register_panel("证据", lambda ctx, actor, parent: EvidencePanel(ctx, actor, parent), position=10)
