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
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.desk.messages import error_text, say
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
        self.void.setVisible(actor.role is Role.HEAD)
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
        self.case = case
        self.documents = list_documents(self.ctx, self.actor, case.id)
        fill_rows(self.table, [
            (d.title, d.number or "", str(d.version), f"{d.issued_at:%Y-%m-%d %H:%M}", d.issued_by,
             str(d.pdf_pages or ""), f"作废：{d.void_reason}" if d.voided else ("已更正" if d.superseded else ""))
            for d in self.documents
        ])  # fmt: skip
        self._fill_kinds(case)

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
        try:
            pdf = preview_document(self.ctx, self.actor, self.case.id, self.kind.currentData())
        except DomainError as exc:
            say(self.message, error_text(exc), ok=False)
            return
        folder = Path(tempfile.gettempdir()) / "enforcement-desk-drafts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.case.case_no}-{self.kind.currentText().split('（')[0]}-草稿.pdf"
        path.write_bytes(pdf)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        say(self.message, f"草稿（未编号、未登记）：{path}")

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
        try:
            void_document(self.ctx, self.actor, document.id, reason)
        except DomainError as exc:
            say(self.message, error_text(exc), ok=False)
            return
        self.show_case(self.case)
        say(self.message, f"已作废 {document.title} {document.number or ''}")

    def _selected(self) -> DocumentView | None:
        row = self.table.currentRow()
        return self.documents[row] if 0 <= row < len(self.documents) else None

    def _issue(self) -> None:
        if self.case is None:
            return
        try:
            issued = issue_document(self.ctx, self.actor, self.case.id, self.kind.currentData())
        except Exception as exc:  # noqa: BLE001 - a rule's refusal or an unexpected error, both shown
            say(self.message, error_text(exc), ok=False)
            return
        self.show_case(self.case)
        self.table.selectRow(next(i for i, d in enumerate(self.documents) if d.id == issued.id))
        say(self.message, f"已出具 {issued.title} {issued.number or ''}")

    def _open(self) -> None:
        document = self._selected()
        if document is None:
            say(self.message, "请先在列表中选择一份文书", ok=False)
            return
        folder = Path(tempfile.gettempdir()) / "enforcement-desk-print"
        try:
            path = export_document(self.ctx, self.actor, document.id, folder)
        except DomainError as exc:
            say(self.message, exc.message, ok=False)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        say(self.message, f"已打开：{path}")

    def _save(self, fmt: str) -> None:
        document = self._selected()
        if document is None:
            say(self.message, "请先在列表中选择一份文书", ok=False)
            return
        suffix = "PDF 文件 (*.pdf)" if fmt == "pdf" else "Word 文档 (*.docx)"
        name, _ = QFileDialog.getSaveFileName(self, "另存为", f"{document.title}.{fmt}", suffix)
        if name:
            try:
                path = export_document(self.ctx, self.actor, document.id, Path(name), fmt)
            except DomainError as exc:
                say(self.message, exc.message, ok=False)
                return
            say(self.message, f"已保存：{path}")

    def _casefile(self) -> None:
        if self.case is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "组卷保存为", f"{self.case.case_no} 案卷.pdf", "PDF 文件 (*.pdf)"
        )
        if name:
            try:
                path = build_case_file(self.ctx, self.actor, self.case.id, Path(name))
            except DomainError as exc:
                say(self.message, exc.message, ok=False)
                return
            say(self.message, f"已组卷：{path}")


register_panel("文书", lambda ctx, actor, parent: DocumentsPanel(ctx, actor, parent), position=20)
