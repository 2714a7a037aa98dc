"""Scheduled tasks record each day's finished run, so two schedulers never run a daily task twice.

Revision ID: 0026_queue
Revises: 0025_list_search
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_queue"
down_revision = "0025_list_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_runs",
        sa.Column("task", sa.String(64), nullable=False),
        sa.Column("slot", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("task", "slot", name="pk_task_runs"),
    )


def downgrade():
    op.drop_table("task_runs")
