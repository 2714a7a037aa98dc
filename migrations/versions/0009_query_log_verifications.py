"""The query log holds verifications too: anyone with a report's number and code sees its facts,
non-public penalties included, and is nobody the registry knows, so an entry may name no principal.

Revision ID: 0009_query_log_verifications
Revises: 0008_code_collation
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_query_log_verifications"
down_revision = "0008_code_collation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("query_log") as table:
        table.alter_column("principal_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM query_log WHERE principal_id IS NULL")
    with op.batch_alter_table("query_log") as table:
        table.alter_column("principal_id", existing_type=sa.Integer(), nullable=False)
