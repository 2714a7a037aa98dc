"""A bank's report batch notes when it last made progress (so that a batch whose process died is
marked failed once it has stalled) and when its PDFs were deleted after the retention period.

Revision ID: 0023_report_batch_upkeep
Revises: 0022_search_decision_no
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_report_batch_upkeep"
down_revision = "0022_search_decision_no"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_batches") as table:
        table.add_column(sa.Column("progressed_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("files_deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("report_batches") as table:
        table.drop_column("files_deleted_at")
        table.drop_column("progressed_at")
