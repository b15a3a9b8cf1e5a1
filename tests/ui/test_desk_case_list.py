"""The case list: pages of 100 fetched as the user scrolls, filters typed in, sorting, the count that
arrives from a worker thread and never belongs to an older filter."""

from __future__ import annotations

import pytest
from case_builders import new_case
from desk_driver import Desk
from PySide6.QtCore import QPoint, Qt

from enforcement_desk.desk.main_window import MainWindow
from enforcement_desk.procedure.cases import CaseFilter, count_cases
from enforcement_desk.procedure.desk.case_table_model import PAGE

HOTEL_CASES, CLINIC_CASES = 30, 120
HOTEL_CAUSE = "公共场所未取得卫生许可证擅自营业"


def filled_desk(qtbot, office) -> Desk:
    for _ in range(HOTEL_CASES):
        new_case(office, cause=HOTEL_CAUSE, party_id=office.org_party_id)
    for _ in range(CLINIC_CASES):
        new_case(office)
    return Desk(qtbot, office)


@pytest.fixture
def desk(qtbot, sqlite_office):
    return filled_desk(qtbot, sqlite_office)


@pytest.fixture
def desk_on_each_backend(qtbot, office):
    """SQLite, and the shared PostgreSQL server when the suite runs with one: the count's worker
    thread takes its own connection from the engine's pool on both."""
    return filled_desk(qtbot, office)


def list_of(desk: Desk):
    window = desk.window(desk.office.officer)
    window.tabs.setCurrentWidget(window.cases)
    return window.cases


def wait_for_total(desk: Desk, view, expected: str) -> None:
    desk.qtbot.waitUntil(lambda: view.count.text() == expected, timeout=5000)


def test_the_list_fetches_pages_of_a_hundred_as_the_user_scrolls_to_the_end(desk):
    view = list_of(desk)
    assert view.model.rowCount() == PAGE and view.model.canFetchMore()
    wait_for_total(desk, view, f"共 {HOTEL_CASES + CLINIC_CASES} 件")
    view.table.scrollToBottom()
    desk.qtbot.waitUntil(lambda: view.model.rowCount() == HOTEL_CASES + CLINIC_CASES, timeout=5000)
    assert not view.model.canFetchMore()
    case_ids = [view.model.case_id_at(row) for row in range(view.model.rowCount())]
    assert len(set(case_ids)) == HOTEL_CASES + CLINIC_CASES  # no page fetched twice, none skipped


def test_typing_a_party_name_in_the_filter_narrows_the_list_and_its_count(desk_on_each_backend):
    desk = desk_on_each_backend
    view = list_of(desk)
    window = desk.window(desk.office.officer)
    window.activateWindow()
    desk.qtbot.waitUntil(window.isActiveWindow)
    desk.qtbot.keyClick(window.tabs, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.text.hasFocus()
    desk.type_into(view.text, "悦来宾馆")
    desk.qtbot.waitUntil(lambda: view.model.rowCount() == HOTEL_CASES, timeout=5000)
    wait_for_total(desk, view, f"共 {HOTEL_CASES} 件")
    assert {view.model.data(view.model.index(row, 1)) for row in range(HOTEL_CASES)} == {
        "沂水县悦来宾馆有限公司"
    }
    view.text.clear()
    desk.qtbot.waitUntil(lambda: view.model.rowCount() == PAGE, timeout=5000)
    wait_for_total(desk, view, f"共 {HOTEL_CASES + CLINIC_CASES} 件")


def test_clicking_the_party_header_sorts_the_list_by_party_and_again_reverses_it(desk):
    view = list_of(desk)
    header = view.table.horizontalHeader()
    centre = QPoint(header.sectionViewportPosition(1) + header.sectionSize(1) // 2, header.height() // 2)
    seen = {}
    for _ in range(2):
        desk.qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        assert header.sortIndicatorSection() == 1
        parties = [view.model.data(view.model.index(row, 1)) for row in range(view.model.rowCount())]
        seen[header.sortIndicatorOrder()] = parties
    ascending, descending = seen[Qt.SortOrder.AscendingOrder], seen[Qt.SortOrder.DescendingOrder]
    assert ascending == sorted(ascending) and ascending[0] == "张某某"
    assert descending[:HOTEL_CASES] == ["沂水县悦来宾馆有限公司"] * HOTEL_CASES


def test_a_count_finished_for_an_older_filter_never_replaces_the_count_of_the_current_one(desk):
    view = list_of(desk)
    model = view.model
    office = desk.office
    model.set_filter(CaseFilter())  # more than a page matches, so it is counted on a worker thread
    older = model.generation
    model.set_filter(CaseFilter(party="张某某"))  # typed over before the first count is shown
    assert model.total is None and "正在统计" in view.count.text()
    model.count_arrived(older, HOTEL_CASES + CLINIC_CASES)  # the older count, late
    desk.qtbot.wait(50)
    assert model.total != HOTEL_CASES + CLINIC_CASES
    model.wait_for_count()
    wait_for_total(desk, view, f"共 {CLINIC_CASES} 件")
    assert model.total == count_cases(office.ctx, office.officer, CaseFilter(party="张某某")) == CLINIC_CASES


def test_the_list_opens_next_time_with_the_column_widths_and_sort_the_user_left(desk):
    view = list_of(desk)
    header = view.table.horizontalHeader()
    header.resizeSection(1, 333)
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    desk.window(desk.office.officer).close()

    again = MainWindow(desk.office.ctx, desk.office.officer, "沂水县卫生健康综合监督执法局")
    desk.qtbot.addWidget(again)
    header = again.cases.table.horizontalHeader()
    assert header.sectionSize(1) == 333
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (1, Qt.SortOrder.DescendingOrder)
    assert (again.cases.model.sort_key, again.cases.model.descending) == ("party", True)
    assert again.cases.model.data(again.cases.model.index(0, 1)) == "沂水县悦来宾馆有限公司"


def test_clicking_a_column_the_list_cannot_sort_by_leaves_the_order_and_its_arrow_alone(desk):
    view = list_of(desk)
    header = view.table.horizontalHeader()
    before = [view.model.case_id_at(row) for row in range(view.model.rowCount())]
    fine = 6
    centre = QPoint(
        header.sectionViewportPosition(fine) + header.sectionSize(fine) // 2, header.height() // 2
    )
    desk.qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (4, Qt.SortOrder.DescendingOrder)
    assert [view.model.case_id_at(row) for row in range(view.model.rowCount())] == before
