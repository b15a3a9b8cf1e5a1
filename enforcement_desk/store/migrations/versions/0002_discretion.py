"""discretion tables: an agency's own benchmark table imported from a spreadsheet

Revision ID: 0002_discretion
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_discretion"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discretion_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_file", sa.String(length=300), nullable=False),
        sa.Column("base_library_version", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("rejected", sa.JSON(), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["imported_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "version", name="uq_discretion_table_version"),
    )
    with op.batch_alter_table("discretion_tables", schema=None) as batch_op:
        batch_op.create_index("ix_discretion_tables_agency_status", ["agency_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("discretion_tables", schema=None) as batch_op:
        batch_op.drop_index("ix_discretion_tables_agency_status")
    op.drop_table("discretion_tables")
