"""Built-in search: a record's decision number (文书号) and kind (penalty, licence) in their own columns.

The decision number is looked up whole or by prefix as a range of its own index (PostgreSQL
compares in the "C" collation, as for name prefixes), never through the record text, so a match
highlights nothing it did not find. The kind is a filter. The columns are filled here from the
records with a plain fold (upper case, no spaces); `registry reindex` folds width and script too.

Revision ID: 0022_search_decision_no
Revises: 0021_report_batches
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_search_decision_no"
down_revision = "0021_report_batches"
branch_labels = None
depends_on = None

INDEX = "ix_search_documents_decision_no"


def upgrade():
    # Plain ALTER TABLE, not a batch: recreating the table on SQLite would drop its FTS5 triggers.
    op.add_column("search_documents", sa.Column("record_kind", sa.String(10), nullable=True))
    op.add_column("search_documents", sa.Column("decision_no", sa.String(128), nullable=True))
    dialect = op.get_bind().dialect.name
    # The record's id from the document's ("record-<id>"), so each row is one primary-key look-up.
    integer = "BIGINT" if dialect == "postgresql" else "INTEGER"
    record = f"FROM records WHERE records.id = CAST(SUBSTR(search_documents.id, 8) AS {integer})"
    op.execute(
        f"UPDATE search_documents SET record_kind = (SELECT records.kind {record}), "
        f"decision_no = (SELECT UPPER(REPLACE(records.decision_no, ' ', '')) {record}) "
        "WHERE kind = 'record'"
    )
    collation = ' COLLATE "C"' if dialect == "postgresql" else ""
    op.execute(f"CREATE INDEX {INDEX} ON search_documents (decision_no{collation})")


def downgrade():
    op.execute(f"DROP INDEX {INDEX}")
    op.drop_column("search_documents", "decision_no")
    op.drop_column("search_documents", "record_kind")
