"""Entering a party in the desk: 信用代码 and 身份证号 checked as they are typed, a party that may
already be registered pointed out before a second record is made."""

from __future__ import annotations

import pytest
from desk_driver import Desk
from PySide6.QtCore import Qt

from enforcement_desk.procedure.desk.party_dialog import PartyDialog
from enforcement_desk.procedure.parties import search_parties


@pytest.fixture
def dialog(qtbot, sqlite_office):
    dialog = PartyDialog(sqlite_office.ctx, sqlite_office.officer)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def choose_kind(dialog: PartyDialog, kind: str) -> None:
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData(kind))


def test_a_credit_code_is_checked_against_its_check_character_while_typed(qtbot, dialog, sqlite_office):
    desk = Desk(qtbot, sqlite_office)
    choose_kind(dialog, "organisation")
    desk.type_into(dialog.ui.idNumberEdit, "12371323MB2853161X")
    assert dialog.ui.idStatusLabel.text().startswith("✗") and "校验位" in dialog.ui.idStatusLabel.text()
    qtbot.keyClick(dialog.ui.idNumberEdit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.ui.idNumberEdit, "H")
    assert dialog.ui.idStatusLabel.text() == "✓ 统一社会信用代码有效"


def test_a_resident_id_shows_sex_and_birth_date_when_valid_and_the_fault_when_not(
    qtbot, dialog, sqlite_office
):
    desk = Desk(qtbot, sqlite_office)
    choose_kind(dialog, "person")
    desk.type_into(dialog.ui.idNumberEdit, "370323198503150010")
    assert dialog.ui.idStatusLabel.text() == "✓ 身份证号码有效：男，1985年03月15日出生"
    desk.type_into(dialog.ui.idNumberEdit, "370323198513150010")  # month 13
    assert dialog.ui.idStatusLabel.text().startswith("✗")


def test_a_party_registered_under_the_same_name_or_credit_code_is_pointed_out_before_saving(
    qtbot, dialog, sqlite_office
):
    desk = Desk(qtbot, sqlite_office)
    choose_kind(dialog, "organisation")
    desk.type_into(dialog.ui.nameEdit, "沂水县悦来宾馆有限公司")
    qtbot.keyClick(dialog.ui.nameEdit, Qt.Key.Key_Tab)  # leaving the field runs the check
    assert "可能已登记：沂水县悦来宾馆有限公司（91371323MA3C7X2Y1L，名称相同）" in dialog.ui.duplicateLabel.text()
    desk.type_into(dialog.ui.nameEdit, "悦来宾馆（有限公司）")  # no county in front, another form of brackets
    qtbot.keyClick(dialog.ui.nameEdit, Qt.Key.Key_Tab)
    assert "沂水县悦来宾馆有限公司（91371323MA3C7X2Y1L，名称主体相同）" in dialog.ui.duplicateLabel.text()
    desk.type_into(dialog.ui.nameEdit, "沂水县如家宾馆有限公司")  # another hotel of the same county
    qtbot.keyClick(dialog.ui.nameEdit, Qt.Key.Key_Tab)
    assert dialog.ui.duplicateLabel.text() == ""
    desk.type_into(dialog.ui.idNumberEdit, "91371323MA3C7X2Y1L")  # renamed since, same code
    qtbot.keyClick(dialog.ui.idNumberEdit, Qt.Key.Key_Tab)
    assert "可能已登记：沂水县悦来宾馆有限公司（91371323MA3C7X2Y1L，证件号码相同）" in dialog.ui.duplicateLabel.text()


def test_a_party_with_a_wrong_id_number_is_not_saved_and_the_dialog_says_why(qtbot, dialog, sqlite_office):
    desk = Desk(qtbot, sqlite_office)
    choose_kind(dialog, "person")
    desk.type_into(dialog.ui.nameEdit, "李某某")
    desk.type_into(dialog.ui.idNumberEdit, "370323198503150011")
    desk.confirm(dialog)
    assert dialog.isVisible() and "校验位不符" in dialog.ui.errorLabel.text()
    assert not search_parties(sqlite_office.ctx, sqlite_office.officer, "李某某")
    desk.type_into(dialog.ui.idNumberEdit, "11010519491231002X")
    desk.type_into(dialog.ui.addressEdit, "沂水县沂城街道 1 号")
    desk.confirm(dialog)
    assert not dialog.isVisible(), dialog.ui.errorLabel.text()
    assert dialog.party.name == "李某某"
