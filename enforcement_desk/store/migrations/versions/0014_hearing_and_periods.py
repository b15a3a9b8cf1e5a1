"""hearing and periods: a hearing's outcome (held, or terminated under 行政处罚法 art. 64(六)) and the party's
agents (art. 64(五)); the decision period's extensions with their due days and, for the second one, the
collective discussion that decided it (卫生健康行政处罚程序规定 art. 42(2)); the time not counted in the decision
period (art. 42(3)) and the head's extension of the filing period (art. 32) as step records

- hearing_records.outcome / termination_reason / agents: added in place (no table copy: the append-only
  triggers stay as they are) and left empty on existing rows, which were all recorded as held and whose audit
  events do not carry them (procedure/step_log.row_content).
- decision_extensions.previous_due / new_due / discussion_record (JSON: date, heads taking part,
  conclusion): empty on older extensions.
- filing_extensions: append-only step record (立案期限延长, 卫生健康行政处罚程序规定 art. 32).
- decision_pauses: append-only step record (不计入办案期限的期间, art. 42(3)); a running one is ended by a new
  row naming it.

Revision ID: 0014_hearing_and_periods
Revises: 0013_enforcement_steps
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_hearing_and_periods"
down_revision = "0013_enforcement_steps"
branch_labels = None
depends_on = None

HEARING_COLUMNS = ("outcome", "termination_reason", "agents")
EXTENSION_COLUMNS = ("previous_due", "new_due", "discussion_record")
STEP_TABLES = ("filing_extensions", "decision_pauses")


def _append_only(table: str, dialect: str) -> None:
    """As 0010 writes the guard, trigger for trigger."""
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


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("hearing_records", sa.Column("outcome", sa.String(20), nullable=True))
    op.add_column("hearing_records", sa.Column("termination_reason", sa.String(40), nullable=True))
    op.add_column("hearing_records", sa.Column("agents", sa.JSON(), nullable=True))
    op.add_column("decision_extensions", sa.Column("previous_due", sa.Date(), nullable=True))
    op.add_column("decision_extensions", sa.Column("new_due", sa.Date(), nullable=True))
    op.add_column("decision_extensions", sa.Column("discussion_record", sa.JSON(), nullable=True))
    op.create_table(
        "filing_extensions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("previous_due", sa.Date(), nullable=False),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "decision_pauses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ends_id", sa.Integer(), sa.ForeignKey("decision_pauses.id"), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("previous_due", sa.Date(), nullable=True),
        sa.Column("new_due", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    for table in STEP_TABLES:
        _append_only(table, dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in reversed(STEP_TABLES):
        if dialect != "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        op.drop_table(table)
    with op.batch_alter_table("decision_extensions") as batch:
        for column in EXTENSION_COLUMNS:
            batch.drop_column(column)
    # Dropping a column rebuilds the table on SQLite; its append-only triggers go with the old copy and are
    # written again afterwards, as 0010 wrote them.
    if dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS hearing_records_no_{verb}")
        with op.batch_alter_table("hearing_records") as batch:
            for column in HEARING_COLUMNS:
                batch.drop_column(column)
        _append_only("hearing_records", dialect)
    else:
        for column in HEARING_COLUMNS:
            op.drop_column("hearing_records", column)
