"""Transactional outbox of changes the search engine has not seen yet.

Revision ID: 0004_search_outbox
Revises: 0003_search_documents
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_search_outbox"
down_revision = "0003_search_documents"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    # Everything already stored must reach the index once.
    op.execute("INSERT INTO search_outbox (kind, ref, created_at) SELECT 'entity', id, CURRENT_TIMESTAMP FROM entities")
    op.execute("INSERT INTO search_outbox (kind, ref, created_at) SELECT 'record', id, CURRENT_TIMESTAMP FROM records")


def downgrade():
    op.drop_table("search_outbox")
