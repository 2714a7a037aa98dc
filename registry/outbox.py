"""Transactional outbox: what a unit of work changed, written in its own transaction.

Rows name what changed (a record or an entity), not what it looks like now: the search drain
reads the current state from the database when it sends documents, so the newest always wins.
Only the unit of work (registry.uow) and the bulk writers' set-based form below write here.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import DateTime, Integer, String, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, as_utc, sqlite_timestamp, utcnow

RECORD, ENTITY = "record", "entity"


class SearchOutbox(Base):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def write_rows(session: Session, *, records=(), entities=()) -> bool:
    """Note changed records and entities (ids; duplicates are harmless); whether any was noted. A row
    is stamped when it is written, not when its transaction began (PostgreSQL's now()): the outbox lag
    of a long import batch is then its changes' wait, not the batch's own time besides."""
    rows = [(RECORD, ref) for ref in set(records) if ref is not None]
    rows += [(ENTITY, ref) for ref in set(entities) if ref is not None]
    if not rows:
        return False
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "INSERT INTO search_outbox (kind, ref, created_at) "
                "SELECT kind, ref, statement_timestamp() "
                "FROM unnest(CAST(:kinds AS text[]), CAST(:refs AS integer[])) AS t(kind, ref)"
            ),
            {"kinds": [k for k, _ in rows], "refs": [r for _, r in rows]},
        )
    else:
        # The driver's own executemany: SQLAlchemy's handling of each row's parameters cost an import
        # more than the insert (a writer on SQLite notes two rows per record it writes).
        stamp = sqlite_timestamp(utcnow())
        connection.connection.driver_connection.executemany(
            "INSERT INTO search_outbox (kind, ref, created_at) VALUES (?, ?, ?)", [(k, r, stamp) for k, r in rows])
    return True


def rows_from_sql(changed: str) -> str:
    """The set-based form of `write_rows` for PostgreSQL's bulk writer: an INSERT that notes every
    record of the relation `changed` (columns id, entity_id) and the entities they name."""
    return (
        "INSERT INTO search_outbox (kind, ref, created_at) "
        f"SELECT '{RECORD}', id, statement_timestamp() FROM {changed} UNION ALL "
        f"SELECT DISTINCT '{ENTITY}', entity_id, statement_timestamp() FROM {changed} WHERE entity_id IS NOT NULL"
    )


class Backlog(NamedTuple):
    first_id: int
    first_age: float  # seconds the first pending change has waited
    last_id: int


def backlog(connection) -> Backlog | None:
    """The pending changes, by their first and last ids (None when none waits): the first is the oldest
    in effect, and both are found by the primary key instead of a scan of every pending row."""
    last = select(func.max(SearchOutbox.id)).scalar_subquery()
    first = connection.execute(select(SearchOutbox.id, SearchOutbox.created_at, last)
                               .order_by(SearchOutbox.id).limit(1)).first()
    if first is None:
        return None
    return Backlog(first[0], max((utcnow() - as_utc(first[1])).total_seconds(), 0.0), first[2])


def lag_seconds(session: Session) -> float:
    """How long the oldest change not yet sent to the search engine has waited (0 when none waits): by
    the primary key, as `backlog` finds it (the minimum of created_at read every pending row, a
    million of them after a large import, on each scrape and readiness probe)."""
    pending = backlog(session.connection())
    return pending.first_age if pending else 0.0
