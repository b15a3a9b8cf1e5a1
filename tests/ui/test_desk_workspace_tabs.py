"""A case opened from the main window carries every feature's panel (they register themselves when the
first case opens: a fresh process proves the main window loads them, not a test's own imports)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from enforcement_desk.admin.auth import login
from enforcement_desk.context import AppContext
from enforcement_desk.desk.app import application
from enforcement_desk.desk.main_window import MainWindow
from enforcement_desk.procedure.cases import find_case_id
app = application()
ctx = AppContext.open(sys.argv[1], sys.argv[2])
actor = login(ctx, "wang", "test-pass-123")
window = MainWindow(ctx, actor, "沂水县卫生健康综合监督执法局")
workspace = window.open_case(int(sys.argv[3]))
print(",".join(workspace.tabs.tabText(i) for i in range(workspace.tabs.count())))
"""


def test_the_workspace_from_the_main_window_has_every_features_tab(sqlite_office, tmp_path: Path):
    from case_builders import new_case

    office = sqlite_office
    case_id = new_case(office).id
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(office.ctx.db.engine.url), str(office.ctx.evidence_dir), str(case_id)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    tabs = done.stdout.strip().splitlines()[-1].split(",")
    assert {"期限", "证据", "裁量", "文书", "移送"} <= set(tabs), tabs
