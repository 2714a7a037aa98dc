"""Built-in search: an entity's list status (名单) in its own column, read against the day of each search.

The column holds, per list kind, the publicity end of the entity's public entry that ends last
(JSON, search.documents.list_until); a search compares it with its day, so an entity leaves a
list on its entry's end date with no write to the index. A partial index of the entities on some
list serves a search by list status without a text. Entries indexed before this revision
(none outside development: list entries came with 0024) get it and their text from
`registry reindex`.

Revision ID: 0025_list_search
Revises: 0024_list_entries
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_list_search"
down_revision = "0024_list_entries"
branch_labels = None
depends_on = None

INDEX = "ix_search_documents_listed"


def upgrade():
    # Plain ALTER TABLE, not a batch: recreating the table on SQLite would drop its FTS5 triggers.
    op.add_column("search_documents", sa.Column("list_until", sa.Text(), nullable=True))
    op.execute(f"CREATE INDEX {INDEX} ON search_documents (seq) WHERE list_until IS NOT NULL")


def downgrade():
    op.execute(f"DROP INDEX {INDEX}")
    op.drop_column("search_documents", "list_until")
