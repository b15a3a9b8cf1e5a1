"""documents: a number is unique per kind (编号 series are kept per document kind)

Revision ID: 0005_document_number_per_kind
Revises: 0004_settings_versions
"""

from alembic import op

revision = "0005_document_number_per_kind"
down_revision = "0004_settings_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("uq_document_number_version", type_="unique")
        batch.create_unique_constraint("uq_document_kind_number_version", ["agency_id", "kind", "number", "version"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("uq_document_kind_number_version", type_="unique")
        batch.create_unique_constraint("uq_document_number_version", ["agency_id", "number", "version"])
