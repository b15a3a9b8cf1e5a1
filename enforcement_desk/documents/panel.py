"""The documents of a case: issue the kinds its current step allows (the others greyed with the reason),
preview a draft of any kind, open, print or save a copy, void one (head), assemble the case file."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
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
from enforcement_desk.desk.permissions import may_run, service_refusal
from enforcement_desk.desk.tables import fill_rows, read_only_table
from enforcement_desk.documents.case_file import build_case_file
from enforcement_desk.documents.printing import (
    a4_printer,
    preview_dialog,
    print_dialog,
    print_issued,
    printed_on,
)
from enforcement_desk.documents.service import (
    DocumentView,
    document_kinds_for_case,
    export_document,
    issue_document,
    issued_pdf,
    list_documents,
    preview_document,
    record_print,
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
        self.preview.setToolTip("按案件现有记录生成草稿：不编号、不登记，页面印有“草稿”，只能预览不能打印")
        self.void = QPushButton("作废…", self)
        self.void.setObjectName("voidDocument")
        self.void.setVisible(may_run(actor, "document void"))
        self.open = QPushButton("打开", self)
        self.open.setObjectName("openDocument")
        self.print = QPushButton("打印…", self)
        self.print.setObjectName("printDocument")
        self.print.setShortcut("Ctrl+P")
        self.print_preview = QPushButton("打印预览", self)
        self.print_preview.setObjectName("printPreviewDocument")
        self.print_preview.setShortcut("Ctrl+Shift+P")
        self.save_pdf = QPushButton("另存 PDF…", self)
        self.save_docx = QPushButton("另存 Word…", self)
        self.casefile = QPushButton("组卷…", self)
        top = QHBoxLayout()
        for widget in (QLabel("文书：", self), self.kind, self.issue, self.preview):
            top.addWidget(widget)
        top.addStretch(1)
        for widget in (self.open, self.print_preview, self.print, self.save_pdf, self.save_docx, self.void,
                       self.casefile):
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
        self.print.clicked.connect(self._print)
        self.print_preview.clicked.connect(self._print_preview)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda *_: self._open())
        self.save_pdf.clicked.connect(lambda: self._save("pdf"))
        self.save_docx.clicked.connect(lambda: self._save("docx"))
        self.casefile.clicked.connect(self._casefile)
        self.preview_window: QDialog | None = None  # the last print or draft preview opened
        self._selection_changed()

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
        self._selection_changed()

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
        title = f"草稿预览：{self.case.case_no} {self.kind.currentText().split('（')[0]}（未编号、未登记，不能打印）"

        def show(pdf: bytes) -> None:
            # Shown in the desk, not written to a file: a draft carries the party's details and is no
            # official document, so it neither lingers in a shared folder nor goes to the printer.
            self.preview_window = preview_dialog(self, pdf, title, printable=False)
            self.preview_window.open()
            say(self.message, "草稿（未编号、未登记）已在预览窗口中打开")

        run_query(self, lambda: preview_document(ctx, actor, case_id, kind), show, self._fail, title="生成草稿")

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

    def _selection_changed(self) -> None:
        """打开, 打印 and the others act on the chosen document: greyed, saying why, while none is chosen."""
        document = self._selected()
        choose = "" if document is not None else "请先在列表中选择一份文书"
        folder = documents_folder(self.case.case_no if self.case else "<案件编号>")
        for button, tip in ((self.open, f"导出到 {folder}（文件名：文号-文书名称.pdf）并打开"),
                            (self.save_pdf, "另存所选文书的 PDF"), (self.save_docx, "另存所选文书的 Word 文档")):
            button.setEnabled(not choose)
            button.setToolTip(choose or tip)  # fmt: skip
        refused = choose or service_refusal(self.actor, record_print)
        if not refused and document is not None and (document.voided or document.superseded):
            refused = "已作废的文书不能打印" if document.voided else "此版本已被更正，请打印现行版本"
        self.print.setEnabled(not refused)
        self.print.setToolTip(refused or "打印所选文书（Ctrl+P）：按出具时的 PDF 原样一页一张，打印记入审计日志")
        self.print_preview.setEnabled(not choose)
        self.print_preview.setToolTip(choose or "预览所选文书的打印效果，可从预览窗口打印（Ctrl+Shift+P）")

    def _open(self) -> None:
        document = self._selected()
        if document is None or self.case is None:
            say(self.message, "请先在列表中选择一份文书", ok=False)
            return
        folder = documents_folder(self.case.case_no)
        ctx, actor = self.ctx, self.actor

        def opened(path: Path) -> None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            say(self.message, f"已打开：{path}")

        # An export is recorded in the audit trail, which no open view shows: nothing to announce.
        run_write(self, "导出文书", lambda: export_document(ctx, actor, document.id, folder), changes=Changes(),
                  on_done=opened, on_refused=self._fail)  # fmt: skip

    def _print(self) -> None:
        document = self._selected()
        if document is None or not self.print.isEnabled():
            return
        name = f"{document.number or ''} {document.title}".strip()
        printer = a4_printer(name)
        if print_dialog(self, printer, document.pdf_pages or 1).exec() != QDialog.DialogCode.Accepted:
            return
        ctx, actor = self.ctx, self.actor
        run_write(self, "打印文书", lambda: print_issued(ctx, actor, document.id, printer), changes=Changes(),
                  on_done=lambda pages: say(self.message, f"已打印 {name}（{pages} 页，{printer.copyCount()} 份）"),
                  on_refused=self._fail)  # fmt: skip

    def _print_preview(self) -> None:
        document = self._selected()
        if document is None:
            say(self.message, "请先在列表中选择一份文书", ok=False)
            return
        name = f"{document.number or ''} {document.title}".strip()
        printable = self.print.isEnabled()
        title = f"打印预览：{name}" + ("" if printable else f"（{self.print.toolTip()}）")
        ctx, actor = self.ctx, self.actor

        def show(pdf: bytes) -> None:
            window = self.preview_window = preview_dialog(self, pdf, title, printable=printable)
            window.finished.connect(lambda result: self._previewed(document, window.printer(), result))
            window.open()

        run_query(self, lambda: issued_pdf(ctx, actor, document.id), show, self._fail, title="读取文书")

    def _previewed(self, document: DocumentView, printer: QPrinter, result: int) -> None:
        """The preview window accepts only when its 打印 printed the document: recorded then."""
        if result != QDialog.DialogCode.Accepted:
            return
        copies, on = printer.copyCount(), printed_on(printer)
        ctx, actor = self.ctx, self.actor
        run_write(self, "登记打印", lambda: record_print(ctx, actor, document.id, copies, printer=on),
                  changes=Changes(), on_done=lambda _: say(self.message, f"已打印 {document.title}（{copies} 份）"),
                  on_refused=self._fail)  # fmt: skip

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


def documents_folder(case_no: str) -> Path:
    """Where 打开 puts a case's documents: 文档/执法文书/<案件编号>, a folder the officer finds again and
    the system does not empty (a temporary folder is shared by every user of the PC and cleared at will).
    Under ENFORCEMENT_DESK_HOME (a portable or training install, the tests) it is that home's."""
    home = os.environ.get("ENFORCEMENT_DESK_HOME")
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(home or documents or Path.home()) / "执法文书" / case_no


register_panel("文书", lambda ctx, actor, parent: DocumentsPanel(ctx, actor, parent), position=20)
