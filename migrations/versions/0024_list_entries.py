"""List entries (严重失信主体名单, 经营异常名录, red lists) and credit commitments as record kinds.

They share the records table with penalties and licences (natural key, versions, outbox, search),
so only their own fields are new columns, all nullable: existing rows are untouched.

Revision ID: 0024_list_entries
Revises: 0023_report_batch_upkeep
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_list_entries"
down_revision = "0023_report_batch_upkeep"
branch_labels = None
depends_on = None

COLUMNS = (
    ("list_name", sa.String(200)),
    ("listing_reason", sa.Text()),
    ("listing_basis", sa.Text()),
    ("removed_on", sa.Date()),
    ("removal_reason", sa.Text()),
    ("commitment_type", sa.String(20)),
    ("commitment_matter", sa.String(500)),
    ("commitment_content", sa.Text()),
    ("commitment_state", sa.String(10)),
)


def upgrade():
    # Plain ADD COLUMN on both databases: nullable columns need no table rebuild on SQLite.
    for name, type_ in COLUMNS:
        op.add_column("records", sa.Column(name, type_, nullable=True))


def downgrade():
    for name, _ in reversed(COLUMNS):
        op.drop_column("records", name)
