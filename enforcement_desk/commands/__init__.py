"""Every user action declared once (see table.py); importing this package loads the whole table."""

from __future__ import annotations

from enforcement_desk.commands import admin, procedure, records, supervision  # noqa: F401 - they declare
from enforcement_desk.commands.table import Command, registered
from enforcement_desk.core.roles import Role


def command_table() -> dict[str, Command]:
    """All commands by name."""
    return registered()


def get(name: str) -> Command:
    """The command called `name` (e.g. "case hearing")."""
    return registered()[name]


def permits(role: Role, name: str) -> bool:
    """Whether a user with `role` may run the command `name` at all."""
    return get(name).permits(role)
