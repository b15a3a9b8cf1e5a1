"""The server password in the keyring: remembered per account, forgotten on request, never in a
file of ours or a log line; a machine without a keyring is told so plainly."""

from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backends import chainer, fail

from enforcement_desk.admin.server_connection import (
    check_connection,
    parse_account,
    server_url,
    url_with_stored_password,
)
from enforcement_desk.core.errors import DomainError
from enforcement_desk.store.credentials import (
    ServerAccount,
    account_from_url,
    delete_password,
    get_password,
    keyring_status,
    masked_url,
    store_password,
)

ACCOUNT = ServerAccount("db.office.local", "enforcement", "wangqiang", 5433)
SECRET = "Zf9#server-pass"


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_a_remembered_password_is_found_again_for_the_same_account_only(file_keyring):
    assert keyring_status().available
    store_password(ACCOUNT, SECRET)
    assert get_password(ACCOUNT) == SECRET
    assert get_password(ServerAccount("db.office.local", "enforcement", "lina", 5433)) is None
    assert get_password(ServerAccount("db.office.local", "enforcement", "wangqiang", 5432)) is None


def test_forgetting_removes_the_password_and_says_when_there_was_none(file_keyring):
    store_password(ACCOUNT, SECRET)
    assert delete_password(ACCOUNT) is True
    assert get_password(ACCOUNT) is None
    assert delete_password(ACCOUNT) is False


def test_a_url_typed_without_password_gets_the_remembered_one(file_keyring):
    store_password(ACCOUNT, SECRET)
    typed = "postgresql+psycopg://wangqiang@db.office.local:5433/enforcement"
    resolved = url_with_stored_password(typed)
    assert account_from_url(resolved) == ACCOUNT
    assert SECRET in resolved or "%23" in resolved  # '#' is escaped inside a URL
    from sqlalchemy.engine import make_url

    assert make_url(resolved).password == SECRET
    # a password given explicitly wins, and SQLite URLs are left alone
    explicit = "postgresql+psycopg://wangqiang:typed@db.office.local:5433/enforcement"
    assert url_with_stored_password(explicit) == explicit
    assert url_with_stored_password("sqlite:///desk.sqlite3") == "sqlite:///desk.sqlite3"


def test_without_a_keyring_backend_the_user_is_told_and_asked_each_time(no_keyring):
    status = keyring_status()
    assert not status.available
    assert "没有可用的系统密钥环" in status.message and "每次连接时请输入密码" in status.message
    with pytest.raises(DomainError, match="没有可用的系统密钥环"):
        store_password(ACCOUNT, SECRET)
    assert get_password(ACCOUNT) is None
    typed = "postgresql+psycopg://wangqiang@db.office.local:5433/enforcement"
    assert url_with_stored_password(typed) == typed


def test_an_empty_keyring_chain_counts_as_no_keyring():
    previous = keyring.get_keyring()

    class NothingToChain(chainer.ChainerBackend):
        backends = ()  # what keyring ends up with when no backend on the machine is viable

    keyring.set_keyring(NothingToChain())
    try:
        assert not keyring_status().available
    finally:
        keyring.set_keyring(previous)


def test_urls_shown_or_logged_carry_no_password(caplog):
    url = server_url(parse_account("db.office.local", "5433", "enforcement", "wangqiang"), SECRET)
    assert SECRET not in masked_url(url)
    assert masked_url(url) == "postgresql+psycopg://wangqiang:***@db.office.local:5433/enforcement"
    with caplog.at_level(logging.DEBUG), pytest.raises(DomainError) as refused:
        check_connection(url.replace("db.office.local", "127.0.0.1").replace("5433", "1"))
    assert "服务器无法访问" in refused.value.message
    assert SECRET not in str(refused.value)
    assert SECRET not in caplog.text


def test_the_account_form_is_checked_before_anything_is_stored():
    with pytest.raises(DomainError, match="端口号应为数字"):
        parse_account("db", "五四三二", "enforcement", "wang")
    with pytest.raises(DomainError, match="主机、数据库名和用户名"):
        server_url(ServerAccount("", "enforcement", "wang"), None)
    with pytest.raises(DomainError, match="不是 PostgreSQL"):
        account_from_url("sqlite:///desk.sqlite3")


@pytest.mark.postgres
def test_the_connection_test_reports_an_empty_server_and_then_a_current_schema(tmp_path):
    from conftest import fresh_empty_postgres_url

    from enforcement_desk.admin.server_connection import ensure_server_schema

    for url in fresh_empty_postgres_url():
        first = check_connection(url)
        assert first.schema == "empty" and "首次使用" in first.message
        ensure_server_schema(url)
        assert check_connection(url).schema == "current"
