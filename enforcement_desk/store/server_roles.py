"""Least privilege on the shared server: who owns the tables and what the desks may do with them.

Three roles per database, named after it:
- `<db>_owner` (no login) owns the database, its tables, sequences and trigger functions. Migrations run
  as this role (`SET ROLE`) from an administrator's connection; no desk ever holds its rights.
- `<db>_app` (no login) holds what the program needs: rows of ordinary tables, only SELECT and INSERT on
  the append-only record (audit trail, evidence, step records), nothing on the schema. Not being the
  owner, it can neither drop nor disable the append-only triggers; it has no TRUNCATE right, and a
  statement trigger refuses TRUNCATE of the record even to the owner (migration 0017).
- the desks' login role (default `enforcement`), a member of `<db>_app`; its password is the one every
  desk PC keeps.

The rights are re-applied after every upgrade, so a table a migration adds is never left to defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from enforcement_desk.core.errors import DomainError

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,47}$")
APPEND_ONLY_TRIGGER_SUFFIX = "_append_only"


def owner_role(database: str) -> str:
    """The role that owns the database's schema."""
    return f"{database}_owner"


def app_group(database: str) -> str:
    """The role whose rights the desks' login roles inherit."""
    return f"{database}_app"


def check_identifier(name: str, label: str) -> str:
    """A database or role name the program creates: lower-case letters, digits and underscores only, so it
    is never quoted differently by psql, pg_dump and the program."""
    if not _IDENTIFIER.match(name or ""):
        raise DomainError(
            f"{label}“{name}”不合规：只能用小写英文字母、数字和下划线，以字母或下划线开头，至多 48 个字符"
        )
    return name


def append_only_tables(connection: Connection) -> list[str]:
    """Tables guarded by an append-only trigger (found in the catalogue, so later migrations' tables count)."""
    rows = connection.execute(
        text(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgname = c.relname || :suffix "
            "ORDER BY c.relname"
        ),
        {"suffix": APPEND_ONLY_TRIGGER_SUFFIX},
    )
    return [row[0] for row in rows]


def apply_application_rights(connection: Connection, database: str) -> None:
    """Grant `<db>_app` exactly what the program needs, table by table; run as the owner."""
    group = app_group(database)
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {group}")
    connection.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {group}")
    connection.exec_driver_sql(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {group}"
    )
    for table in append_only_tables(connection):
        connection.exec_driver_sql(f'REVOKE UPDATE, DELETE ON "{table}" FROM {group}')
    # The chain's head moves forward, never away: no row of it is ever deleted.
    connection.exec_driver_sql(f"REVOKE DELETE ON audit_head FROM {group}")
    connection.exec_driver_sql(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {group}")
    # nextval for new rows; setval when an embedded database is copied in (admin.migration_to_server).
    connection.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {group}")
    connection.exec_driver_sql(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {group}")


def upgrade_as_owner(engine: Engine, database: str) -> None:
    """Migrate the schema as `<db>_owner` and re-apply the application's rights, in one transaction."""
    from alembic import command

    from enforcement_desk.store.db import allow_long_statements
    from enforcement_desk.store.migrate import alembic_config

    with engine.begin() as connection:
        connection.exec_driver_sql(f"SET LOCAL ROLE {owner_role(database)}")
        allow_long_statements(connection)
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
        apply_application_rights(connection, database)


@dataclass
class ProvisionReport:
    """What `server setup` found and did."""

    database: str
    owner: str
    group: str
    login: str
    created: list[str] = field(default_factory=list)
    adopted_from: str | None = None


def _role_exists(connection: Connection, role: str) -> bool:
    return bool(connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar())


def _scram_verifier(connection: Connection, login: str, password: str) -> str:
    """The password as a SCRAM verifier computed here, so the clear text never reaches the server's logs."""
    pgconn = connection.connection.driver_connection.pgconn
    verifier = pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256")
    return verifier.decode("ascii")


def _ensure_roles(connection: Connection, report: ProvisionReport, password: str | None) -> None:
    for role in (report.owner, report.group):
        if not _role_exists(connection, role):
            connection.exec_driver_sql(
                f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"
            )
            report.created.append(role)
    if not _role_exists(connection, report.login):
        if not password:
            raise DomainError(f"要新建程序账号 {report.login}，请提供它的密码")
        verifier = _scram_verifier(connection, report.login, password)
        connection.exec_driver_sql(
            f"CREATE ROLE {report.login} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT PASSWORD '{verifier}'"
        )
        report.created.append(report.login)
    elif password:
        connection.exec_driver_sql(
            f"ALTER ROLE {report.login} PASSWORD '{_scram_verifier(connection, report.login, password)}'"
        )
    superuser = connection.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": report.login}
    ).scalar()
    if superuser:
        raise DomainError(f"程序账号 {report.login} 是超级用户：请另建一个普通账号给各台电脑使用")
    connection.exec_driver_sql(f"GRANT {report.group} TO {report.login}")


def _schema_owner(connection: Connection) -> str | None:
    """Who owns our tables now (None on a database without them)."""
    return connection.execute(
        text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events'")
    ).scalar()


def provision(admin_url: str, database: str, login: str, password: str | None) -> ProvisionReport:
    """Create (or bring up to date) the database, its owner, the application's rights and the desks' login.

    `admin_url` is a connection of a superuser, or of a role with CREATEROLE and CREATEDB that is a member
    of the owner role. A database set up earlier with one account owning everything is adopted: its
    objects pass to `<db>_owner` and that account keeps only the application's rights.
    """
    check_identifier(database, "数据库名")
    check_identifier(login, "程序账号")
    report = ProvisionReport(database, owner_role(database), app_group(database), login)
    from enforcement_desk.store.db import make_engine

    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            _ensure_roles(connection, report, password)
            connection.exec_driver_sql(f"GRANT {report.owner} TO CURRENT_USER")
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
            ).scalar()
            if not exists:
                connection.exec_driver_sql(
                    f"CREATE DATABASE {database} OWNER {report.owner} ENCODING 'UTF8' TEMPLATE template0"
                )
                report.created.append(database)
            connection.exec_driver_sql(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC")
            connection.exec_driver_sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {report.group}")
    finally:
        admin.dispose()
    target_url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    target = make_engine(target_url)
    try:
        with target.begin() as connection:
            previous = _schema_owner(connection)
            if previous and previous != report.owner:
                if connection.execute(
                    text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": previous}
                ).scalar():
                    raise DomainError(
                        f"数据表属于超级用户 {previous}：请先由数据库管理员把它们转给普通账号再接管"
                    )
                connection.exec_driver_sql(f"REASSIGN OWNED BY {previous} TO {report.owner}")
                report.adopted_from = previous
            connection.exec_driver_sql(f"ALTER DATABASE {database} OWNER TO {report.owner}")
            connection.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {report.owner}")
            connection.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        upgrade_as_owner(target, database)
    finally:
        target.dispose()
    return report


def upgrade_server(admin_url: str) -> str:
    """Upgrade the schema of the database in `admin_url` as its owner role; returns the database name."""
    database = check_identifier(make_url(admin_url).database or "", "数据库名")
    from enforcement_desk.store.db import make_engine

    engine = make_engine(admin_url)
    try:
        upgrade_as_owner(engine, database)
    finally:
        engine.dispose()
    return database
