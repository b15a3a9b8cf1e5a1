"""The server commands from a terminal: backup, verify, restore, remember a password, migrate-to."""

from __future__ import annotations

import json

import keyring
import pytest
from conftest import fresh_postgres_url
from keyrings.alt.file import PlaintextKeyring

from enforcement_desk.cli import main as cli

PASSWORD = "test-pass-123"


@pytest.fixture
def terminal(sqlite_office, monkeypatch, capsys):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    db = sqlite_office.ctx.db.url

    def run(*args: str, user: str | None = "admin", database: str | None = db) -> tuple[int, str, str]:
        argv = (["--db", database] if database else []) + ["--json"] + (["--user", user] if user else [])
        code = cli.main(argv + list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_backup_then_restore_from_the_terminal_gives_a_verified_copy(terminal, tmp_path):
    code, out, err = terminal("backup", str(tmp_path / "nightly.zip"))
    assert code == 0, err
    assert json.loads(out)["manifest"]["tables"]["parties"] == 2
    code, out, err = terminal("backup-verify", str(tmp_path / "nightly.zip"), user=None)
    assert code == 0 and json.loads(out)["problems"] == [], err
    target = tmp_path / "restored" / "desk.sqlite3"
    code, out, err = terminal("restore", str(tmp_path / "nightly.zip"), "--to", str(target), user=None)
    assert code == 0, err
    assert target.is_file()
    code, out, err = terminal("restore", str(tmp_path / "nightly.zip"), "--to", str(target), user=None)
    assert code == 1 and "已有数据库" in err


def test_an_officer_cannot_take_a_backup_from_the_terminal(terminal, tmp_path):
    code, _, err = terminal("backup", str(tmp_path / "b"), user="wang")
    assert code == 1 and "管理员" in err


def test_server_login_remembers_the_password_and_forget_removes_it(terminal, tmp_path, monkeypatch):
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "kr" / "keyring_pass.cfg")
    keyring.set_keyring(backend)
    try:
        url = "postgresql+psycopg://wang@127.0.0.1:1/enforcement"
        monkeypatch.setenv("ENFORCEMENT_DESK_SERVER_PASSWORD", "pw-from-env")
        code, _, err = terminal("server", "login", url, user=None, database=None)
        assert code == 1 and "服务器无法访问" in err and "pw-from-env" not in err
        code, out, _ = terminal("server", "forget", url, user=None, database=None)
        assert json.loads(out)["removed"] is False
        backend.set_password("enforcement-desk", "wang@127.0.0.1:1/enforcement", "stored")
        code, out, _ = terminal("server", "forget", url, user=None, database=None)
        assert json.loads(out)["removed"] is True
    finally:
        keyring.set_keyring(previous)


@pytest.mark.postgres
def test_migrate_to_from_the_terminal_copies_the_office_to_the_server(terminal, tmp_path, monkeypatch):
    monkeypatch.setenv("ENFORCEMENT_DESK_SERVER_PASSWORD", "ignored-by-trust-auth")
    for url in fresh_postgres_url():
        code, out, err = terminal("migrate-to", url, "--to-evidence-dir", str(tmp_path / "server-ev"))
        assert code == 0, err
        report = json.loads(out)
        assert report["problems"] == []
        assert {t["table"]: t["target_rows"] for t in report["tables"]}["users"] == 7
        code, out, err = terminal("audit", "verify", database=url)
        assert code == 0, out + err
