"""Agency settings: admin-only, versioned, audited; holiday tables change how periods are counted."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from enforcement_desk.admin.agency_settings import (
    get_settings,
    save_holiday_table,
    settings_history,
    update_settings,
)
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.procedure.calendars import calendar_for, deadline
from enforcement_desk.store.models import AuditEvent

TABLE_2027 = {"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}


def test_only_the_admin_changes_settings_and_each_save_is_a_version(office):
    with pytest.raises(PermissionDenied):
        update_settings(office.ctx, office.head, {"major_fine_person": "20000"})
    first = get_settings(office.ctx, office.officer)
    saved = update_settings(office.ctx, office.admin, {"major_fine_person": "20000"}, note="县局新目录清单")
    assert saved.settings.major_fine_person == Decimal("20000")
    assert saved.version == first.version + 1
    version = settings_history(office.ctx, office.admin)[-1]  # the office named its transfer approvers first
    assert version.version == saved.version and version.note == "县局新目录清单"
    with office.ctx.db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings_changed").order_by(AuditEvent.seq.desc())
        ).first()
        payload = json.loads(event.payload)
    assert payload["before"] == {"major_fine_person": "10000"}
    assert payload["after"] == {"major_fine_person": "20000"}


def test_a_stale_edit_is_refused(office):
    version = get_settings(office.ctx, office.admin).version
    update_settings(office.ctx, office.admin, {"defence_working_days": 5}, expected_version=version)
    with pytest.raises(DomainError, match="已被其他管理员修改"):
        update_settings(office.ctx, office.admin, {"defence_working_days": 4}, expected_version=version)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"no_such_setting": 1}, "未知的设置项"),
        ({"defence_working_days": "三"}, "应为整数"),
        ({"major_fine_person": "-5"}, "不能为负数"),
    ],
)
def test_bad_values_are_refused_with_the_settings_name(office, changes, message):
    with pytest.raises(DomainError, match=message):
        update_settings(office.ctx, office.admin, changes)


def test_a_holiday_table_for_a_new_year_moves_deadlines_and_removes_the_warning(office):
    before = get_settings(office.ctx, office.admin).settings
    unknown = deadline("defence", date(2026, 12, 30), before, calendar_for(before))
    assert unknown.due == date(2027, 1, 4) and unknown.warnings
    after = save_holiday_table(office.ctx, office.admin, TABLE_2027).settings
    known = deadline("defence", date(2026, 12, 30), after, calendar_for(after))
    assert known.due == date(2027, 1, 5) and known.warnings == ()
    with pytest.raises(DomainError, match="不是有效日期"):
        save_holiday_table(office.ctx, office.admin, {"year": 2027, "holidays": ["2027-02-30"]})


@pytest.mark.parametrize(
    ("key", "value", "article"),
    [
        ("filing_deadline_working_days", "10", "第三十二条"),
        ("filing_extension_working_days", "8", "第三十二条"),
        ("simple_fine_person_max", "500", "第二十九条"),
        ("simple_fine_organisation_max", "3000.01", "第二十九条"),
    ],
)
def test_a_period_or_amount_the_rule_fixes_cannot_be_set_above_it(office, key, value, article):
    before = get_settings(office.ctx, office.admin)
    with pytest.raises(DomainError, match="不能超过") as refused:
        update_settings(office.ctx, office.admin, {key: value})
    assert article in refused.value.rule
    assert get_settings(office.ctx, office.admin).version == before.version
    stricter = update_settings(office.ctx, office.admin, {key: "5" if "days" in key else "100"})
    assert stricter.version == before.version + 1  # an agency may hold itself to less
