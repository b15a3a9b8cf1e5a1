"""Publicity of penalty decisions: due in 7 working days, exported with masked personal data and no
empty cells, withdrawn within 3 working days when a decision is revoked."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from openpyxl import load_workbook

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.supervision.publicity import PUBLICITY_FIELDS
from enforcement_desk.procedure.cases import find_case_id, get_case
from enforcement_desk.supervision.publicity import (
    export_publicity,
    list_publicity,
    mark_published,
    withdraw_publicity,
)


@pytest.fixture
def demo(tmp_path):
    ctx = AppContext.open(f"sqlite:///{tmp_path / 'demo.sqlite3'}", tmp_path / "evidence")
    build_demo(ctx)
    yield ctx, login(ctx, "chenjun", DEMO_PASSWORD)
    ctx.close()


def test_every_decided_penalty_has_a_record_due_within_seven_working_days(demo):
    ctx, head = demo
    records = [r for r in list_publicity(ctx, head) if r.kind == "publish"]
    decided = {r.fields["decision_no"] for r in records}
    assert len(records) >= 10 and "无" not in decided
    pending = list_publicity(ctx, head, pending_only=True)
    assert pending, "the demo leaves the newest decisions still to publish"
    record = pending[0]
    view = mark_published(ctx, head, record.id)
    assert view.published_on == ctx.today() and view.urgency == "met"
    case = get_case(ctx, head, record.case_id)
    assert all(d.status != "open" for d in case.deadlines if d.key == "publicity")
    with pytest.raises(DomainError, match="已于"):
        mark_published(ctx, head, record.id)


def test_the_export_fills_every_field_and_masks_natural_persons(demo, tmp_path):
    ctx, head = demo
    xlsx = export_publicity(ctx, head, tmp_path / "公示.xlsx")
    sheet = load_workbook(xlsx).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(PUBLICITY_FIELDS)]) == [title for _, title in PUBLICITY_FIELDS]
    assert all(cell not in (None, "") for row in rows[1:] for cell in row), "每一栏都应填写或写明“无”"
    person_rows = [r for r in rows[1:] if r[1] == "自然人"]
    assert person_rows and all(r[4] == "370323********0010" for r in person_rows)
    assert "13805391234" not in str(rows)
    export_publicity(ctx, head, tmp_path / "公示.csv")
    with (tmp_path / "公示.csv").open(encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == len(rows)


def test_a_revoked_decision_gets_a_withdrawal_due_in_three_working_days(demo, tmp_path):
    ctx, head = demo
    case_id = find_case_id(ctx, head, "2026-0025")
    with pytest.raises(DomainError, match="撤回理由"):
        withdraw_publicity(ctx, head, case_id, " ")
    ctx.today_override = date(2026, 11, 20)  # a Friday: three working days end on Wednesday
    view = withdraw_publicity(ctx, head, case_id, "行政复议机关撤销原处罚决定")
    assert view.kind == "withdraw" and view.due_on == date(2026, 11, 25)
    export = export_publicity(ctx, head, tmp_path / "撤回.xlsx")
    statuses = [r[-2:] for r in load_workbook(export).active.iter_rows(values_only=True)]
    assert ("已撤回", "行政复议机关撤销原处罚决定") in statuses
