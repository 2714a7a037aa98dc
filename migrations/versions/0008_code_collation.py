"""Codes compare byte by byte on PostgreSQL: the natural key of records and the USCCs that
records and entities are matched by.

A database's default collation (C.UTF-8 here, zh_CN.UTF-8 elsewhere) compares through the C
library's locale rules, on every entry a bulk import adds to these indexes; COLLATE "C" compares
bytes, which for UTF-8 is the order of code points, the order C.UTF-8 gives too. The tables are
not rewritten (the type stays the same); the indexes on these columns are rebuilt. SQLite compares
bytes already (BINARY): nothing to do there.

Revision ID: 0008_code_collation
Revises: 0007_import_speed
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_code_collation"
down_revision = "0007_import_speed"
branch_labels = None
depends_on = None

CODES = (("records", "decision_no", 128, False), ("records", "party_key", 64, False),
         ("records", "uscc", 18, True), ("entities", "uscc", 18, False))


def _collate(collation: str | None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length, nullable in CODES:
        op.alter_column(table, column, type_=sa.String(length, collation=collation),
                        existing_type=sa.String(length), existing_nullable=nullable)


def upgrade():
    _collate("C")


def downgrade():
    _collate(None)
