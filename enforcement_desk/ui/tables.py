"""The read-only, row-selecting table every list in the desk uses."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QWidget


def read_only_table(headers: list[str], parent: QWidget, *, alternating: bool = False) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(alternating)
    return table
