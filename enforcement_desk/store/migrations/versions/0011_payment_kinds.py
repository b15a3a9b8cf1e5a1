"""payments by kind: the fine, the late-payment surcharge and confiscated illegal gains are paid separately

Before, every payment was a payment of the fine, and the surcharge computed at the time was kept beside
it. Existing rows are fine payments; the surcharge column stays as the record of what was computed then.

Revision ID: 0011_payment_kinds
Revises: 0010_step_records
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_payment_kinds"
down_revision = "0010_step_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="fine"))


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("kind")
