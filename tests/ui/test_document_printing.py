"""The 文书 tab's 打开, 打印 and 打印预览 (offscreen): named copies in the case's folder that never overwrite
another version, the stored PDF printed page for page, previews, and each print on the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from case_builders import new_case
from desk_driver import Desk
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QToolBar
from sqlalchemy import select

from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents import panel as panel_module
from enforcement_desk.documents.panel import DocumentsPanel, documents_folder
from enforcement_desk.documents.printing import a4_printer, print_issued
from enforcement_desk.documents.service import issue_document, record_print, void_document
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import AuditEvent

pytestmark = pytest.mark.usefixtures("qtbot")

KIND = "case_acceptance"  # 案件受理记录: issuable from the first day of a case, with a 编号


@pytest.fixture
def desk(qtbot, sqlite_office):
    return Desk(qtbot, sqlite_office)


@pytest.fixture
def case(desk):
    return new_case(desk.office, location="沂水县长安路 88 号", facts="当事人未取得医疗机构执业许可证开展诊疗活动。")


@pytest.fixture
def opened_urls(monkeypatch):
    urls: list[str] = []
    monkeypatch.setattr(panel_module.QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()))
    return urls


def documents_tab(desk: Desk, case_id: int) -> DocumentsPanel:
    workspace = desk.workspace(desk.office.officer, case_id)
    panel = next(p for p in workspace.panels if isinstance(p, DocumentsPanel))
    workspace.tabs.setCurrentWidget(panel)
    bring_to_front(desk)
    return panel


def bring_to_front(desk: Desk) -> None:
    """The officer's window active, for its shortcuts: the offscreen platform leaves no window active after
    a dialog closes or a tab first makes its popups."""
    window = desk.window(desk.office.officer)

    def in_front() -> bool:
        window.activateWindow()
        return window.isActiveWindow()

    desk.qtbot.waitUntil(in_front)


def press_ctrl_shift_p(desk: Desk, panel: DocumentsPanel) -> QDialog:
    previous = panel.preview_window
    bring_to_front(desk)
    desk.qtbot.keyClick(panel.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    desk.qtbot.waitUntil(lambda: panel.preview_window is not previous)  # clicked a moment later, then read
    desk.settle()
    return panel.preview_window


def choose(panel: DocumentsPanel, document_id: int) -> None:
    panel.select(document_id)
    assert panel._selected().id == document_id


def events(office, action: str) -> list[dict]:
    with office.ctx.db.read() as session:
        rows = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == action)).all()
    return [json.loads(row) for row in rows]


def test_open_writes_number_and_title_into_a_new_case_folder_and_never_overwrites_another_version(
    desk, case, opened_urls
):
    office = desk.office
    first = issue_document(office.ctx, office.officer, case.id, KIND)
    folder = documents_folder(case.case_no)
    assert not folder.exists()
    panel = documents_tab(desk, case.id)
    choose(panel, first.id)
    desk.click(panel.open)
    named = folder / f"{first.number}-{first.title}.pdf"
    assert opened_urls == [str(named)], panel.message.text()
    stored = BlobStore(office.ctx.evidence_dir).path_for(first.pdf_sha256).read_bytes()
    assert named.read_bytes() == stored

    corrected = issue_document(office.ctx, office.officer, case.id, KIND, correction="检查地点有误")
    assert (corrected.number, corrected.pdf_sha256 != first.pdf_sha256) == (first.number, True)
    panel = documents_tab(desk, case.id)
    choose(panel, corrected.id)
    desk.click(panel.open)
    second = folder / f"{first.number}-{first.title} (2).pdf"
    assert opened_urls[-1] == str(second)
    assert named.read_bytes() == stored  # the first version's copy is still the first version

    choose(panel, first.id)
    desk.click(panel.open)  # the same file again: reused, no third copy
    assert opened_urls[-1] == str(named)
    assert sorted(p.name for p in folder.iterdir()) == sorted([named.name, second.name])
    assert [e["to"] for e in events(office, "document_exported")] == [str(named), str(second), str(named)]


def test_export_to_a_folder_names_an_unnumbered_document_by_title_and_id_and_cleans_the_number(desk, case):
    from enforcement_desk.documents.service import _export_path

    folder = Path(desk.office.ctx.evidence_dir).parent / "导出"
    folder.mkdir()
    path, same = _export_path(folder, '沂卫/罚:〔2026〕*1?"号<>|', "pdf", "0" * 64)
    assert (path.name, same) == ("沂卫_罚_〔2026〕_1__号___.pdf", False)


def test_ctrl_p_prints_the_stored_pdf_page_for_page_and_records_the_print(desk, case, tmp_path, monkeypatch):
    office = desk.office
    issued = issue_document(office.ctx, office.officer, case.id, KIND)
    out = tmp_path / "printed.pdf"
    asked: list[tuple[int, int]] = []

    def accept_into_a_file(dialog: QPrintDialog) -> int:
        asked.append((dialog.minPage(), dialog.maxPage()))
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept_into_a_file)
    panel = documents_tab(desk, case.id)
    choose(panel, issued.id)
    assert panel.print.isEnabled(), panel.print.toolTip()
    desk.qtbot.keyClick(panel.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    desk.qtbot.waitUntil(lambda: bool(asked))  # a button's shortcut clicks it a moment later
    desk.settle()
    assert asked == [(1, issued.pdf_pages)]
    printed = PdfReader(out)
    assert len(printed.pages) == issued.pdf_pages, panel.message.text()
    width, height = (float(v) for v in printed.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4, the document's own size
    assert "已打印" in panel.message.text()
    [event] = events(office, "document_printed")
    assert (event["number"], event["copies"], event["printer"]) == (issued.number, 1, f"PDF 文件：{out}")


def test_print_renders_only_the_pages_chosen_in_the_dialog(desk, case, tmp_path):
    office = desk.office
    issued = issue_document(office.ctx, office.officer, case.id, KIND)
    printer = a4_printer("受理记录")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "one.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(1, 1)
    assert print_issued(office.ctx, office.officer, issued.id, printer) == 1
    assert len(PdfReader(tmp_path / "one.pdf").pages) == 1


def test_print_is_greyed_with_the_reason_until_a_current_document_is_chosen_and_a_void_one_is_refused(desk, case):
    office = desk.office
    issued = issue_document(office.ctx, office.officer, case.id, KIND)
    panel = documents_tab(desk, case.id)
    panel.table.clearSelection()
    panel.table.setCurrentCell(-1, -1)
    assert not panel.print.isEnabled() and not panel.print_preview.isEnabled() and not panel.open.isEnabled()
    assert panel.print.toolTip() == "请先在列表中选择一份文书"
    choose(panel, issued.id)
    assert panel.print.isEnabled() and "Ctrl+P" in panel.print.toolTip()

    void_document(office.ctx, office.head, issued.id, "受理记录填写有误")
    panel = documents_tab(desk, case.id)
    choose(panel, issued.id)
    assert not panel.print.isEnabled() and panel.print.toolTip() == "已作废的文书不能打印"
    assert panel.print_preview.isEnabled()  # still to be looked at
    with pytest.raises(DomainError, match="已作废，不能打印"):
        record_print(office.ctx, office.officer, issued.id, 1)
    assert events(office, "document_printed") == []


def test_print_preview_shows_the_documents_pages_and_records_a_print_made_from_it(desk, case):
    office = desk.office
    issued = issue_document(office.ctx, office.officer, case.id, KIND)
    panel = documents_tab(desk, case.id)
    choose(panel, issued.id)
    window = press_ctrl_shift_p(desk, panel)
    assert window.isVisible(), panel.message.text()
    pages = window.findChild(QPrintPreviewWidget)
    desk.qtbot.waitUntil(lambda: pages.pageCount() == issued.pdf_pages)
    window.reject()  # closed without printing: nothing recorded
    desk.settle()
    assert events(office, "document_printed") == []

    press_ctrl_shift_p(desk, panel).accept()  # what the preview's own 打印 does once the pages went to the printer
    desk.settle()
    [event] = events(office, "document_printed")
    assert event["number"] == issued.number


def test_a_draft_is_previewed_in_the_desk_without_a_way_to_print_it(desk, case):
    panel = documents_tab(desk, case.id)
    panel.kind.setCurrentIndex(panel.kind.findData(KIND))
    desk.click(panel.preview)
    window = panel.preview_window
    assert window is not None and window.isVisible(), panel.message.text()
    assert "不能打印" in window.windowTitle()
    visible = [a.text() for bar in window.findChildren(QToolBar) for a in bar.actions() if a.isVisible()]
    assert "Print" not in visible and "Page setup" not in visible and "Zoom in" in visible
    assert window.findChild(QPrintPreviewWidget).pageCount() >= 1
    window.reject()
