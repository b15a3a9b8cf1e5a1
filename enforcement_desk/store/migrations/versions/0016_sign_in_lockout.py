"""sign-in lockout: failed sign-ins in a row and the moment a lock ends, per user

- users.failed_logins: failed sign-ins since the last success or the last lock (0 on existing rows).
- users.locked_until: wall-clock time until which the account refuses every sign-in, even with the
  right password (empty: not locked). Set after AgencySettings.login_max_failures failures in a row, for
  AgencySettings.login_lock_minutes; an administrator can lift it (`user unlock`).

Both are added in place. The downgrade drops them in place too (ALTER TABLE … DROP COLUMN, SQLite 3.35+):
copying the users table, as a batch operation would, trips the foreign keys every other table holds on it.

Revision ID: 0016_sign_in_lockout
Revises: 0015_transfer_and_service
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_sign_in_lockout"
down_revision = "0015_transfer_and_service"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("locked_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "locked_until")
    op.drop_column("users", "failed_logins")
