"""enforcement steps: the 催告书's service, the party's 复议/诉讼 and their outcome, the court's replies to an
application for enforcement, and the decisions that waived or reduced a sum owed

Each is an append-only step record (like 0010 and 0012): 行政强制法 arts. 53, 54 and 69 (ten working days
from the reminder's service; three months after the period for review and suit), 行政处罚法 art. 73(3) (no
surcharge while a review or suit runs), and how each sum of a decision ended before the case closes.

Revision ID: 0013_enforcement_steps
Revises: 0012_payment_plans
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_enforcement_steps"
down_revision = "0012_payment_plans"
branch_labels = None
depends_on = None

TABLES = ("reminder_services", "challenges", "challenge_outcomes", "court_replies", "execution_waivers")


def _case() -> sa.Column:
    return sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True)


def _by(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id"), nullable=False)


def _install_append_only(table: str, dialect: str) -> None:
    """As 0012 writes the guard, trigger for trigger."""
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
    text = sa.Text()
    op.create_table(
        "reminder_services",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(30), nullable=False),
        sa.Column("receiver", sa.String(100), nullable=False),
        _by("recorded_by"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("body", sa.String(200), nullable=False),
        sa.Column("note", text, nullable=False),
        _by("recorded_by"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "challenge_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("challenge_id", sa.Integer(), sa.ForeignKey("challenges.id"), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(100), nullable=False),
        sa.Column("note", text, nullable=False),
        _by("recorded_by"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "court_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column(
            "application_id", sa.Integer(), sa.ForeignKey("enforcement_applications.id"), nullable=False
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("replied_on", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(100), nullable=False),
        sa.Column("recovered_fine", sa.BigInteger(), nullable=False),
        sa.Column("recovered_surcharge", sa.BigInteger(), nullable=False),
        sa.Column("recovered_confiscation", sa.BigInteger(), nullable=False),
        sa.Column("note", text, nullable=False),
        _by("recorded_by"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "execution_waivers",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("decision_no", sa.String(100), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reason", text, nullable=False),
        _by("approved_by"),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        _install_append_only(table, dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in reversed(TABLES):
        if dialect != "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        op.drop_table(table)
