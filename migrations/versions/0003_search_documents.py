"""Documents of the built-in search engine: FTS5 trigram index on SQLite, pg_trgm indexes on PostgreSQL.

Revision ID: 0003_search_documents
Revises: 0002_import_jobs
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_search_documents"
down_revision = "0002_import_jobs"
branch_labels = None
depends_on = None

# Frozen here on purpose: a migration must not change when the application code does.
SEARCHABLE = ("name_normalised", "former", "pinyin", "initials", "former_pinyin")
TRIGRAM_INDEXED = {"search_documents": (*SEARCHABLE, "uscc"), "search_document_texts": ("text",)}
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("district", sa.String(length=12), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("department", sa.Integer(), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("domains", sa.String(length=400), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("name_normalised", sa.String(length=200), nullable=False),
        sa.Column("former", sa.Text(), nullable=False),
        sa.Column("pinyin", sa.Text(), nullable=False),
        sa.Column("initials", sa.Text(), nullable=False),
        sa.Column("former_pinyin", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("id", name=op.f("uq_search_documents_id")),
    )
    op.create_index("ix_search_documents_uscc", "search_documents", ["uscc"], unique=False)
    op.create_table(
        "search_document_texts",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seq"],
            ["search_documents.seq"],
            name=op.f("fk_search_document_texts_seq_search_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_search_document_texts")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _create_fts5("search_fts", "search_documents", SEARCHABLE)
        _create_fts5("search_text_fts", "search_document_texts", ("text",))
    elif dialect == "postgresql":
        _create_trigram_indexes()


def _create_fts5(name: str, content: str, columns: tuple[str, ...]):
    """An external-content FTS5 table: the index alone, the text stays in `content`. Triggers keep it
    in step with every write, whoever makes it (the engine, a cleanup, a manual fix).

    case_sensitive 1: the columns and the queries are normalised the same way, so a phrase of
    trigrams is an exact substring test and agrees with PostgreSQL's LIKE."""
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in ("seq", *columns))
    op.execute(
        f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='{content}', content_rowid='seq', "
        "tokenize='trigram case_sensitive 1')"
    )
    op.execute(
        f"CREATE TRIGGER {content}_fts_insert AFTER INSERT ON {content} BEGIN "
        f"INSERT INTO {name} (rowid, {listed}) VALUES (new.seq, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {content}_fts_delete AFTER DELETE ON {content} BEGIN "
        f"INSERT INTO {name} ({name}, rowid, {listed}) VALUES ('delete', old.seq, {old}); END"
    )
    # A new version of a document often changes nothing searchable (an entity's record counts): skip it.
    op.execute(
        f"CREATE TRIGGER {content}_fts_update AFTER UPDATE ON {content} WHEN {changed} BEGIN "
        f"INSERT INTO {name} ({name}, rowid, {listed}) VALUES ('delete', old.seq, {old}); "
        f"INSERT INTO {name} (rowid, {listed}) VALUES (new.seq, {new}); END"
    )


def _create_trigram_indexes():
    # Trusted since PostgreSQL 13: the database owner may create it. Never dropped here: other
    # objects may use it, and dropping needs more rights than creating.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in TRIGRAM_INDEXED.items():
        for column in columns:
            op.create_index(
                f"ix_{table}_{column}_trgm",
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for content, name in (("search_document_texts", "search_text_fts"), ("search_documents", "search_fts")):
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {content}_fts_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {name}")
    elif dialect == "postgresql":
        for table, columns in TRIGRAM_INDEXED.items():
            for column in columns:
                op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
    op.drop_table("search_document_texts")
    op.drop_index("ix_search_documents_uscc", table_name="search_documents")
    op.drop_table("search_documents")
