"""Signing in from a terminal: passwords come from the environment or a prompt, never from the command
line (where every user of the computer reads them in the process list); guessing a password locks the
account, and the administrator unlocks it."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from enforcement_desk.cli.main import main
from enforcement_desk.store.models import AuditEvent, User

PASSWORD = "cli-pass-2026"
NEW_PASSWORD = "new-user-pass-1"
INIT = ["init", "--agency", "沂水县卫生健康综合监督执法局", "--short-name", "沂", "--reconsideration-body",
        "沂水县人民政府", "--court", "沂水县人民法院", "--admin-login", "admin", "--admin-name", "管理员"]  # fmt: skip
LI = ["user", "add", "--login", "li", "--name", "李娜", "--role", "officer", "--cert-no", "3713002023002",
      "--cert-valid-until", "2028-12-31"]  # fmt: skip


class Terminal:
    """`enforcement-desk` run in-process as a script would, with stdin not a terminal."""

    def __init__(self, db_url: str, monkeypatch, capsys):
        self.db_url, self.monkeypatch, self.capsys = db_url, monkeypatch, capsys
        monkeypatch.delenv("ENFORCEMENT_DESK_NEW_PASSWORD", raising=False)
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: no prompt possible

    def run(self, user: str | None, password: str | None, *args: str) -> tuple[int, str, str]:
        if password is None:
            self.monkeypatch.delenv("ENFORCEMENT_DESK_PASSWORD", raising=False)
        else:
            self.monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", password)
        code = main(["--db", self.db_url, "--json", *(["--user", user] if user else []), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def count(self, query) -> int:
        engine = create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return conn.scalar(query)
        finally:
            engine.dispose()


@pytest.fixture
def terminal(db_url, monkeypatch, capsys) -> Terminal:
    term = Terminal(db_url, monkeypatch, capsys)
    code, _, err = term.run(None, PASSWORD, *INIT)
    assert code == 0, err
    return term


def _users(term: Terminal) -> int:
    return term.count(select(func.count()).select_from(User))


def test_no_command_takes_a_password_argument(terminal):
    for argv in ([*LI, "--password", NEW_PASSWORD], [*INIT, "--admin-password", PASSWORD]):
        with pytest.raises(SystemExit) as refused:
            terminal.run("admin", PASSWORD, *argv)
        assert refused.value.code == 2 and "不认识的参数" in terminal.capsys.readouterr().err
    assert _users(terminal) == 1


def test_a_new_users_password_comes_from_the_environment(terminal):
    code, _, err = terminal.run("admin", PASSWORD, *LI)
    assert code == 1 and "ENFORCEMENT_DESK_NEW_PASSWORD" in err and "未提供" in err
    assert _users(terminal) == 1  # nothing saved

    terminal.monkeypatch.setenv("ENFORCEMENT_DESK_NEW_PASSWORD", NEW_PASSWORD)
    code, out, err = terminal.run("admin", PASSWORD, *LI)
    assert code == 0, err
    assert json.loads(out)["login"] == "li"
    code, _, err = terminal.run("li", NEW_PASSWORD, "case", "list")
    assert code == 0, err


def test_init_without_a_password_and_without_a_terminal_is_refused_in_chinese(db_url, monkeypatch, capsys):
    term = Terminal(db_url, monkeypatch, capsys)
    code, _, err = term.run(None, None, *INIT)
    assert code == 1 and "未提供管理员密码" in err and "ENFORCEMENT_DESK_PASSWORD" in err


def test_six_wrong_passwords_lock_the_account_until_the_administrator_unlocks_it(terminal):
    terminal.monkeypatch.setenv("ENFORCEMENT_DESK_NEW_PASSWORD", NEW_PASSWORD)
    assert terminal.run("admin", PASSWORD, *LI)[0] == 0
    answers = [terminal.run("li", f"wrong-{i}", "case", "list") for i in range(1, 7)]
    assert all(code == 1 for code, _, _ in answers)
    assert [err for _, _, err in answers[:4]] == ["错误：用户名或密码不正确\n"] * 4
    assert all("已锁定至" in err for _, _, err in answers[4:])
    code, _, err = terminal.run("li", NEW_PASSWORD, "case", "list")
    assert code == 1 and "已锁定至" in err and "联系管理员解锁" in err
    assert terminal.run("nobody", "wrong", "case", "list")[2] == "错误：用户名或密码不正确\n"

    code, out, _ = terminal.run("admin", PASSWORD, "user", "list")
    [li] = [u for u in json.loads(out) if u["login"] == "li"]
    assert li["locked_until"]

    code, _, err = terminal.run("li", NEW_PASSWORD, "user", "unlock", "li")  # locked: cannot even sign in
    assert code == 1 and "已锁定至" in err
    terminal.monkeypatch.setenv("ENFORCEMENT_DESK_NEW_PASSWORD", "third-user-pass")
    wang = ["user", "add", "--login", "wang", "--name", "王强", "--role", "officer", "--cert-no", "3713002023001",
            "--cert-valid-until", "2028-12-31"]  # fmt: skip
    assert terminal.run("admin", PASSWORD, *wang)[0] == 0
    code, _, err = terminal.run("wang", "third-user-pass", "user", "unlock", "li")
    assert code == 1 and "须由管理员办理" in err

    code, out, err = terminal.run("admin", PASSWORD, "user", "unlock", "li")
    assert code == 0, err
    assert json.loads(out)["locked_until"] is None
    assert terminal.run("li", NEW_PASSWORD, "case", "list")[0] == 0
    assert (
        terminal.count(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "user_locked"))
        == 1
    )
    unlocks = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "user_unlocked")
    assert terminal.count(unlocks) == 1


def test_the_new_users_password_is_typed_twice_at_a_terminal(terminal, tmp_path: Path):
    """A real terminal (a pseudo-terminal): the password is asked for, not echoed, and confirmed."""
    executable = Path(sys.executable).with_name("enforcement-desk")
    env = {**os.environ, "ENFORCEMENT_DESK_PASSWORD": PASSWORD}
    env.pop("ENFORCEMENT_DESK_NEW_PASSWORD", None)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [str(executable), "--db", terminal.db_url, "--user", "admin", *LI],
        stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 120
        while marker not in seen and time.monotonic() < deadline:
            try:
                seen += os.read(leader, 1024)
            except OSError:
                break
        assert marker in seen, seen.decode(errors="replace")

    read_until("设置用户 li 的初始密码：".encode())
    os.write(leader, NEW_PASSWORD.encode() + b"\n")
    read_until("再次输入以确认：".encode())
    os.write(leader, NEW_PASSWORD.encode() + b"\n")
    read_until("已新增用户".encode())
    assert process.wait(timeout=60) == 0
    os.close(leader)
    assert NEW_PASSWORD.encode() not in seen  # never echoed
    code, _, err = terminal.run("li", NEW_PASSWORD, "case", "list")
    assert code == 0, err
