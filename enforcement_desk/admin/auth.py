"""Logging in and password hashing (argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from enforcement_desk.admin import record_admin_event
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.store.models import User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """The argon2 hash of a new password; refuses one shorter than MIN_PASSWORD_LENGTH."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    return _hasher.hash(password)


def actor_from_user(user: User) -> Actor:
    """The Actor a user row acts as."""
    return Actor(
        user_id=user.id,
        login=user.login,
        name=user.name,
        role=Role(user.role),
        agency_id=user.agency_id,
        legal_qualified=user.legal_qualified,
    )


def login(ctx: AppContext, login_name: str, password: str) -> Actor:
    """Sign a user in by login name and password, auditing the success or the failure
    (a failed attempt is recorded even under an unknown name); a deactivated user cannot sign in."""
    with ctx.db.write() as session:
        user = session.execute(select(User).where(User.login == login_name.strip())).scalar_one_or_none()
        valid = False
        if user is not None and user.active:
            try:
                valid = _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                valid = False
        if not valid:
            record_admin_event(
                session,
                actor_id=user.id if user else None,
                actor_login=login_name.strip()[:64],
                action="login_failed",
                entity="user",
                entity_id=user.id if user else "-",
            )
            failed = DomainError("用户名或密码不正确" if user is None or user.active else "该用户已停用，请联系管理员")
        else:
            record_admin_event(session, actor_id=user.id, actor_login=user.login, action="login", entity="user", entity_id=user.id)
            return actor_from_user(user)
    raise failed
