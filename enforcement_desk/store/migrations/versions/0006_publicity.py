"""publicity records: penalty decisions published to the credit platform, and withdrawals

Revision ID: 0006_publicity
Revises: 0005_document_number_per_kind
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_publicity"
down_revision = "0005_document_number_per_kind"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicity_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["published_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_publicity_records_agency_id", "publicity_records", ["agency_id"])
    op.create_index("ix_publicity_records_case_id", "publicity_records", ["case_id"])


def downgrade() -> None:
    op.drop_table("publicity_records")
