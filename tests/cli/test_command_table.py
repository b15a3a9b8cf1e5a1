"""The command table: every command has its presenter, names real services, and offers each role
exactly what the services permit: the CLI refuses the other roles before anything is written."""

from __future__ import annotations

import inspect

import pytest
from conftest import PASSWORD
from sqlalchemy import func, select

from enforcement_desk.cli.main import build_parser, main, presenters
from enforcement_desk.commands import command_table
from enforcement_desk.commands.table import Access, Arg, Command, OneOf
from enforcement_desk.context import ALL_ROLES, role_rule_of
from enforcement_desk.core.errors import PermissionDenied
from enforcement_desk.core.roles import Role
from enforcement_desk.store.models import AuditEvent

TABLE = command_table()
LOGIN_OF_ROLE = {Role.OFFICER: "wang", Role.REVIEWER: "zhou", Role.HEAD: "chen", Role.ADMIN: "admin"}


def test_every_command_has_a_presenter_and_every_presenter_a_command():
    assert set(presenters()) == set(TABLE)


def test_the_generated_parser_knows_every_command():
    parser = build_parser()
    for command in TABLE.values():
        with pytest.raises(SystemExit) as shown:
            parser.parse_args([*command.words, "--help"])
        assert shown.value.code == 0


@pytest.mark.parametrize("name", sorted(TABLE))
def test_a_commands_roles_are_exactly_what_its_services_permit(name: str):
    command = TABLE[name]
    assert command.services, f"{name} names no service"
    permitted: set[Role] = set()
    for service in command.service_functions():
        rule = role_rule_of(service)
        permitted |= ALL_ROLES if rule is None else set(rule.roles)
    if command.access is Access.USER:
        assert set(command.roles) == permitted, f"{name}: table {command.roles}, services {permitted}"
    else:
        assert set(command.roles) == ALL_ROLES


RESTRICTED = sorted(
    (name, role)
    for name, command in TABLE.items()
    if command.access is Access.USER
    for role in Role
    if role not in command.roles
)


def _service_refuses(service, ctx, actor) -> None:
    """Call with placeholders for every other argument: the role rule must refuse before they matter."""
    parameters = list(inspect.signature(service).parameters.values())[2:]
    args = [None for p in parameters if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    kwargs = {p.name: None for p in parameters if p.default is p.empty and p.kind is p.KEYWORD_ONLY}
    with pytest.raises(PermissionDenied):
        service(ctx, actor, *args, **kwargs)


def _placeholder(arg: Arg) -> str:
    options = arg.options
    if options.get("choices"):
        return str(next(iter(options["choices"])))
    kind = getattr(options.get("type"), "__name__", "")
    return {
        "parse_date": "2026-11-02",
        "parse_datetime": "2026-11-20 09:30",
        "parse_moment": "2026-11-20 09:30",
        "parse_money": "100",
        "parse_count": "5",
        "parse_whole_number": "5",
        "int": "1",
        "parse_quota": "医=1",
        "parse_role": "officer",
    }.get(kind, "#1" if arg.flags == ("case",) else "x")


def _argv(command: Command) -> list[str]:
    argv = list(command.words)
    for item in command.args:
        if isinstance(item, OneOf):
            if item.required:
                first = item.args[0]
                argv += [first.flags[0]] if first.options.get("action") else [first.flags[0], _placeholder(first)]
            continue
        if not item.flags[0].startswith("-"):
            argv.append(_placeholder(item))
        elif item.options.get("required"):
            argv += [item.flags[0], _placeholder(item)]
    return argv


def test_every_restricted_command_is_refused_to_the_other_roles_by_cli_and_service(
    sqlite_office, monkeypatch, capsys
):
    assert RESTRICTED, "the table restricts nothing?"
    office = sqlite_office
    actors = {Role.OFFICER: office.officer, Role.REVIEWER: office.reviewer, Role.HEAD: office.head,
              Role.ADMIN: office.admin}  # fmt: skip
    url = str(office.ctx.db.engine.url)
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("ENFORCEMENT_DESK_HOME", str(office.ctx.evidence_dir.parent))

    def audit_events() -> int:
        with office.ctx.db.read() as session:
            return session.scalar(select(func.count()).select_from(AuditEvent))

    for name, role in RESTRICTED:
        command = TABLE[name]
        for service in command.service_functions():
            _service_refuses(service, office.ctx, actors[role])
        before = audit_events()
        code = main(["--db", url, "--user", LOGIN_OF_ROLE[role], *_argv(command)])
        err = capsys.readouterr().err
        assert code == 1, f"{name} as {role}: exit {code}, {err}"
        assert "须由" in err and role.label in err, f"{name} as {role}: {err}"
        # signing in writes its own event; the refused command writes nothing more
        assert audit_events() <= before + 1, name


def test_the_desk_offers_what_the_table_permits_and_shows_the_services_refusal(sqlite_office):
    from enforcement_desk.core.stages import Stage
    from enforcement_desk.desk.permissions import command_refusal, may_run, service_refusal
    from enforcement_desk.procedure.steps import record_discussion, record_hearing

    office = sqlite_office
    assert may_run(office.officer, "case hearing", Stage.HEARING)
    assert not may_run(office.officer, "case hearing", Stage.PRIOR_NOTICE)
    assert not may_run(office.reviewer, "case hearing", Stage.HEARING)
    assert service_refusal(office.officer, record_hearing) == ""
    assert "须由负责人办理" in service_refusal(office.officer, record_discussion)
    assert command_refusal(office.head, "case discussion") == ""
    assert "须由负责人办理" in command_refusal(office.officer, "case discussion")
