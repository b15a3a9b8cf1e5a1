"""The agency's settings: periods, major-decision and hearing criteria, holiday tables — admin-only, versioned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from enforcement_desk.admin import record_admin_event
from enforcement_desk.context import Actor, AppContext, allowed
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.procedure.calendar import WorkingDayCalendar, parse_holiday_table
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import SETTING_LABELS, AgencySettings, legal_ceiling_refusal
from enforcement_desk.procedure.deadlines import agency_settings
from enforcement_desk.store.models import AgencySettingsVersion, User
from enforcement_desk.transfer.approvers import check_named_heads


@dataclass(frozen=True)
class SettingsView:
    """The agency's current settings and the version they carry (for optimistic saving)."""

    version: int
    settings: AgencySettings

    def labelled(self) -> list[tuple[str, str, Any]]:
        """(key, Chinese label, value) for display."""
        data = self.settings.to_json()
        return [(key, SETTING_LABELS.get(key, key), data[key]) for key in data]


@dataclass(frozen=True)
class SettingsVersionView:
    """One saved version of the agency's settings: who changed them, when, why, and the values."""

    version: int
    changed_by: str
    changed_at: datetime
    note: str
    settings: dict[str, Any]


def get_settings(ctx: AppContext, actor: Actor) -> SettingsView:
    """The actor's agency's current settings, with their version number."""
    with ctx.db.read() as session:
        agency, settings = agency_settings(session, actor.agency_id)
        return SettingsView(agency.version, settings)


@allowed(Role.ADMIN, action="修改本机关设置")
def update_settings(
    ctx: AppContext,
    actor: Actor,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
    note: str = "",
) -> SettingsView:
    """Apply changes; refused when someone saved other settings meanwhile. Each save is a new version."""
    with ctx.db.write() as session:
        agency, current = agency_settings(session, actor.agency_id)
        if expected_version is not None and agency.version != expected_version:
            raise DomainError("设置已被其他管理员修改，请刷新后重新编辑", rule="并发修改")
        updated = current.updated(changes)
        WorkingDayCalendar(agency_tables=updated.holiday_tables)  # refuses a bad table with its reason
        before, after = current.to_json(), updated.to_json()
        changed = {k for k in after if after[k] != before[k]}
        if not changed:
            return SettingsView(agency.version, current)
        refused = legal_ceiling_refusal(updated, changed)
        if refused is not None:
            raise refused
        check_named_heads(session, agency.id, updated, changed)  # 310号 art. 5: active heads only
        agency.settings = after
        session.flush()
        session.add(
            AgencySettingsVersion(
                agency_id=agency.id,
                version=agency.version,
                settings=after,
                changed_by=actor.user_id,
                changed_at=datetime.now(),
                note=note,
            )
        )
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="settings_changed",
            entity="agency",
            entity_id=agency.id,
            payload={
                "version": agency.version,
                "before": {k: before[k] for k in sorted(changed)},
                "after": {k: after[k] for k in sorted(changed)},
                "note": note,
            },
        )
        return SettingsView(agency.version, updated)


@allowed(Role.ADMIN, action="指定移送审批负责人")
def set_transfer_approvers(
    ctx: AppContext, actor: Actor, principal: str, presiding: str = "", *, note: str = ""
) -> SettingsView:
    """Name the agency's 正职负责人 and, while someone else presides over its work, the 主持工作的负责人
    (by login; empty for none): only they approve or refuse a transfer to the police (国务院令第310号
    art. 5). A new settings version with `note`, e.g. why someone presides."""
    current = get_settings(ctx, actor)
    return update_settings(
        ctx, actor,
        {"transfer_principal_head": (principal or "").strip(), "transfer_presiding_head": (presiding or "").strip()},
        expected_version=current.version, note=note or "指定移送审批负责人",
    )  # fmt: skip


def save_holiday_table(ctx: AppContext, actor: Actor, table: dict[str, Any]) -> SettingsView:
    """Add or replace one year's holiday notice (for years the bundled calendar does not know yet)."""
    parsed = parse_holiday_table(table)
    current = get_settings(ctx, actor)
    others = [t for t in current.settings.holiday_tables if int(t.get("year", 0)) != parsed.year]
    tables = sorted([*others, parsed.to_json()], key=lambda t: int(t["year"]))
    return update_settings(
        ctx,
        actor,
        {"holiday_tables": tables},
        expected_version=current.version,
        note=f"录入{parsed.year}年节假日安排",
    )


@allowed(Role.ADMIN, Role.HEAD, Role.REVIEWER, action="查看设置历史")
def settings_history(ctx: AppContext, actor: Actor) -> list[SettingsVersionView]:
    """Every saved version of the agency's settings, oldest first, with who saved each."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(AgencySettingsVersion, User.name)
            .join(User, User.id == AgencySettingsVersion.changed_by)
            .where(AgencySettingsVersion.agency_id == actor.agency_id)
            .order_by(AgencySettingsVersion.version)
        )
        return [
            SettingsVersionView(v.version, name, v.changed_at, v.note, dict(v.settings)) for v, name in rows
        ]
