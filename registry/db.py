"""Declarative base with a constraint naming convention, shared column mixins and SQL helpers."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    String,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The PostgreSQL advisory lock that serialises schema changes and the reference data loaded after
# them: fixed, derived from the project's name so as not to meet another application's key.
SCHEMA_LOCK_KEY = int.from_bytes(hashlib.sha256(b"credit-registry migrations").digest()[:8], "big", signed=True)


def wait_for_schema_changes(connection) -> None:
    """Hold the schema lock for the connection's transaction (PostgreSQL; SQLite writes one at a time)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})


def lock_for_writing(connection, key: int | None = None) -> None:
    """Be, until the transaction ends, the only writer of what `key` names (PostgreSQL: a transaction
    advisory lock) or of the database (SQLite). SQLite writes one at a time, but a transaction that has
    only read holds a snapshot, and its first write then fails at once ("database is locked", with no
    wait) if another connection has committed since: it takes the write lock before it reads."""
    if connection.dialect.name == "postgresql":
        if key is not None:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite gives naive ones back)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sqlite_timestamp(value: datetime) -> str:
    """A DateTime as SQLAlchemy stores it in SQLite, for rows written with the driver's executemany."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def code(length: int) -> String:
    """The type of a code (a USCC, a decision number, a party key): compared byte by byte on
    PostgreSQL (COLLATE "C", as SQLite's BINARY), as codes are not words to sort by a language's
    rules: the natural-key and USCC indexes a bulk import writes millions of entries into compare
    faster so (a writer's database time at 100,000 rows: 66-70 -> 61-62 µs a row)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def among(column, values: Iterable[int], dialect: str) -> ColumnElement[bool]:
    """`column IN values`, the values travelling as one parameter (an array on PostgreSQL, a JSON
    array on SQLite): thousands of parameters cost the driver more to parse than the database to run."""
    values = list(values)
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam(None, json.dumps(values)))))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Versioned:
    """A row version, bumped on every change; the search index keeps the newest it has seen."""

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)


@contextmanager
def copy_from_stdin(connection, table: str, columns: Iterable[str]) -> Iterator:
    """A COPY ... FROM STDIN on the connection's own PostgreSQL session, whose writer is yielded.
    The driver's errors come out as SQLAlchemy's, as any statement's would: a server that went away
    in the middle of the COPY invalidates the connection and reads as a lost connection."""
    raw, dialect = connection.connection.driver_connection, connection.dialect
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            yield copy
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, raw, None)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                  dialect=dialect) from exc
