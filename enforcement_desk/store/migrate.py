"""Create or upgrade a database to the current schema (alembic, run from code)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from enforcement_desk.core.errors import DomainError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None):  # alembic.config.Config, imported lazily
    """The alembic configuration of the program's migrations, optionally for a given URL."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database's schema to the newest revision (nothing to do when it is current)."""
    if is_current(engine):
        return  # alembic costs a noticeable part of start-up; most starts find nothing to do
    from alembic import command

    from enforcement_desk.store.db import allow_long_statements

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            _require_schema_rights(connection)
        allow_long_statements(connection)  # rewriting a large table may take longer than any user's query
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


def may_change_schema(connection) -> bool:
    """Whether the connected role may create or alter tables here (a desks' login set up by `server setup`
    may not: store/server_roles.py)."""
    return bool(connection.execute(text("SELECT has_schema_privilege('public', 'CREATE')")).scalar())


def _require_schema_rights(connection) -> None:
    """On a server set up with least privilege the desks' account cannot migrate: say who can."""
    if not may_change_schema(connection):
        database = connection.exec_driver_sql("SELECT current_database()").scalar()
        raise DomainError(
            f"服务器数据库 {database} 的数据表需要建立或升级，程序账号无权修改表结构："
            f"请数据库管理员运行 enforcement-desk server upgrade（或首次使用时 server setup）"
        )


_REVISION = re.compile(r'^revision = "([^"]+)"', re.MULTILINE)
# down_revision is None, "id", or ("id", "id") where a revision joins two branches
_DOWN = re.compile(r"^down_revision = (.*)$", re.MULTILINE)
_QUOTED = re.compile(r'"([^"]+)"')


def script_heads() -> set[str]:
    """The newest revision of each branch, read from the migration files themselves."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found:
            revisions.add(found.group(1))
            down = _DOWN.search(source)
            if down:
                parents.update(_QUOTED.findall(down.group(1)))
    return revisions - parents


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision of the migrations."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        current = {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    return current == script_heads()
