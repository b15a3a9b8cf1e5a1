"""The desk's window title says 【培训】 on a training database and nothing of the kind on a real one."""

from __future__ import annotations

from pathlib import Path

from conftest import make_office

from enforcement_desk.desk.main_window import MainWindow


def test_the_title_marks_a_training_database_only(qtbot, sqlite_office, tmp_path: Path):
    real = make_office(f"sqlite:///{tmp_path / 'real.sqlite3'}", tmp_path / "real-evidence", training=False)
    try:
        titles = {}
        for name, office in (("training", sqlite_office), ("real", real)):
            window = MainWindow(office.ctx, office.officer, "沂水县卫生健康综合监督执法局")
            qtbot.addWidget(window)
            titles[name] = window.windowTitle()
        assert titles["training"].startswith("【培训】") and "王强（执法人员）" in titles["training"]
        assert "培训" not in titles["real"] and "沂水县卫生健康综合监督执法局" in titles["real"]
    finally:
        real.ctx.close()
