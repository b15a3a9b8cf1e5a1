"""Connecting to the office's shared PostgreSQL server: the URL, the remembered password, a test.

The password comes from the caller (typed in) or from the keyring; it lives only in the URL handed
to the engine. Everything shown to the user or written to a log uses `masked_url`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import URL, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from enforcement_desk.core.errors import DomainError
from enforcement_desk.store import migrate
from enforcement_desk.store.credentials import (  # noqa: F401 - keyring_status, store_password: for the GUI
    DEFAULT_PORT,
    ServerAccount,
    account_from_url,
    get_password,
    keyring_status,
    masked_url,
    store_password,
)
from enforcement_desk.store.db import make_engine

DRIVER = "postgresql+psycopg"
CONNECT_TIMEOUT_SECONDS = 8


def server_url(account: ServerAccount, password: str | None) -> str:
    """The full connection URL (password included): hand it to the engine, never to a log."""
    if not account.host.strip() or not account.database.strip() or not account.user.strip():
        raise DomainError("请填写服务器主机、数据库名和用户名")
    if not 0 < account.port < 65536:
        raise DomainError(f"端口号应在 1–65535 之间：{account.port}")
    url = URL.create(
        DRIVER,
        username=account.user.strip(),
        password=password or None,
        host=account.host.strip(),
        port=account.port,
        database=account.database.strip(),
    )
    return url.render_as_string(hide_password=False)


def is_server_url(url: str | None) -> bool:
    """True when the URL names a PostgreSQL server (not the embedded SQLite file)."""
    if not url:
        return False
    try:
        return make_url(url).get_backend_name() == "postgresql"
    except Exception:
        return False


def url_with_stored_password(url: str) -> str:
    """A server URL typed without a password gets the one remembered in the keyring, if any."""
    if not is_server_url(url) or make_url(url).password is not None:
        return url
    password = get_password(account_from_url(url))
    if password is None:
        return url
    return make_url(url).set(password=password).render_as_string(hide_password=False)


@dataclass(frozen=True)
class ConnectionCheck:
    """What a connection test found: the server's version and whether its schema is empty, current or
    outdated."""

    server_version: str
    schema: str  # "empty" (no tables yet), "current", or "outdated"
    message: str


def explain_connection_error(exc: DBAPIError, url: str) -> DomainError:
    """A connection failure in plain Chinese, with the password masked out of the address."""
    # psycopg's own text is English and may quote the connection string; keep only the reason.
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)) else ""
    lowered = reason.lower()
    where = masked_url(url)
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return DomainError(f"连接 {where} 失败：用户名或密码不正确")
    if "does not exist" in lowered and "database" in lowered:
        return DomainError(f"连接 {where} 失败：服务器上没有这个数据库，请先由数据库管理员创建")
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return DomainError(f"连接 {where} 失败：服务器无法访问（请检查主机、端口、网络和防火墙）")
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return DomainError(f"连接 {where} 失败：找不到主机名")
    return DomainError(f"连接 {where} 失败：{reason.replace(url, where)}")


def check_connection(url: str) -> ConnectionCheck:
    """Connect once and report the server version and whether our schema is there and current."""
    if not is_server_url(url):
        raise DomainError(f"“{masked_url(url)}”不是 PostgreSQL 服务器地址")
    engine = make_engine(_with_timeout(url))
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
            tables = set(inspect(connection).get_table_names())
            may_migrate = migrate.may_change_schema(connection)
        if "alembic_version" not in tables:
            schema = "empty"
            message = (
                f"已连接 PostgreSQL {version}：数据库为空，首次使用时将建立数据表"
                if may_migrate
                else f"已连接 PostgreSQL {version}：数据库为空，且本账号无权建表：请数据库管理员先运行 server setup"
            )
        elif migrate.is_current(engine):
            schema = "current"
            message = f"已连接 PostgreSQL {version}：数据表为最新版本"
        else:
            schema = "outdated"
            message = (
                f"已连接 PostgreSQL {version}：数据表版本较旧，连接后将自动升级"
                if may_migrate
                else f"已连接 PostgreSQL {version}：数据表版本较旧：请数据库管理员运行 server upgrade"
            )
        return ConnectionCheck(str(version), schema, message)
    except DBAPIError as exc:
        raise explain_connection_error(exc, url) from None
    finally:
        engine.dispose()


def ensure_server_schema(url: str) -> None:
    """Create or upgrade the tables on the server (alembic takes its own lock on the version table)."""
    engine = make_engine(_with_timeout(url))
    try:
        migrate.upgrade(engine)
    except DBAPIError as exc:
        raise explain_connection_error(exc, url) from None
    finally:
        engine.dispose()


def _with_timeout(url: str) -> str:
    parsed = make_url(url)
    if "connect_timeout" in parsed.query:
        return url
    return parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)}).render_as_string(
        hide_password=False
    )


@dataclass(frozen=True)
class UrlParts:
    """A server URL taken apart into the fields the connection dialog shows."""

    host: str
    port: int
    database: str
    user: str
    password: str | None


def url_parts(url: str) -> UrlParts:
    """The pieces of a server URL, for filling a connection form."""
    parsed = make_url(url)
    return UrlParts(parsed.host or "", parsed.port or DEFAULT_PORT, parsed.database or "", parsed.username or "",
                    parsed.password)  # fmt: skip


def parse_account(host: str, port: int | str, database: str, user: str) -> ServerAccount:
    """The server account from the dialog's fields; refuses a port that is not a number."""
    try:
        number = int(str(port).strip() or DEFAULT_PORT)
    except ValueError:
        raise DomainError(f"端口号应为数字：“{port}”") from None
    return ServerAccount(host.strip(), database.strip(), user.strip(), number)
