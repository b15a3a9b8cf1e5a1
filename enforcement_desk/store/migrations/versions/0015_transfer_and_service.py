"""transfer and service: who approved a transfer and in which capacity, the hour the police received it,
the agency's follow-up of the police's answer, and how a decision was served

- transfer_decisions.capacity: 正职负责人 or 主持工作的负责人 (国务院令第310号 art. 5); empty on older rows.
- transfer_receipts.received_at: the moment of receipt, for the 24 hours of art. 5; older rows have the
  date only (read as the end of that day, so a late hand-over is never hidden).
- transfer_reconsiderations (art. 9) and transfer_item_handovers (art. 12): append-only step records.
- decision_services: how the decision was served, with what 卫生健康行政处罚程序规定 arts. 55–57 and
  民事诉讼法 art. 95 ask of each method; append-only.

The two new columns are added in place (no table copy: the append-only triggers stay as they are) and
are left empty on existing rows, whose audit events do not carry them (procedure/step_log.row_content).

Revision ID: 0015_transfer_and_service
Revises: 0014_hearing_and_periods
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_transfer_and_service"
down_revision = "0014_hearing_and_periods"
branch_labels = None
depends_on = None

TABLES = ("transfer_reconsiderations", "transfer_item_handovers", "decision_services")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _case() -> sa.Column:
    return sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True)


def _recorded() -> tuple[sa.Column, ...]:
    return (
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )


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
    op.add_column("transfer_decisions", sa.Column("capacity", sa.String(20), nullable=True))
    op.add_column("transfer_receipts", sa.Column("received_at", sa.DateTime(), nullable=True))
    text = sa.Text()
    op.create_table(
        "transfer_reconsiderations", _id(), _case(),
        sa.Column("notice_received_on", sa.Date(), nullable=False), sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("reason", text, nullable=False), *_recorded(), sa.Column("recorded_by_name", sa.String(100), nullable=False),
    )  # fmt: skip
    op.create_table(
        "transfer_item_handovers", _id(), _case(),
        sa.Column("handed_on", sa.Date(), nullable=False), sa.Column("items", text, nullable=False),
        sa.Column("receiver", sa.String(100), nullable=False), sa.Column("receipt_ref", sa.String(200), nullable=False),
        *_recorded(), sa.Column("recorded_by_name", sa.String(100), nullable=False),
    )  # fmt: skip
    op.create_table(
        "decision_services", _id(), _case(),
        sa.Column("method", sa.String(20), nullable=False), sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False), sa.Column("refusal_reason", text, nullable=False),
        sa.Column("witnesses", sa.JSON(), nullable=False), sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("receipt_ref", sa.String(200), nullable=False), sa.Column("consent_ref", sa.String(200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True), sa.Column("publication", text, nullable=False),
        sa.Column("notice_reason", text, nullable=False),
        *_recorded(),
    )  # fmt: skip
    for table in TABLES:
        _append_only(table, dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in reversed(TABLES):
        if dialect != "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        op.drop_table(table)
    # Dropping a column rebuilds the table on SQLite; its append-only triggers go with the old copy and
    # are written again afterwards, as 0010 wrote them.
    for table, column in (("transfer_receipts", "received_at"), ("transfer_decisions", "capacity")):
        if dialect == "sqlite":
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
            with op.batch_alter_table(table) as batch:
                batch.drop_column(column)
            _append_only(table, dialect)
        else:
            op.drop_column(table, column)
