"""A command loads only the presenter module that holds it (issue 20: importing every presenter module
was half of a `document issue`), and the map that says which module that is cannot drift from where
the presenters really register."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from case_builders import new_case
from conftest import PASSWORD

from enforcement_desk.cli.main import (
    PRESENTER_MODULE_OF_COMMAND,
    PRESENTER_MODULE_OF_GROUP,
    PRESENTER_MODULES,
    presenter_module,
    presenters,
)
from enforcement_desk.commands import command_table
from enforcement_desk.commands.table import GROUPS

# Runs the CLI, then prints which of the watched modules the process loaded.
PROBE = """
import json, sys
from enforcement_desk.cli.main import main
try:
    code = main(sys.argv[2:])
except SystemExit as exc:  # --help
    code = exc.code
watched = json.loads(sys.argv[1])
print(json.dumps({"code": code, "loaded": [m for m in watched if m in sys.modules]}), file=sys.stderr)
"""
HEAVY = ["sqlalchemy", "reportlab", "enforcement_desk.store.models", "enforcement_desk.documents.service"]


def probe(*argv: str, env: dict[str, str] | None = None) -> tuple[int, list[str], str]:
    """Exit code, the watched modules loaded, and the output of a fresh CLI process."""
    watched = [*PRESENTER_MODULES, *HEAVY]
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(watched), *argv], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"], done.stdout + done.stderr


def test_every_presenter_is_registered_in_the_module_the_map_names():
    registered = presenters()
    misplaced = {
        name: (func.__module__, presenter_module(name))
        for name, func in registered.items()
        if func.__module__ != presenter_module(name)
    }
    assert not misplaced, f"registered in (module, but mapped to): {misplaced}"
    assert set(PRESENTER_MODULE_OF_GROUP) == set(GROUPS), "every top-level word needs its presenter module"
    assert set(PRESENTER_MODULE_OF_COMMAND) <= set(command_table()), "an exception for a command that is gone"


def test_document_issue_loads_only_the_document_presenters(sqlite_office, tmp_path):
    office = sqlite_office
    case = new_case(office, location="沂水县许家湖镇某村 56 号", facts="未取得医疗机构执业许可证开展诊疗活动")
    url = str(office.ctx.db.engine.url)
    code, loaded, out = probe("--db", url, "--user", "wang", "document", "issue", f"#{case.id}", "case_acceptance",
                              "--out", str(tmp_path / "受理记录.pdf"),
                              env={"ENFORCEMENT_DESK_PASSWORD": PASSWORD})  # fmt: skip
    assert code == 0 and "已出具" in out, out
    assert (tmp_path / "受理记录.pdf").read_bytes().startswith(b"%PDF")
    presenter_modules = sorted(set(loaded) & set(PRESENTER_MODULES))
    assert presenter_modules == ["enforcement_desk.cli.documents", "enforcement_desk.cli.main"]


def test_help_lists_every_group_without_loading_presenters_or_services():
    code, loaded, out = probe("--help")
    assert code == 0
    assert loaded == ["enforcement_desk.cli.main"], "building the parser from the table loads no service"
    usage = out[out.index("命令") :]
    missing = [word for word in GROUPS if f"    {word} " not in usage and f"    {word}\n" not in usage]
    assert not missing, f"--help does not list {missing}:\n{out}"


def test_a_command_presented_outside_its_words_module_still_runs(sqlite_office):
    """`case waive` is a `case` command presented by cli.execution, not by cli.main where the word's
    others are: the map's exception is what loads it."""
    url = str(sqlite_office.ctx.db.engine.url)
    code, loaded, _ = probe("--db", url, "--user", "wang", "case", "waive", "#1", "--kind", "fine", "--amount", "1",
                            "--decision-no", "沂卫复〔2026〕1号", "--reason", "复议决定变更",
                            env={"ENFORCEMENT_DESK_PASSWORD": PASSWORD})  # fmt: skip
    assert code == 1  # an officer is refused (a head's command), after its presenter was found
    assert sorted(set(loaded) & set(PRESENTER_MODULES)) == ["enforcement_desk.cli.execution",
                                                            "enforcement_desk.cli.main"]  # fmt: skip


GC_PROBE = """
import gc, sys
from enforcement_desk.cli.main import main
in_process = main(["document", "kinds"])
before = gc.get_freeze_count()
sys.argv = ["enforcement-desk", "document", "kinds"]
code = main()
print(in_process, before, code, gc.get_freeze_count() > 0)
"""


def test_only_the_program_itself_sets_its_objects_aside_from_the_collector(tmp_path):
    """A command run as the program freezes what it loaded (the collector walked it again and again); a
    caller's process (the tests) keeps Python's collector untouched, or its garbage would stay for good."""
    env = {**os.environ, "ENFORCEMENT_DESK_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", GC_PROBE], capture_output=True, text=True, env=env)
    in_process, frozen_before, code, frozen_after = done.stdout.splitlines()[-1].split()
    assert (in_process, frozen_before, code, frozen_after) == ("0", "0", "0", "True"), done.stderr
