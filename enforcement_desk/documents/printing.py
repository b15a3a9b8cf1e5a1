"""Printing from the desk: an issued document's stored PDF, page by page (QtPdf), onto a printer.

The pages printed are the stored file's, never a fresh rendering, so paper matches what `audit verify`
checks. Each PDF page goes onto one sheet at its own size (A4 on A4: no scaling), shrunk with its aspect
ratio only when the paper is smaller. The dialogs are thin: `render_pdf_to_printer` does the drawing and
is what the tests drive, with a printer writing a PDF file.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRectF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QToolBar, QWidget

from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.service import issued_pdf, record_print

# Pages are drawn as images at this resolution whatever the printer's coordinates (a preview's printer
# counts in screen pixels): 300 dpi prints text sharply, a 1200 dpi A4 page would be half a gigabyte.
RENDER_DPI = 300


def set_for_documents(printer: QPrinter, document_name: str) -> QPrinter:
    """A4 portrait on the whole sheet (the PDF pages carry their own margins)."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName(document_name)
    return printer


def a4_printer(document_name: str) -> QPrinter:
    """A printer set for the documents, at the printer's own resolution."""
    return set_for_documents(QPrinter(QPrinter.PrinterMode.HighResolution), document_name)


def load_pdf(pdf: bytes) -> QPdfDocument:
    """The PDF opened for drawing; refused in Chinese when it cannot be read."""
    document = QPdfDocument()
    buffer = QBuffer(document)  # lives as long as the document reads from it
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise DomainError("文书的 PDF 文件无法读取，未能打印；请运行 audit verify 检查")
    return document


def _pages_chosen(printer: QPrinter, page_count: int) -> list[int]:
    """The pages (from 0) the print dialog's 页码范围 chose; all of them when it chose none."""
    first, last = printer.fromPage(), printer.toPage()
    if printer.printRange() != QAbstractPrintDialog.PrintRange.PageRange or first < 1:
        return list(range(page_count))
    return list(range(first - 1, min(last or page_count, page_count)))


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    size = document.pagePointSize(page)
    dpi = printer.resolution()
    width, height = size.width() * dpi / 72, size.height() * dpi / 72
    shrink = min(1.0, paper.width() / width, paper.height() / height)
    width, height = width * shrink, height * shrink
    # With the whole sheet to paint on the painter's origin is the paper's corner.
    target = QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)
    pixels = RENDER_DPI / 72 * shrink
    image = document.render(page, QSize(round(size.width() * pixels), round(size.height() * pixels)))
    painter.drawImage(target, image)


def render_pdf_to_printer(document: QPdfDocument, printer: QPrinter) -> int:
    """Draw the PDF's pages (those the dialog chose) onto `printer`, one page per sheet; the pages drawn."""
    pages = _pages_chosen(printer, document.pageCount())
    # A driver that cannot make copies itself gets each copy drawn; a PDF file is one copy.
    native = printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
    repeats = printer.copyCount() if native and not printer.supportsMultipleCopies() else 1
    painter = QPainter()
    if not painter.begin(printer):
        raise DomainError(f"打印机“{printer.printerName() or printer.outputFileName()}”无法开始打印，请检查打印机")
    try:
        for number, page in enumerate(pages * repeats):
            if number:
                printer.newPage()
            _draw_page(painter, printer, document, page)
    finally:
        painter.end()
    return len(pages)


def printed_on(printer: QPrinter) -> str:
    """The printer's name for the record (a PDF file's name when printed to a file)."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return f"PDF 文件：{printer.outputFileName()}"
    return printer.printerName()


def print_issued(ctx: AppContext, actor: Actor, document_id: int, printer: QPrinter) -> int:
    """Off the screen thread: read the stored PDF, print it, record the print; the pages printed.
    A voided or corrected version is refused before anything reaches the printer."""
    document = load_pdf(issued_pdf(ctx, actor, document_id, to_print=True))
    pages = render_pdf_to_printer(document, printer)
    record_print(ctx, actor, document_id, printer.copyCount(), printer=printed_on(printer))
    return pages


def print_dialog(parent: QWidget, printer: QPrinter, page_count: int) -> QPrintDialog:
    """The system's print dialog for a document of `page_count` pages (份数 and 页码范围 offered)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 {printer.docName()}")
    dialog.setMinMax(1, max(1, page_count))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
    return dialog


def preview_dialog(parent: QWidget, pdf: bytes, title: str, *, printable: bool) -> QPrintPreviewDialog:
    """The print preview of a PDF. Without `printable` (a draft, a voided or corrected version) its 打印
    and 页面设置 are taken away: what is not an official document never reaches paper from the desk."""
    document = load_pdf(pdf)
    dialog = QPrintPreviewDialog(parent)  # with a printer of its own: one handed in would be Python's to free
    set_for_documents(dialog.printer(), title)
    document.setParent(dialog)  # the preview draws again on zoom and page setup: it keeps its PDF
    dialog.setWindowTitle(title)
    dialog.setObjectName("documentPrintPreview")
    room = parent.screen().availableGeometry()
    dialog.resize(max(720, room.width() * 3 // 5), room.height() * 9 // 10)  # a page readable at once
    dialog.paintRequested.connect(lambda printer: render_pdf_to_printer(document, printer))
    if not printable:
        # The dialog names its own actions only in Qt's words (translated with Qt's own catalogue).
        banned = {QCoreApplication.translate("QPrintPreviewDialog", text) for text in ("Print", "Page setup")}
        for toolbar in dialog.findChildren(QToolBar):
            for action in toolbar.actions():
                if action.text() in banned:
                    action.setVisible(False)
                    action.setEnabled(False)
    return dialog
