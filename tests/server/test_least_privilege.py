"""The shared server with least privilege: what the desks' login role may not do to the record, what even
the owner may not do, and how the schema is upgraded by the one role that owns it."""

from __future__ import annotations

import json
import uuid

import pytest
from conftest import PASSWORD, PG_URL, fresh_postgres_url
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from enforcement_desk.core.errors import DomainError
from enforcement_desk.store.server_roles import app_group, owner_role, provision, upgrade_server

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_office(tmp_path):
    from conftest import make_office

    for url in fresh_postgres_url():
        yield make_office(url, tmp_path / "evidence")


def _superuser_url(app_url: str) -> str:
    database = make_url(app_url).database
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def _refused(url: str, statement: str) -> str:
    engine = create_engine(url)
    try:
        with engine.begin() as connection, pytest.raises(DBAPIError) as refused:
            connection.exec_driver_sql(statement)
        return str(refused.value.orig)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("TRUNCATE audit_events", "permission denied"),
        ("TRUNCATE audit_events, audit_head CASCADE", "permission denied"),
        ("ALTER TABLE audit_events DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER audit_events_append_only ON audit_events", "must be owner"),
        ("UPDATE audit_events SET payload = '{}' WHERE seq = 1", "permission denied"),
        ("DELETE FROM audit_events WHERE seq > 1", "permission denied"),
        ("UPDATE evidence SET description = 'x'", "permission denied"),
        ("DELETE FROM audit_head", "permission denied"),
        ("CREATE TABLE shadow (id int)", "permission denied"),
        ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
    ],
)
def test_the_desks_login_cannot_cut_or_rewrite_the_record(app_office, statement, reason):
    url = app_office.ctx.db.url
    assert make_url(url).username.endswith("_desk")
    assert reason in _refused(url, statement)


def test_the_desks_login_does_its_daily_work(app_office):
    from enforcement_desk.admin.audit_check import verify_all

    report = verify_all(app_office.ctx, app_office.admin)
    assert report.ok and report.events_checked > 5


def test_even_the_owner_cannot_truncate_the_record(app_office):
    url = _superuser_url(app_office.ctx.db.url)
    database = make_url(url).database
    engine = create_engine(url)
    try:
        for table in ("audit_events", "evidence", "payment_plans"):
            with (
                engine.begin() as connection,
                pytest.raises(DBAPIError, match="append-only: TRUNCATE refused"),
            ):
                connection.exec_driver_sql(f"SET LOCAL ROLE {owner_role(database)}")
                connection.exec_driver_sql(f"TRUNCATE {table} CASCADE")
        with engine.connect() as connection:
            owners = {
                row[0]
                for row in connection.execute(
                    text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
                )
            }
        assert owners == {owner_role(database)}
    finally:
        engine.dispose()


def test_an_outdated_schema_is_upgraded_by_the_owner_not_by_a_desk(app_office):
    from enforcement_desk.admin.setup import ensure_schema
    from enforcement_desk.store.migrate import is_current

    super_url = _superuser_url(app_office.ctx.db.url)
    engine = create_engine(super_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE alembic_version SET version_num = '0016_sign_in_lockout' "
            "WHERE version_num = '0017_no_truncate_of_record'"
        )
        connection.exec_driver_sql("DROP TRIGGER audit_events_no_truncate ON audit_events")
    engine.dispose()
    with pytest.raises(DomainError, match="server upgrade"):
        ensure_schema(app_office.ctx)
    assert upgrade_server(super_url) == make_url(super_url).database
    assert is_current(app_office.ctx.db.engine)
    # the upgrade re-granted the application's rights: the desk still works, the record is still guarded
    test_the_desks_login_does_its_daily_work(app_office)
    assert "append-only: TRUNCATE refused" in _refused(super_url, "TRUNCATE audit_events CASCADE")


def test_setup_adopts_a_database_one_account_owned_whole(tmp_path):
    from conftest import make_office

    name = f"ed_test_{uuid.uuid4().hex[:12]}"
    legacy = f"{name}_legacy"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {legacy} LOGIN")
        connection.exec_driver_sql(f"CREATE DATABASE {name} OWNER {legacy}")
    legacy_url = make_url(PG_URL).set(username=legacy, database=name).render_as_string(hide_password=False)
    try:
        office = make_office(
            legacy_url, tmp_path / "evidence"
        )  # the old way: the desks' account made the tables
        office.ctx.close()
        report = provision(PG_URL, name, legacy, None)
        assert report.adopted_from == legacy
        assert "must be owner" in _refused(legacy_url, "ALTER TABLE audit_events DISABLE TRIGGER ALL")
        assert "permission denied" in _refused(legacy_url, "DELETE FROM audit_events")
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            for role in (legacy, app_group(name), owner_role(name)):
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


def test_server_setup_from_the_terminal_then_a_desk_initializes_as_the_app_account(
    tmp_path, monkeypatch, capsys
):
    from enforcement_desk.cli import main as cli

    name = f"ed_test_{uuid.uuid4().hex[:12]}"
    login = f"{name}_desk"
    monkeypatch.setenv("ENFORCEMENT_DESK_SERVER_PASSWORD", "trust-auth-ignores-it")
    monkeypatch.setenv("ENFORCEMENT_DESK_APP_PASSWORD", "app-secret-2026")
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    try:
        assert cli.main(["server", "setup", PG_URL, "--database", name, "--app-user", login]) == 0
        out = capsys.readouterr().out
        assert f"{name}_owner" in out and login in out and "app-secret-2026" not in out
        app_url = make_url(PG_URL).set(username=login, database=name).render_as_string(hide_password=False)
        code = cli.main(
            [
                "--db",
                app_url,
                "--evidence-dir",
                str(tmp_path / "ev"),
                "init",
                "--agency",
                "沂水县卫生健康综合监督执法局",
                "--short-name",
                "沂",
                "--admin-login",
                "admin",
                "--admin-name",
                "管理员",
            ]
        )
        assert code == 0, capsys.readouterr().err
        capsys.readouterr()
        assert cli.main(["--db", app_url, "--json", "server", "check", app_url]) == 0
        assert json.loads(capsys.readouterr().out)["schema"] == "current"
        # running setup again changes nothing and keeps the password
        assert cli.main(["--json", "server", "setup", PG_URL, "--database", name, "--app-user", login]) == 0
        assert json.loads(capsys.readouterr().out)["created"] == []
        with pytest.raises(DomainError, match="小写英文字母"):
            provision(PG_URL, "Bad-Name; DROP", login, None)
    finally:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            for role in (login, app_group(name), owner_role(name)):
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


def _pg_tool(name: str) -> str:
    import glob
    import shutil

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True) or [shutil.which(name)]
    if not found[0]:
        pytest.skip(f"{name} 不可用")
    return found[0]


def test_the_documented_dump_and_restore_gives_a_database_the_desks_can_use(app_office, tmp_path):
    """docs/server.md §四: pg_dump as the desks' account, setup of a new database, pg_restore as its owner,
    server upgrade — and the restored record verifies."""
    import subprocess

    from enforcement_desk.admin.audit_check import verify_all
    from enforcement_desk.context import AppContext

    app_url = make_url(app_office.ctx.db.url)
    dump = tmp_path / "enforcement.dump"
    connection = ["--host", app_url.host, "--port", str(app_url.port)]
    subprocess.run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--file",
            str(dump),
            *connection,
            "--username",
            app_url.username,
            app_url.database,
        ],
        check=True,
    )
    restored = f"{app_url.database}_r"
    try:
        provision(PG_URL, restored, app_url.username, None)
        subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--role",
                owner_role(restored),
                "--no-owner",
                "--dbname",
                restored,
                *connection,
                "--username",
                "postgres",
                str(dump),
            ],
            check=True,
        )
        upgrade_server(make_url(PG_URL).set(database=restored).render_as_string(hide_password=False))
        ctx = AppContext.open(
            app_url.set(database=restored).render_as_string(hide_password=False), tmp_path / "ev"
        )
        try:
            report = verify_all(ctx, app_office.admin)
            assert report.ok and report.events_checked > 5
        finally:
            ctx.close()
        assert "permission denied" in _refused(
            app_url.set(database=restored).render_as_string(hide_password=False), "TRUNCATE audit_events"
        )
    finally:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
            for role in (app_group(restored), owner_role(restored)):
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()
