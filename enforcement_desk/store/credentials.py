"""The shared server's password in the operating system's keyring, never in a file or a log.

One entry per server account (host, port, database, user). Where the machine has no usable keyring
backend (a headless Linux box: keyring falls back to its `fail` backend, or a chainer with nothing
in it), `keyring_status()` says so in plain Chinese and callers ask for the password each time.
URLs that are shown or logged go through `masked_url` first.
"""

from __future__ import annotations

from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url

from enforcement_desk.core.errors import DomainError

KEYRING_SERVICE = "enforcement-desk"
DEFAULT_PORT = 5432
PASSWORD_MASK = "***"


@dataclass(frozen=True)
class ServerAccount:
    """Who connects to which database; the password is deliberately not part of it."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT

    @property
    def keyring_username(self) -> str:
        """The name the password is kept under in the keyring: user@host:port/database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    @property
    def label(self) -> str:
        """The account as shown to the user: user@host:port/database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class KeyringStatus:
    """Whether the system keyring can keep the server password, which backend it is, and what to tell the
    user."""

    available: bool
    backend: str
    message: str


def account_from_url(url: str) -> ServerAccount:
    """The server account named by a PostgreSQL URL; refuses other URLs and incomplete ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise DomainError(f"“{masked_url(url)}”不是 PostgreSQL 服务器地址，不需要保存密码")
    if not parsed.host or not parsed.database or not parsed.username:
        raise DomainError(
            "服务器地址须包含主机、数据库名和用户名，如 postgresql+psycopg://用户@主机:5432/数据库"
        )
    return ServerAccount(parsed.host, parsed.database, parsed.username, parsed.port or DEFAULT_PORT)


def masked_url(url: str) -> str:
    """The URL as it may appear on screen or in a log: any password replaced by ***."""
    try:
        parsed = make_url(url)
    except Exception:  # an unparsable URL may still carry a password: show nothing of it
        return "（无法解析的数据库地址）"
    # SQLAlchemy renders a hidden password as "***", the same text PASSWORD_MASK shows elsewhere.
    return parsed.render_as_string(hide_password=True)


def _backend_is_usable(backend: KeyringBackend) -> bool:
    # Imported lazily: the chainer module probes every installed backend when first imported.
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(_backend_is_usable(inner) for inner in backend.backends)
    return True


def _backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def keyring_status() -> KeyringStatus:
    """Whether this machine's keyring can keep the server password."""
    backend = keyring.get_keyring()
    name = _backend_name(backend)
    if not _backend_is_usable(backend):
        return KeyringStatus(
            False,
            name,
            "本机没有可用的系统密钥环（keyring），无法记住服务器密码：每次连接时请输入密码",
        )
    return KeyringStatus(True, name, f"服务器密码将保存在系统密钥环中（{name}）")


def _require_keyring() -> None:
    status = keyring_status()
    if not status.available:
        raise DomainError(status.message)


def store_password(account: ServerAccount, password: str) -> None:
    """Keep the account's password in the system keyring; refuses an empty password or no usable keyring."""
    if not password:
        raise DomainError("密码为空，未保存")
    _require_keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, account.keyring_username, password)
    except keyring.errors.KeyringError as exc:
        # The backend's own text may name the account but never holds the password itself.
        raise DomainError(f"无法把 {account.label} 的密码保存到系统密钥环：{exc}") from None


def get_password(account: ServerAccount) -> str | None:
    """The remembered password, or None when nothing is stored or there is no keyring to ask."""
    if not keyring_status().available:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, account.keyring_username)
    except keyring.errors.KeyringError:
        return None


def delete_password(account: ServerAccount) -> bool:
    """Forget the remembered password; False when none was stored."""
    _require_keyring()
    try:
        keyring.delete_password(KEYRING_SERVICE, account.keyring_username)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise DomainError(f"无法从系统密钥环删除 {account.label} 的密码：{exc}") from None
    return True
