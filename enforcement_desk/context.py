"""What every service call receives: where the data lives, and who is acting."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.core.roles import Role
from enforcement_desk.paths import default_evidence_dir
from enforcement_desk.store.db import Database


@dataclass(frozen=True)
class Actor:
    """The logged-in user; obtained only from `auth.login` (or `auth.actor_for` in admin tools)."""

    user_id: int
    login: str
    name: str
    role: Role
    agency_id: int
    legal_qualified: bool = False

    def require(self, *roles: Role, action: str) -> None:
        """Refuse with PermissionDenied unless the actor has one of `roles`; `action` names the act in the
        message."""
        if self.role not in roles:
            who = "、".join(r.label for r in roles)
            raise PermissionDenied(f"“{action}”须由{who}办理，当前用户“{self.name}”为{self.role.label}")


ALL_ROLES: frozenset[Role] = frozenset(Role)


@dataclass(frozen=True)
class RoleRule:
    """Who may call a service at all (a service may refuse further, e.g. officers not handling the case)."""

    roles: tuple[Role, ...]  # in the order the refusal names them
    action: str


def allowed(*roles: Role, action: str) -> Callable:
    """Declare and enforce a service's role rule before it does anything.

    The rule is kept on the function as `role_rule`, so the command table (enforcement_desk.commands)
    and its test can check that what the desk and the CLI offer matches what the service permits.
    """

    def decorate(service: Callable) -> Callable:
        @functools.wraps(service)
        def checked(ctx, actor: Actor, *args, **kwargs):
            actor.require(*roles, action=action)
            return service(ctx, actor, *args, **kwargs)

        checked.role_rule = RoleRule(tuple(roles), action)  # type: ignore[attr-defined]
        return checked

    return decorate


def role_rule_of(service: Callable) -> RoleRule | None:
    """The rule a service declared with @allowed; None for services open to every signed-in user."""
    return getattr(service, "role_rule", None)


@dataclass
class AppContext:
    """Where the data lives: the database, the evidence store, and an optional pinned business date (set
    by the demo, the tests, and ENFORCEMENT_DESK_TODAY through `admin.training.pin_business_date`)."""

    db: Database
    evidence_dir: Path
    today_override: date | None = field(default=None)

    @classmethod
    def open(cls, url: str | None = None, evidence_dir: Path | None = None) -> AppContext:
        """Open the database at `url` (the default one if None) and its evidence store."""
        db = Database(url)
        if evidence_dir is None:
            evidence_dir = default_evidence_dir(db.sqlite_file)
        return cls(db=db, evidence_dir=Path(evidence_dir))

    def today(self) -> date:
        """The business date: today, or the date pinned to replay a timeline — on a training database only
        (the demo, `init --training`, the tests' databases); `admin.training.pin_business_date` refuses a
        real one, whose business date is always the real day."""
        return self.today_override or date.today()

    def now(self) -> datetime:
        """The business moment: today's date (pinned or real) at the current time of day."""
        current = datetime.now()
        if self.today_override is None or self.today_override == current.date():
            return current
        return datetime.combine(self.today_override, current.time())

    def close(self) -> None:
        """Release the database's connections."""
        self.db.dispose()


def require_text(value: str | None, label: str) -> str:
    """The stripped text; refuses an empty one, naming the field by `label`."""
    text = (value or "").strip()
    if not text:
        raise DomainError(f"请填写{label}")
    return text


_LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")


def split_list(text: str | None) -> list[str]:
    """A list typed in one box or one argument: items separated by commas (half or full width), 、, ;
    or new lines; blanks dropped. The CLI and the desk read lists the same way."""
    return [item.strip() for item in _LIST_SEPARATORS.split(text or "") if item.strip()]
