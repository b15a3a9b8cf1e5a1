"""Screenshots of the desk with demo data, at 100% and 200% scaling, for people to look at.

    .venv/bin/python bench/gui_screenshots.py [--out bench/out/screens]

Each scale runs in its own process (QT_SCALE_FACTOR must be set before Qt starts).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def capture(out: Path, scale: str) -> None:
    """Save screenshots of the desk's main screens at one display scale into `out`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["ENFORCEMENT_DESK_HOME"] = str(out / "home")
    from PySide6.QtWidgets import QPushButton

    from enforcement_desk.admin.auth import login
    from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
    from enforcement_desk.admin.desk.first_run_dialog import FirstRunDialog
    from enforcement_desk.admin.desk.login_dialog import LoginDialog
    from enforcement_desk.admin.setup import is_initialized
    from enforcement_desk.context import AppContext
    from enforcement_desk.desk.app import application
    from enforcement_desk.desk.main_window import MainWindow

    app = application()
    db = out / "demo.sqlite3"
    ctx = AppContext.open(f"sqlite:///{db}", out / "evidence")
    if not is_initialized(ctx):
        build_demo(ctx)  # the demo issues each step's documents as it builds its cases
    suffix = f"{int(float(scale) * 100)}"

    def save(widget, name: str) -> None:
        widget.show()
        app.processEvents()
        path = out / f"{name}_{suffix}.png"
        widget.grab().save(str(path))
        print(path)

    starting = MainWindow()  # what shows while the database opens, before sign-in
    starting.resize(1360, 860)
    save(starting, "starting")
    starting.close()
    empty = AppContext.open(f"sqlite:///{out / f'empty_{suffix}.sqlite3'}", out / "evidence-empty")
    save(FirstRunDialog(empty), "first_run")
    save(LoginDialog(ctx, "沂水县卫生健康综合监督执法局"), "login")
    for who, case_no in (("wangqiang", "2026-0013"), ("zhoumin", "2026-0014"), ("chenjun", "2026-0016")):
        actor = login(ctx, who, DEMO_PASSWORD)
        window = MainWindow(ctx, actor, "沂水县卫生健康综合监督执法局")
        window.resize(1360, 860)
        save(window, f"today_{who}")
        window.tabs.setCurrentIndex(1)
        save(window, f"case_list_{who}")
        from enforcement_desk.procedure.cases import find_case_id

        workspace = window.open_case(find_case_id(ctx, actor, case_no))
        save(window, f"case_{who}")
        workspace.tabs.setCurrentIndex(2)
        save(window, f"case_timeline_{who}")
        workspace.tabs.setCurrentIndex(4)
        save(window, f"case_review_{who}")
        for panel in workspace.panels[5:]:
            workspace.tabs.setCurrentWidget(panel)
            save(window, f"case_{type(panel).__name__.removesuffix('Panel').lower()}_{who}")
        review = workspace.findChild(QPushButton, "action_review")
        if review is not None and review.isEnabled():  # the reviewer's seven checks and outcome
            review.click()
            app.processEvents()
            save(workspace.open_dialog, f"review_dialog_{who}")
            workspace.open_dialog.reject()
        window.close()


def main() -> int:
    """Screenshots at 100% and 200% scale."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "screens"))
    parser.add_argument("--scale", help=argparse.SUPPRESS)
    parser.add_argument("--scales", default="1,2", help="逗号分隔的缩放比例")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.scale:
        capture(out, args.scale)
        return 0
    for scale in args.scales.split(","):
        env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen"}
        subprocess.run([sys.executable, __file__, "--out", str(out), "--scale", scale], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
