"""Transactional outbox: a change to a searchable row writes a row here in the same transaction.

Rows name what changed (a record or an entity), not what it looks like now: the drainer reads
the current state from the database when it sends documents, so the newest always wins.
"""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.db import Base, sqlite_timestamp, utcnow
from registry.enterprises.models import Entity

RECORD, ENTITY = "record", "entity"


class SearchOutbox(Base):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def enqueue(session: Session, *, records=(), entities=()) -> None:
    """Note changed records and entities in the caller's transaction (ids; duplicates are harmless)."""
    rows = [(RECORD, ref) for ref in set(records) if ref is not None]
    rows += [(ENTITY, ref) for ref in set(entities) if ref is not None]
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "INSERT INTO search_outbox (kind, ref, created_at) "
                "SELECT kind, ref, now() FROM unnest(CAST(:kinds AS text[]), CAST(:refs AS integer[])) AS t(kind, ref)"
            ),
            {"kinds": [k for k, _ in rows], "refs": [r for _, r in rows]},
        )
    else:
        # The driver's own executemany: SQLAlchemy's handling of each row's parameters cost an import
        # more than the insert (a writer on SQLite notes two rows per record it writes).
        stamp = sqlite_timestamp(utcnow())
        connection.connection.driver_connection.executemany(
            "INSERT INTO search_outbox (kind, ref, created_at) VALUES (?, ?, ?)", [(k, r, stamp) for k, r in rows])


def enqueue_entities_of(session: Session, codes) -> None:
    """Note the entities with these USCCs (their record counts change with their records)."""
    codes = [code for code in set(codes) if code]
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        ids = session.execute(select(Entity.id).where(Entity.uscc.in_(chunk))).scalars().all()
        enqueue(session, entities=ids)
