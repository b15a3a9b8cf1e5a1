"""cases: an index on the cause, so the case list sorted by 案由 reads its first page in order

Revision ID: 0007_case_cause_index
Revises: 0006_publicity
"""

from alembic import op

revision = "0007_case_cause_index"
down_revision = "0006_publicity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_cause", "cases", ["cause", "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_cause", table_name="cases")
