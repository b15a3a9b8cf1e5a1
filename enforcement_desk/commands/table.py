"""The command table: every user action declared once.

A `Command` names the action, its arguments, who may run it, the stages it needs and the services it
calls. The CLI's parser is generated from the table (enforcement_desk.cli.main), the desk reads labels,
roles and stages from it to offer only what the user may do, and tests check each command's roles
against the role rule its services declare with `@allowed` (enforcement_desk.context).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from enforcement_desk.core.errors import PermissionDenied
from enforcement_desk.core.roles import Role
from enforcement_desk.core.stages import Stage


class Access(Enum):
    """What a command needs before it runs."""

    USER = "user"  # a signed-in user of the database (the default)
    DATABASE = "database"  # the database, but nobody signed in (setting up, demo data, calculators)
    NONE = "none"  # neither (backups on disk, the keyring, the desk itself)


@dataclass(frozen=True, init=False)
class Arg:
    """One argument as argparse takes it: the flags, then add_argument's keywords."""

    flags: tuple[str, ...]
    options: Mapping[str, Any]

    def __init__(self, *flags: str, **options: Any):
        object.__setattr__(self, "flags", flags)
        object.__setattr__(self, "options", dict(options))

    @property
    def dest(self) -> str:
        """The attribute the value lands on, as argparse names it."""
        if "dest" in self.options:
            return self.options["dest"]
        return self.flags[-1].lstrip("-").replace("-", "_")


@dataclass(frozen=True, init=False)
class OneOf:
    """Arguments of which at most one (exactly one when required) may be given."""

    args: tuple[Arg, ...]
    required: bool

    def __init__(self, *args: Arg, required: bool = False):
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "required", required)


@dataclass(frozen=True)
class Command:
    """One user action. `roles` is who may run it at all; the services may refuse further (an
    officer who is not a handler of the case, a step that is not yet due)."""

    name: str
    label: str
    services: tuple[str, ...] = ()
    access: Access = Access.USER
    roles: tuple[Role, ...] = tuple(Role)
    stages: tuple[Stage, ...] = ()
    args: tuple[Arg | OneOf, ...] = ()
    shortcut: str = ""
    words: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.name.split()))

    def permits(self, role: Role) -> bool:
        """Whether a user with `role` may run the command at all."""
        return role in self.roles

    def refusal(self, actor: Any) -> str:
        """Why `actor` (a signed-in Actor) may not run the command: the first refusing service's own
        words; empty when the role may."""
        if self.permits(actor.role):
            return ""
        from enforcement_desk.context import role_rule_of  # the database layer loads once a command runs

        for service in self.service_functions():
            rule = role_rule_of(service)
            if rule is not None:
                try:
                    actor.require(*rule.roles, action=rule.action)
                except PermissionDenied as exc:
                    return str(exc)
        return f"“{self.label}”不对{actor.role.label}开放"

    def open_in(self, stage: Stage) -> bool:
        """Whether the command applies to a case in `stage` (commands without stages apply always)."""
        return not self.stages or stage in self.stages

    def service_functions(self) -> list[Callable]:
        """The service functions named in `services`, imported on demand."""
        return [resolve(path) for path in self.services]

    def flat_args(self) -> Iterator[Arg]:
        """Every argument, groups opened up."""
        for item in self.args:
            yield from item.args if isinstance(item, OneOf) else (item,)


# Top-level words in the order `enforcement-desk --help` lists them, with the help of word groups.
GROUPS: dict[str, str] = {
    "gui": "",
    "init": "",
    "user": "用户管理",
    "party": "当事人",
    "case": "案件",
    "deadlines": "到期和逾期的法定期限",
    "demo": "",
    "audit": "审计",
    "review": "法制审核",
    "settings": "本机关设置",
    "document": "文书",
    "evidence": "证据",
    "discretion": "行政处罚裁量基准",
    "migrate-to": "",
    "backup": "",
    "restore": "",
    "backup-verify": "",
    "server": "共享服务器的连接与密码",
    "transfer": "涉嫌犯罪案件移送公安机关",
    "publicity": "行政处罚信息公示",
    "inspection": "双随机抽查",
    "credit": "信用记录",
    "complaint": "投诉举报",
    "stats": "",
}

_REGISTRY: dict[str, Command] = {}


def declare(*commands: Command) -> None:
    """Add commands to the table; a name may be declared only once."""
    for command in commands:
        if command.name in _REGISTRY:
            raise ValueError(f"command declared twice: {command.name}")
        if command.words[0] not in GROUPS:
            raise ValueError(f"command {command.name!r} has no place in GROUPS")
        _REGISTRY[command.name] = command


def registered() -> dict[str, Command]:
    """The declared commands by name (load them with enforcement_desk.commands.command_table)."""
    return dict(_REGISTRY)


def resolve(path: str) -> Callable:
    """`package.module:function` → the function."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
