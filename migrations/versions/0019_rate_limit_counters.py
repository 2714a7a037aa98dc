"""Rate limits shared by every server process: a client's requests under a limit in the current
window, in the database (registry.ratelimit), where each process used to count verifications alone.

Revision ID: 0019_rate_limit_counters
Revises: 0018_entity_name_history
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_rate_limit_counters"
down_revision = "0018_entity_name_history"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
    )


def downgrade():
    op.drop_table("rate_limit_counters")
