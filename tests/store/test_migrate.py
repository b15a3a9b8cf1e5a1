"""The quick schema check agrees with alembic, so start-up can skip alembic when nothing is due."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from enforcement_desk.store.db import Database
from enforcement_desk.store.migrate import alembic_config, is_current, script_heads, upgrade


def test_the_heads_read_from_the_files_are_alembics_heads():
    assert script_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_a_new_database_is_not_current_until_upgraded(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert not is_current(db.engine)
    upgrade(db.engine)
    assert is_current(db.engine)
    db.dispose()
