"""Built-in search: an index on normalised names, so names starting with the text are found at once.

A generic text matches more documents than a search counts (search.engine.COUNT_LIMIT); the names
starting with it rank first and are looked up by this index, whatever else matches. PostgreSQL
compares in the "C" collation (byte order, as SQLite's BINARY) so that a range is a prefix.

Revision ID: 0007_search_name_prefix
Revises: 0006_repairs
Create Date: 2026-11-27
"""

from alembic import op

revision = "0007_search_name_prefix"
down_revision = "0006_repairs"
branch_labels = None
depends_on = None

INDEX = "ix_search_documents_name_prefix"


def upgrade():
    collation = ' COLLATE "C"' if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"CREATE INDEX {INDEX} ON search_documents (name_normalised{collation})")


def downgrade():
    op.execute(f"DROP INDEX {INDEX}")
