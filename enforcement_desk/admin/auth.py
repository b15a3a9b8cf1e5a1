"""Logging in and password hashing (argon2id), with the lockout that throttles password guessing.

Every failed sign-in gets the same answer, whether the login is unknown, the account disabled or the
password wrong, so that trying names tells an attacker nothing. After AgencySettings.login_max_failures
failures in a row an account is locked for login_lock_minutes of wall-clock time (not the business
date): meanwhile every sign-in to it is refused, the right password included, with a message saying
until when — shown whatever password was typed, so it never tells a guess apart. An administrator can
lift the lock (admin/users.unlock_user). Locks, unlocks and every failed attempt go to the audit trail in
the transaction that counts them, and so does a success that clears earlier failures or a lock that has run
out.

A plain success — the right password for an active account with nothing to reset — writes nothing. Every
terminal command and every desk start signs in, and on SQLite any write takes the whole database's
write lock: a sign-in that wrote would wait behind (and queue in front of) every other user's save, and
a colleague opening a case would be told the database is busy. Such sign-ins go to the application log
instead; what the audit trail must show of sign-ins — the guessing, the locks — is all still there.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from enforcement_desk.admin import record_admin_event
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.roles import Role
from enforcement_desk.core.settings import AgencySettings
from enforcement_desk.store.models import Agency, User

_hasher = PasswordHasher()
_log = logging.getLogger(__name__)
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


SIGN_IN_REFUSED = "用户名或密码不正确"


def locked_message(locked_until: datetime, now: datetime) -> str:
    """The refusal while an account is locked, with the moment the lock ends."""
    moment = locked_until.strftime("%H:%M" if locked_until.date() == now.date() else "%m月%d日 %H:%M")
    return f"该账户因多次登录失败已锁定至 {moment}，请稍后再试或联系管理员解锁"


def is_locked(user: User, now: datetime) -> bool:
    """Whether the account refuses every sign-in at wall-clock time `now`."""
    return user.locked_until is not None and user.locked_until > now


# An unknown login is checked against this hash (of a random password nobody knows, with the hasher's
# parameters), so that it takes as long as a known login's check. Made afresh only if the parameters change.
_STAND_IN_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$VBTHrcwobED6OGIRYwmAOA$xtuRw2vC4faVnyo8vf4iwoeAUWoL+KvU7QW1D12Sev8"
)
_stand_in: list[str] = []
_stand_in_lock = threading.Lock()


def _stand_in_hash() -> str:
    """A hash no password matches, with the parameters real hashes have."""
    with _stand_in_lock:
        if not _stand_in:
            fits = not _hasher.check_needs_rehash(_STAND_IN_HASH)
            _stand_in.append(_STAND_IN_HASH if fits else _hasher.hash(secrets.token_hex(32)))
        return _stand_in[0]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _lock_end(now: datetime, minutes: int) -> datetime:
    """`minutes` from now, rounded up to the whole minute, so that the HH:MM shown is when it ends."""
    end = now + timedelta(minutes=minutes)
    whole = end.replace(second=0, microsecond=0)
    return whole if whole == end else whole + timedelta(minutes=1)


def login(ctx: AppContext, login_name: str, password: str) -> Actor:
    """Sign a user in by login name and password; refuses a locked, deactivated or unknown account and a
    wrong password, counting the failures of a known account and locking it after too many in a row.

    The password hash is checked before any write transaction (it takes a moment by design, and on
    SQLite the write lock is the whole database's). A plain success then writes nothing (see the module
    note); anything else is counted and audited under the user row's lock, so that attempts made at the
    same time on a server are all counted and none slips past a lock another has just set."""
    name = login_name.strip()
    now = datetime.now()
    with ctx.db.read() as session:
        seen = session.execute(select(User).where(User.login == name)).scalar_one_or_none()
        if seen is not None:
            session.expunge(seen)  # kept as read: the read's rollback would otherwise expire it
    checked_hash: str | None = None
    valid = False
    if seen is None:
        _verify(_stand_in_hash(), password)  # the same time as a known login's check
    elif not is_locked(seen, now):
        checked_hash, valid = seen.password_hash, _verify(seen.password_hash, password)
        if valid and _nothing_to_reset(seen):
            _log.info("sign-in: %s", seen.login)
            return actor_from_user(seen)
    with ctx.db.write() as session:
        user = session.execute(select(User).where(User.login == name).with_for_update()).scalar_one_or_none()
        if user is not None and not is_locked(user, now) and user.password_hash != checked_hash:
            valid = _verify(user.password_hash, password)  # unlocked or the password changed meanwhile
        refusal = _count_attempt(session, user, name, valid, now)
        if refusal is None:
            return actor_from_user(user)
    raise refusal


def _nothing_to_reset(user: User) -> bool:
    """An active account with no failures counted and no lock on record, run out or not: signing it in
    changes no row."""
    return user.active and not user.failed_logins and user.locked_until is None


def _count_attempt(
    session: Session, user: User | None, name: str, valid: bool, now: datetime
) -> DomainError | None:
    """Record one sign-in attempt in the caller's transaction: None when it succeeds, else the refusal."""

    def failed(reason: str, **payload) -> None:
        record_admin_event(
            session,
            actor_id=user.id if user else None,
            actor_login=name[:64],
            action="login_failed",
            entity="user",
            entity_id=user.id if user else "-",
            payload={"reason": reason, **payload},
        )

    if user is None:
        failed("unknown_login")
        return DomainError(SIGN_IN_REFUSED)
    if is_locked(user, now):
        failed("locked", locked_until=user.locked_until)
        return DomainError(locked_message(user.locked_until, now))
    user.locked_until = None  # a lock that has run out
    if valid and user.active:
        user.failed_logins = 0
        record_admin_event(
            session,
            actor_id=user.id,
            actor_login=user.login,
            action="login",
            entity="user",
            entity_id=user.id,
        )
        return None
    settings = AgencySettings.from_json(session.get(Agency, user.agency_id).settings)
    # A disabled account counts and locks like any other: otherwise its answers would set it apart.
    user.failed_logins = (user.failed_logins or 0) + 1
    failed("wrong_password" if user.active else "inactive", failures=user.failed_logins)
    if user.failed_logins < settings.login_max_failures:
        return DomainError(SIGN_IN_REFUSED)
    user.locked_until = _lock_end(now, settings.login_lock_minutes)
    record_admin_event(
        session,
        actor_id=user.id,
        actor_login=user.login,
        action="user_locked",
        entity="user",
        entity_id=user.id,
        payload={"failures": user.failed_logins, "locked_until": user.locked_until},
    )
    user.failed_logins = 0  # after the lock runs out, the count starts again
    return DomainError(locked_message(user.locked_until, now))
