"""User administration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from enforcement_desk.admin import record_admin_event
from enforcement_desk.admin.auth import hash_password, is_locked
from enforcement_desk.context import Actor, AppContext, allowed, require_text
from enforcement_desk.core.errors import DomainError, NotFound
from enforcement_desk.core.roles import Role
from enforcement_desk.core.text_limits import PERSON_NAME, checked_text
from enforcement_desk.store.models import User


@dataclass(frozen=True)
class UserDraft:
    """A new user as entered: login, name, role, password, and for officers the 执法证 number and validity."""

    login: str
    name: str
    role: Role
    password: str
    cert_no: str | None = None
    cert_valid_until: date | None = None
    legal_qualified: bool = False


@dataclass(frozen=True)
class UserView:
    """A user as the faces show it (no password hash)."""

    id: int
    login: str
    name: str
    role: Role
    cert_no: str | None
    cert_valid_until: date | None
    legal_qualified: bool
    active: bool
    locked_until: datetime | None = None  # set while sign-ins are locked after repeated failures

    def locked_at(self, now: datetime) -> bool:
        """Whether sign-ins are locked at wall-clock time `now`."""
        return self.locked_until is not None and self.locked_until > now

    @property
    def label(self) -> str:
        """The name with the role, e.g. 王强（执法人员）."""
        return f"{self.name}（{self.role.label}）"


def _view(user: User) -> UserView:
    return UserView(
        id=user.id,
        login=user.login,
        name=user.name,
        role=Role(user.role),
        cert_no=user.cert_no,
        cert_valid_until=user.cert_valid_until,
        legal_qualified=user.legal_qualified,
        active=user.active,
        locked_until=user.locked_until,
    )


@allowed(Role.ADMIN, action="新增用户")
def add_user(ctx: AppContext, actor: Actor, draft: UserDraft) -> UserView:
    """Add a user to the actor's agency.

    An officer must have a 执法证 number with its validity (行政处罚法 art. 42: penalties are imposed by
    officers qualified for enforcement)."""
    login = checked_text(draft.login, "登录名", PERSON_NAME, required=True)
    name = checked_text(draft.name, "姓名", PERSON_NAME, required=True)
    if draft.role is Role.OFFICER and not (draft.cert_no or "").strip():
        raise DomainError("执法人员须登记执法证号（《行政处罚法》第四十二条）")
    if draft.cert_no and draft.cert_valid_until is None:
        raise DomainError("请填写执法证有效期")
    password_hash = hash_password(draft.password)
    try:
        with ctx.db.write() as session:
            user = User(
                agency_id=actor.agency_id,
                login=login,
                name=name,
                role=draft.role.value,
                cert_no=(draft.cert_no or "").strip() or None,
                cert_valid_until=draft.cert_valid_until,
                legal_qualified=draft.legal_qualified,
                password_hash=password_hash,
                active=True,
                created_at=datetime.now(),
            )
            session.add(user)
            session.flush()
            record_admin_event(
                session,
                actor_id=actor.user_id,
                actor_login=actor.login,
                action="user_added",
                entity="user",
                entity_id=user.id,
                payload={
                    "login": login,
                    "name": name,
                    "role": draft.role.value,
                    "cert_no": user.cert_no,
                    "cert_valid_until": draft.cert_valid_until,
                    "legal_qualified": draft.legal_qualified,
                },
            )
            return _view(user)
    except IntegrityError:
        raise DomainError(f"登录名“{login}”已被使用") from None


def list_users(
    ctx: AppContext, actor: Actor, role: Role | None = None, active_only: bool = True
) -> list[UserView]:
    """The agency's users in id order, optionally of one role and including inactive ones."""
    with ctx.db.read() as session:
        query = select(User).where(User.agency_id == actor.agency_id).order_by(User.id)
        if role is not None:
            query = query.where(User.role == role.value)
        if active_only:
            query = query.where(User.active.is_(True))
        return [_view(u) for u in session.scalars(query)]


def get_user(ctx: AppContext, user_id: int) -> UserView:
    """One user by id."""
    with ctx.db.read() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"用户 #{user_id} 不存在")
        return _view(user)


def find_user_by_login(ctx: AppContext, login: str) -> UserView:
    """One user by login name."""
    with ctx.db.read() as session:
        user = session.execute(select(User).where(User.login == login)).scalar_one_or_none()
        if user is None:
            raise NotFound(f"用户“{login}”不存在")
        return _view(user)


@allowed(Role.ADMIN, action="启用或停用用户")
def set_active(ctx: AppContext, actor: Actor, user_id: int, active: bool) -> UserView:
    """Activate or deactivate a user (never the signed-in administrator), auditing the change."""
    if user_id == actor.user_id and not active:
        raise DomainError("不能停用当前登录的管理员自己")
    with ctx.db.write() as session:
        user = session.get(User, user_id)
        if user is None or user.agency_id != actor.agency_id:
            raise NotFound(f"用户 #{user_id} 不存在")
        before = user.active
        user.active = active
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="user_activated" if active else "user_deactivated",
            entity="user",
            entity_id=user.id,
            payload={"before": {"active": before}, "after": {"active": active}},
        )
        return _view(user)


@allowed(Role.ADMIN, action="更新执法证信息")
def set_certificate(ctx: AppContext, actor: Actor, login: str, *, cert_no: str, valid_until: date) -> UserView:
    """Record a renewed or replaced 执法证 (number and validity), auditing the old and new values: an officer
    whose certificate ran out can take enforcement steps again once it is renewed."""
    name = require_text(login, "登录名")
    number = require_text(cert_no, "执法证号")
    if len(number) > 64:
        raise DomainError("执法证号不能超过 64 个字符")
    if not isinstance(valid_until, date):
        raise DomainError("请填写执法证有效期")
    if valid_until < ctx.today():
        raise DomainError(f"执法证有效期至 {valid_until}，已早于今天：请登记换发后的执法证")
    with ctx.db.write() as session:
        user = session.execute(select(User).where(User.login == name).with_for_update()).scalar_one_or_none()
        if user is None or user.agency_id != actor.agency_id:
            raise NotFound(f"用户“{name}”不存在")
        if Role(user.role) is not Role.OFFICER:
            raise DomainError(f"{user.name}不是执法人员，无需登记执法证")
        before = {"cert_no": user.cert_no, "cert_valid_until": user.cert_valid_until}
        user.cert_no, user.cert_valid_until = number, valid_until
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="user_certificate_set",
            entity="user",
            entity_id=user.id,
            payload={"login": user.login, "before": before, "after": {"cert_no": number, "cert_valid_until": valid_until}},
        )
        return _view(user)


@allowed(Role.ADMIN, action="解除用户登录锁定")
def unlock_user(ctx: AppContext, actor: Actor, login: str) -> UserView:
    """Lift a sign-in lock set after repeated failed sign-ins (and clear the count of failures), auditing
    it; refused when the account is not locked."""
    name = require_text(login, "登录名")
    now = datetime.now()
    with ctx.db.write() as session:
        user = session.execute(select(User).where(User.login == name).with_for_update()).scalar_one_or_none()
        if user is None or user.agency_id != actor.agency_id:
            raise NotFound(f"用户“{name}”不存在")
        if not is_locked(user, now):
            raise DomainError(f"用户“{name}”的登录未被锁定，无需解锁")
        before = {"locked_until": user.locked_until, "failed_logins": user.failed_logins}
        user.locked_until = None
        user.failed_logins = 0
        record_admin_event(
            session,
            actor_id=actor.user_id,
            actor_login=actor.login,
            action="user_unlocked",
            entity="user",
            entity_id=user.id,
            payload={"login": user.login, "before": before},
        )
        return _view(user)
