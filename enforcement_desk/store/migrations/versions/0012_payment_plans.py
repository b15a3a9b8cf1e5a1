"""payment plans: deferral or instalments of a fine approved on the party's application (art. 66)

Revision ID: 0012_payment_plans
Revises: 0011_payment_kinds
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_payment_plans"
down_revision = "0011_payment_kinds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("instalments", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
    )
    # Append-only like every step record (as 0001 writes the guard, trigger for trigger).
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER payment_plans_no_{verb.lower()} BEFORE {verb} ON payment_plans "
                f"BEGIN SELECT RAISE(ABORT, 'payment_plans is append-only: {verb} refused'); END"
            )
    else:
        op.execute(
            """CREATE FUNCTION payment_plans_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'payment_plans is append-only: % refused', TG_OP; END;
            $$ LANGUAGE plpgsql"""
        )
        op.execute(
            "CREATE TRIGGER payment_plans_append_only BEFORE UPDATE OR DELETE ON payment_plans "
            "FOR EACH ROW EXECUTE FUNCTION payment_plans_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS payment_plans_append_only ON payment_plans")
        op.execute("DROP FUNCTION IF EXISTS payment_plans_append_only()")
    op.drop_table("payment_plans")
