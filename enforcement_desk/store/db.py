"""Engine and session setup for the embedded SQLite file and the shared PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from enforcement_desk.core.errors import DomainError
from enforcement_desk.paths import default_database_path

DB_ENV = "ENFORCEMENT_DESK_DB"


def default_url() -> str:
    """The database URL from ENFORCEMENT_DESK_DB, else the embedded SQLite file in the user's data folder."""
    return os.environ.get(DB_ENV) or f"sqlite:///{default_database_path()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy issue BEGIN itself so a write transaction can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writers start with BEGIN IMMEDIATE: the write lock is taken before anything is read, so
        # two writers serialize instead of one failing half-way with "database is locked".
        if connection.get_execution_options().get("ed_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL: SQLite with the program's pragmas, or PostgreSQL through psycopg."""
    url = url or default_url()
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with English text
        raise DomainError(f"数据库地址格式不正确：{url}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})
        _install_sqlite_pragmas(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise DomainError(f"不支持的数据库类型“{backend}”：请使用 sqlite 或 postgresql")


class Database:
    """One engine and a session factory; `write()` and `read()` are the units of work services use."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Write transactions committed through this object: a command that wrote refreshes this PC's
        # signed checkpoint of the audit chain once at its end (admin.audit_anchor), not per event.
        self.commits = 0

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite database."""
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite file, or None on a server."""
        return sqlite_path(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write transaction: committed when the block ends, rolled back on any error."""
        session = self._sessions()
        session.connection(execution_options={"ed_write": True})
        try:
            yield session
            session.commit()
            self.commits += 1
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; whatever it did is rolled back when the block ends."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()
