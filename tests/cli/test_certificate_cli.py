"""The terminal reminds an officer of their 执法证 after sign-in (stderr, every command), refuses their enforcement
steps once it has run out, and shows the administrator whose certificate is running out."""

from __future__ import annotations

import pytest
from case_builders import new_case
from conftest import PASSWORD

from enforcement_desk.cli.main import main
from enforcement_desk.procedure.steps import advance


@pytest.fixture
def run(sqlite_office, monkeypatch, capsys):
    url = str(sqlite_office.ctx.db.engine.url)
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)

    def run(user: str, day: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", day)
        code = main(["--db", url, "--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_officer_is_reminded_after_sign_in_and_refused_once_the_certificate_ran_out(sqlite_office, run):
    office = sqlite_office
    case = new_case(office, handler_ids=(office.officer.user_id, office.officer3.user_id))
    advance(office.ctx, office.head, case.id, "file")

    code, out, err = run("zhao", "2026-12-20", "case", "list")
    assert code == 0 and "王强、赵磊" in out
    assert "提醒：你的执法证（编号 3713002023003）将于 2026-12-31 到期（剩余 11 天）" in err
    code, _, err = run("zhao", "2026-11-20", "case", "list")
    assert code == 0 and "执法证" not in err  # 41 days left: no reminder yet
    code, _, err = run("wang", "2026-12-20", "case", "list")
    assert code == 0 and "执法证" not in err

    code, _, err = run("zhao", "2027-01-04", "case", "advance", f"#{case.id}", "close_investigation")
    assert code == 1
    assert "注意：你的执法证（编号 3713002023003）已于 2026-12-31 到期" in err  # the reminder after sign-in
    assert "错误：不能调查终结：赵磊的执法证（编号 3713002023003）已于 2026-12-31 到期，不能办理执法事项" in err


def test_the_user_list_marks_certificates_running_out_or_run_out(sqlite_office, run):
    code, out, _ = run("admin", "2026-12-20", "user", "list")
    assert code == 0
    lines = {line.split()[1]: line for line in out.splitlines() if line.split() and line.split()[0].isdigit()}
    assert "2026-12-31（11 天后到期）" in lines["zhao"]
    assert "2028-12-31" in lines["wang"] and "到期" not in lines["wang"] and "过期" not in lines["wang"]
    code, out, _ = run("admin", "2027-01-04", "user", "list")
    assert "2026-12-31（已过期）" in out
