"""no TRUNCATE of the record: a statement-level guard on every append-only table (PostgreSQL only)

The append-only guard of 0001/0008/0010–0015 is a row trigger, and TRUNCATE fires no row trigger: the whole
audit trail could go in one statement. Each append-only table now also refuses TRUNCATE, through the same
function that refuses UPDATE and DELETE (its message names the operation). SQLite has no TRUNCATE: its
`DELETE FROM t` runs the row triggers, which refuse it.

The desks' login role gets no TRUNCATE right at all (store/server_roles.py); this guard also holds for the
owner, who would have to drop the trigger first — a schema change an audit of the server shows.

Revision ID: 0017_no_truncate_of_record
Revises: 0016_sign_in_lockout
"""

from alembic import op
from sqlalchemy import text

revision = "0017_no_truncate_of_record"
down_revision = "0016_sign_in_lockout"
branch_labels = None
depends_on = None


def _append_only_tables(bind) -> list[str]:
    rows = bind.execute(
        text(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgname = c.relname || '_append_only'"
        )
    )
    return sorted(row[0] for row in rows)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in _append_only_tables(bind):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in _append_only_tables(bind):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
