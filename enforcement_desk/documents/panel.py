"""The documents of a case: issue the kinds its current step allows (the others greyed with the reason),
preview a draft of any kind, open or save a copy, void one (head), assemble the case file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.desk.messages import error_text, say
from enforcement_desk.desk.operations import Changes, run_query, run_write
from enforcement_desk.desk.permissions import may_run
from enforcement_desk.desk.tables import fill_rows, read_only_table
from enforcement_desk.documents.service import (
    DocumentView,
    build_case_file,
    document_kinds_for_case,
    export_document,
    issue_document,
    list_documents,
    preview_document,
    void_document,
)
from enforcement_desk.procedure.case_views import CaseDetail
from enforcement_desk.procedure.desk.case_workspace import register_panel


class DocumentsPanel(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.case: CaseDetail | None = None
        self.documents: list[DocumentView] = []
        self.choose_next: int | None = None
        self.kind = QComboBox(self)
        self.kind.setObjectName("documentKind")
        self.kind.setMinimumContentsLength(16)
        self.kinds = QStandardItemModel(self)
        self.kind.setModel(self.kinds)
        self.issue = QPushButton("出具", self)
        self.issue.setObjectName("issueDocument")
        self.issue.setToolTip("出具所选文书并取号（Ctrl+Shift+I）")
        self.issue.setShortcut("Ctrl+Shift+I")
        self.preview = QPushButton("预览草稿", self)
        self.preview.setObjectName("previewDocument")
        self.preview.setToolTip("按案件现有记录生成草稿：不编号、不登记，页面印有“草稿”")
        self.void = QPushButton("作废…", self)
        self.void.setObjectName("voidDocument")
        self.void.setVisible(may_run(actor, "document void"))
        self.open = QPushButton("打开", self)
        self.save_pdf = QPushButton("另存 PDF…", self)
        self.save_docx = QPushButton("另存 Word…", self)
        self.casefile = QPushButton("组卷…", self)
        top = QHBoxLayout()
        for widget in (QLabel("文书：", self), self.kind, self.issue, self.preview):
            top.addWidget(widget)
        top.addStretch(1)
        for widget in (self.open, self.save_pdf, self.save_docx, self.void, self.casefile):
            top.addWidget(widget)
        self.table = read_only_table(["文书", "文号/编号", "版本", "出具时间", "出具人", "页数", "状态"], self)
        self.table.setObjectName("documentsTable")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.issue.clicked.connect(self._issue)
        self.preview.clicked.connect(self._preview)
        self.void.clicked.connect(self._void)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.open.clicked.connect(self._open)
        self.table.cellDoubleClicked.connect(lambda *_: self._open())
        self.save_pdf.clicked.connect(lambda: self._save("pdf"))
        self.save_docx.clicked.connect(lambda: self._save("docx"))
        self.casefile.clicked.connect(self._casefile)

    def show_case(self, case: CaseDetail) -> None:
        selected = self._selected()
        chosen = self.choose_next or (selected.id if selected else None)
        self.choose_next = None
        self.case = case
        self.documents = list_documents(self.ctx, self.actor, case.id)
        fill_rows(self.table, [
            (d.title, d.number or "", str(d.version), f"{d.issued_at:%Y-%m-%d %H:%M}", d.issued_by,
             str(d.pdf_pages or ""), f"作废：{d.void_reason}" if d.voided else ("已更正" if d.superseded else ""))
            for d in self.documents
        ])  # fmt: skip
        if chosen is not None:  # shown afresh after a write or from the shared server: same document chosen
            self.select(chosen)
        self._fill_kinds(case)

    def select(self, document_id: int) -> None:
        row = next((i for i, d in enumerate(self.documents) if d.id == document_id), None)
        if row is not None:
            self.table.selectRow(row)

    def _fail(self, exc: BaseException) -> None:
        say(self.message, error_text(exc), ok=False)

    def _changes(self) -> Changes:
        assert self.case is not None
        return Changes.to_case(self.case.id, documents=True)

    def _fill_kinds(self, case: CaseDetail) -> None:
        """Procedure order, issuable kinds first; the others stay visible, greyed, with the reason."""
        chosen = self.kind.currentData()
        self.kinds.clear()
        for kind in document_kinds_for_case(self.ctx, self.actor, case.id):
            item = QStandardItem(kind.title + ("" if kind.issuable else "（暂不能出具）"))
            item.setData(kind.key, Qt.ItemDataRole.UserRole)
            item.setData(kind.reason, Qt.ItemDataRole.ToolTipRole)
            item.setEnabled(kind.issuable)
            self.kinds.appendRow(item)
        index = self.kind.findData(chosen)
        self.kind.setCurrentIndex(index if index >= 0 else 0)
        self._kind_changed()

    def _kind_changed(self) -> None:
        item = self.kinds.item(self.kind.currentIndex()) if self.kind.currentIndex() >= 0 else None
        self.issue.setEnabled(bool(item and item.isEnabled()))
        self.kind.setToolTip(item.toolTip() if item else "")

    def _preview(self) -> None:
        if self.case is None or self.kind.currentData() is None:
            return
        ctx, actor, case_id, kind = self.ctx, self.actor, self.case.id, self.kind.currentData()
        folder = Path(tempfile.gettempdir()) / "enforcement-desk-drafts"
        path = folder / f"{self.case.case_no}-{self.kind.currentText().split('（')[0]}-草稿.pdf"

        def draft() -> Path:
            pdf = preview_document(ctx, actor, case_id, kind)
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pdf)
            return path

        def show(made: Path) -> None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(made)))
            say(self.message, f"草稿（未编号、未登记）：{made}")

        run_query(self, draft, show, self._fail, title="生成草稿")

    def _void(self) -> None:
        document = self._selected()
        if document is None or self.case is None:
            say(self.message, "请先在列表中选择要作废的文书", ok=False)
            return
        reason, accepted = QInputDialog.getText(
            self, "作废文书", f"作废 {document.title} {document.number or ''}\n文号保留并在登记簿和案卷中标注作废。作废理由："
        )
        if not accepted:
            return
        ctx, actor = self.ctx, self.actor
        run_write(self, "作废文书", lambda: void_document(ctx, actor, document.id, reason), changes=self._changes(),
                  on_done=lambda _d: say(self.message, f"已作废 {document.title} {document.number or ''}"),
                  on_refused=self._fail)  # fmt: skip

    def _selected(self) -> DocumentView | None:
        row = self.table.currentRow()
        return self.documents[row] if 0 <= row < len(self.documents) else None

    def _issue(self) -> None:
        if self.case is None:
            return
        ctx, actor, case_id, kind = self.ctx, self.actor, self.case.id, self.kind.currentData()
        run_write(self, "出具文书", lambda: issue_document(ctx, actor, case_id, kind), changes=self._changes(),
                  on_done=self._issued, on_refused=self._fail)  # fmt: skip

    def _issued(self, issued: DocumentView) -> None:
        self.choose_next = issued.id  # chosen once the case is shown afresh: to open or print it next
        done = f"已出具 {issued.title} {issued.number or ''}"
        # A warning (a 处理决定书 after the 7 working days of 行政处罚法 art. 56) shows in the problem colour.
        say(self.message, "；".join((done, *issued.warnings)), ok=not issued.warnings)

    def _open(self) -> None:
        document = self._selected()
        if document is None:
            say(self.message, "请先在列表中选择一份文书", ok=False)
            return
        folder = Path(tempfile.gettempdir()) / "enforcement-desk-print"
        ctx, actor = self.ctx, self.actor

        def opened(path: Path) -> None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            say(self.message, f"已打开：{path}")

        # An export is recorded in the audit trail, which no open view shows: nothing to announce.
        run_write(self, "导出文书", lambda: export_document(ctx, actor, document.id, folder), changes=Changes(),
                  on_done=opened, on_refused=self._fail)  # fmt: skip

    def _save(self, fmt: str) -> None:
        document = self._selected()
        if document is None:
            say(self.message, "请先在列表中选择一份文书", ok=False)
            return
        suffix = "PDF 文件 (*.pdf)" if fmt == "pdf" else "Word 文档 (*.docx)"
        name, _ = QFileDialog.getSaveFileName(self, "另存为", f"{document.title}.{fmt}", suffix)
        if name:
            ctx, actor = self.ctx, self.actor
            run_write(self, "另存文书", lambda: export_document(ctx, actor, document.id, Path(name), fmt),
                      changes=Changes(), on_done=lambda path: say(self.message, f"已保存：{path}"),
                      on_refused=self._fail)  # fmt: skip

    def _casefile(self) -> None:
        if self.case is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "组卷保存为", f"{self.case.case_no} 案卷.pdf", "PDF 文件 (*.pdf)"
        )
        if name:
            ctx, actor, case_id = self.ctx, self.actor, self.case.id
            run_write(self, "组卷", lambda: build_case_file(ctx, actor, case_id, Path(name)), changes=Changes(),
                      on_done=lambda path: say(self.message, f"已组卷：{path}"), on_refused=self._fail)  # fmt: skip


register_panel("文书", lambda ctx, actor, parent: DocumentsPanel(ctx, actor, parent), position=20)
