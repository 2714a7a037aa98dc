"""Import limits: a job keeps how many of its file's columns no layout field matched, beside the first
few it names, so that a header of a million unknown columns does not make a job's answer megabytes long.

Revision ID: 0016_import_limits
Revises: 0015_review_queue_index
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_import_limits"
down_revision = "0015_review_queue_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_jobs") as table:
        table.add_column(sa.Column("unknown_column_count", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("import_jobs") as table:
        table.drop_column("unknown_column_count")
