"""What the signed-in user may do, as the command table and the services' role rules say.

The desk never writes a role rule of its own: a button is offered when the command table permits the
user's role (and the case's stage), and a disabled button's tooltip carries the service's own refusal.
"""

from __future__ import annotations

from collections.abc import Callable

from enforcement_desk.commands import get
from enforcement_desk.context import Actor, role_rule_of
from enforcement_desk.core.errors import PermissionDenied
from enforcement_desk.core.stages import Stage


def may_run(actor: Actor, command: str, stage: Stage | None = None) -> bool:
    """Whether the command table offers `command` (e.g. "case hearing") to this user, in this stage."""
    entry = get(command)
    return entry.permits(actor.role) and (stage is None or entry.open_in(stage))


def service_refusal(actor: Actor, service: Callable) -> str:
    """The service's own words when this user's role may not call it; empty when it may."""
    rule = role_rule_of(service)
    if rule is None:
        return ""
    try:
        actor.require(*rule.roles, action=rule.action)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def command_refusal(actor: Actor, command: str) -> str:
    """Why the user's role may not run `command` (its first refusing service's words); empty when it may."""
    return get(command).refusal(actor)
