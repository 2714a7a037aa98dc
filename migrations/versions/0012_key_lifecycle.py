"""API keys get a lifecycle: a key may expire after a given day, records when it was last used, and
remembers which admin principal made it, so that keys can be listed, rotated and revoked.

Revision ID: 0012_key_lifecycle
Revises: 0011_accounts
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_key_lifecycle"
down_revision = "0011_accounts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("principals") as table:
        table.add_column(sa.Column("expires_at", sa.Date(), nullable=True))
        table.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        table.create_foreign_key(op.f("fk_principals_created_by_principals"), "principals", ["created_by"], ["id"])


def downgrade():
    with op.batch_alter_table("principals") as table:
        table.drop_constraint(op.f("fk_principals_created_by_principals"), type_="foreignkey")
        table.drop_column("created_by")
        table.drop_column("last_used_at")
        table.drop_column("expires_at")
