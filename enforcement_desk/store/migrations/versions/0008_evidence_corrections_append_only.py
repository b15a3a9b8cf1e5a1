"""evidence voids and capture-time corrections: append-only in the database, like evidence itself

A void or a time correction is the record of a change to evidence; editing or deleting one would bring a
voided item back or move its time without a trace in the tables. The database now refuses UPDATE and
DELETE on both, with the same triggers 0001 put on evidence and audit_events.

Revision ID: 0008_corrections_append_only
Revises: 0007_case_cause_index
"""

from alembic import op

revision = "0008_corrections_append_only"  # alembic_version holds 32 characters
down_revision = "0007_case_cause_index"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("evidence_voids", "evidence_time_corrections")


def upgrade() -> None:
    """Written as 0001_initial_schema.install_append_only_triggers writes them, trigger for trigger."""
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
                )
        else:
            op.execute(
                f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '{table} is append-only: % refused', TG_OP; END;
                $$ LANGUAGE plpgsql"""
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
