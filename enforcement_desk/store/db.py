"""Engine and session setup for the embedded SQLite file and the shared PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from enforcement_desk.core.errors import DatabaseBusy, DomainError
from enforcement_desk.paths import default_database_path

DB_ENV = "ENFORCEMENT_DESK_DB"
# How long a transaction waits for another user's lock before the user is told the database is busy:
# SQLite's busy timeout and PostgreSQL's lock_timeout. Overridable so tests need not wait 15 s.
BUSY_TIMEOUT_ENV = "ENFORCEMENT_DESK_BUSY_TIMEOUT_MS"
DEFAULT_BUSY_TIMEOUT_MS = 15_000
# PostgreSQL only. A statement running longer than this is cancelled, so that a runaway query cannot
# hold locks for good; schema upgrades and the migration copy lift it for their own transaction
# (`allow_long_statements`).
STATEMENT_TIMEOUT_ENV = "ENFORCEMENT_DESK_STATEMENT_TIMEOUT_MS"
DEFAULT_STATEMENT_TIMEOUT_MS = 120_000
# PostgreSQL only. A session left inside a transaction doing nothing (a crashed desk, a hung network,
# a stuck script) is ended by the server, which releases the rows it locked (the audit chain's head).
IDLE_IN_TRANSACTION_TIMEOUT_ENV = "ENFORCEMENT_DESK_IDLE_IN_TRANSACTION_TIMEOUT_MS"
DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000


def _milliseconds(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise DomainError(f"环境变量 {variable} 应为毫秒数（正整数），现为“{value}”") from None
    if number <= 0:
        raise DomainError(f"环境变量 {variable} 应为毫秒数（正整数），现为“{value}”")
    return number


def busy_timeout_ms() -> int:
    """How long a transaction waits for another's lock (ENFORCEMENT_DESK_BUSY_TIMEOUT_MS, else 15 s)."""
    return _milliseconds(BUSY_TIMEOUT_ENV, DEFAULT_BUSY_TIMEOUT_MS)


def busy_message() -> str:
    """What a user reads when another user's save held the database past the wait."""
    seconds = busy_timeout_ms() / 1000
    return f"数据库正忙：其他用户正在保存，请稍后重试（已等待 {seconds:g} 秒）"


# SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), primary codes (the low byte of an extended code).
_SQLITE_BUSY_CODES = {5, 6}
# PostgreSQL SQLSTATEs: lock_timeout (55P03), statement_timeout or a cancel (57014), deadlock (40P01).
_PG_LOCK_STATES = {"55P03", "40P01"}
_PG_CANCELLED = "57014"
_PG_IDLE_ENDED = "25P03"  # this session sat idle inside a transaction and the server ended it


def busy_error(exc: BaseException) -> DatabaseBusy | None:
    """The Chinese busy refusal for a driver error that means "someone else holds the database", else
    None (any other database error stays what it is)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return DatabaseBusy(busy_message()) if code & 0xFF in _SQLITE_BUSY_CODES else None
    state = getattr(orig, "sqlstate", None)
    if state in _PG_LOCK_STATES:
        return DatabaseBusy(busy_message())
    if state == _PG_CANCELLED:
        seconds = _milliseconds(STATEMENT_TIMEOUT_ENV, DEFAULT_STATEMENT_TIMEOUT_MS) / 1000
        return DatabaseBusy(
            f"数据库正忙：操作超过 {seconds:g} 秒仍未完成，已取消，未保存任何改动；请稍后重试"
        )
    if state == _PG_IDLE_ENDED:
        return DatabaseBusy("与数据库的连接因事务长时间无操作已被服务器结束，未保存任何改动；请重试")
    text = str(orig).lower()
    if "database is locked" in text or "database table is locked" in text:
        return DatabaseBusy(busy_message())
    return None


def allow_long_statements(connection: Connection) -> None:
    """Lift the statement timeout for the rest of this transaction only (PostgreSQL): for work that is
    long by nature, such as a schema upgrade or the migration copy. Does nothing on SQLite."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")


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
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
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


def _pg_options() -> dict[str, str]:
    """Every server session's timeouts, so that one stuck session cannot freeze everyone else's work."""
    timeouts = {
        "lock_timeout": busy_timeout_ms(),
        "statement_timeout": _milliseconds(STATEMENT_TIMEOUT_ENV, DEFAULT_STATEMENT_TIMEOUT_MS),
        "idle_in_transaction_session_timeout": _milliseconds(
            IDLE_IN_TRANSACTION_TIMEOUT_ENV, DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS
        ),
    }
    return {"options": " ".join(f"-c {name}={ms}" for name, ms in timeouts.items())}


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
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms() / 1000})
        _install_sqlite_pragmas(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=_pg_options())
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
        try:
            session.connection(execution_options={"ed_write": True})
            yield session
            session.commit()
            self.commits += 1
        except DBAPIError as exc:
            session.rollback()
            busy = busy_error(exc)
            if busy is None:
                raise
            raise busy from exc
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
        except DBAPIError as exc:
            busy = busy_error(exc)
            if busy is None:
                raise
            raise busy from exc
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()
