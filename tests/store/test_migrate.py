"""The quick schema check agrees with alembic, so start-up can skip alembic when nothing is due."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from conftest import migrate_with_owner_rights, with_owner_rights

from enforcement_desk.store.db import Database
from enforcement_desk.store.migrate import alembic_config, is_current, script_heads, upgrade


def test_the_heads_read_from_the_files_are_alembics_heads():
    assert script_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_every_revision_id_fits_alembic_version_on_postgresql():
    """alembic_version.version_num is VARCHAR(32): a longer id migrates SQLite and fails on the server."""
    revisions = [r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    assert revisions and all(len(r) <= 32 for r in revisions), revisions


def test_a_new_database_is_not_current_until_upgraded(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert not is_current(db.engine)
    upgrade(db.engine)
    assert is_current(db.engine)
    db.dispose()


def _refused(engine, statement: str) -> bool:
    """Whether the database refuses the statement; nothing is kept either way."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            connection.execute(text(statement))
        except DBAPIError as exc:
            assert "append-only" in str(exc)
            return True
        finally:
            transaction.rollback()
    return False


def test_0008_guards_the_voids_and_corrections_an_existing_office_already_has(office, tmp_path):
    """Upgrading from 0007 with records in place protects them; downgrading lifts exactly that guard."""
    from datetime import datetime

    from case_builders import new_case
    from PIL import Image

    from enforcement_desk.admin.audit_check import verify_all
    from enforcement_desk.evidence.service import add_evidence, correct_capture_time, void_evidence
    from enforcement_desk.procedure.steps import advance

    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    items = []
    for name, colour in (("a.jpg", "red"), ("b.jpg", "blue")):
        Image.new("RGB", (8, 8), colour).save(tmp_path / name)
        items.append(add_evidence(office.ctx, office.officer, case.id, tmp_path / name))
    correct_capture_time(office.ctx, office.officer, items[0].id, datetime(2026, 10, 30, 8, 0), "时钟快")
    void_evidence(office.ctx, office.officer, items[1].id, "拍错")
    engine = with_owner_rights(office.ctx.db).engine  # the guard itself, not the desks' missing rights
    statements = [
        f"{verb} {table}" + (" SET reason = 'x'" if verb == "UPDATE" else "")
        for table in ("evidence_voids", "evidence_time_corrections")
        for verb in ("UPDATE", "DELETE FROM")
    ]
    assert all(_refused(engine, s) for s in statements)
    migrate_with_owner_rights(office.ctx.db, "downgrade", "0007_case_cause_index")
    assert not is_current(engine)
    assert not any(_refused(engine, s) for s in statements)
    assert _refused(engine, "DELETE FROM evidence")  # 0001's guards are not 0008's to lift
    migrate_with_owner_rights(office.ctx.db, "upgrade", "heads")
    assert is_current(engine)
    assert all(_refused(engine, s) for s in statements)
    assert verify_all(office.ctx, office.admin).ok
