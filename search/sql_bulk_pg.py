"""The built-in engine's bulk path on PostgreSQL: documents COPYed into a staging table, then upserted
by INSERT ... SELECT, in the caller's transaction; the trigram indexes take them in large batches.

PostgreSQL cannot call Python in SQL, so the documents (folded text, pinyin) are made by the drain's
set-based readers and `document_rows`, as the outbox drain makes them (a test compares the two), a
few thousand at a time to bound memory. What differs from the drain is how they land: one COPY and
two INSERT ... SELECT statements per chunk, all in one transaction instead of one per 2,000 outbox
rows, and the GIN indexes' pending list raised for the load, so each trigram index merges its new
entries in a few large passes rather than every 4 MB (`gin_pending_list_limit`).
"""

import logging
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import islice

from sqlalchemy import and_, column, delete, select, table

from registry.db import among, copy_from_stdin
from registry.outbox import ENTITY, RECORD, SearchOutbox

from .drain import document_batches, entity_documents, record_documents
from .sql_bulk import ROW_COLUMNS, TEXT_COLUMNS, delete_records, upsert
from .sql_documents import document_rows
from .sql_query import docs, texts

log = logging.getLogger(__name__)

CHUNK = 5000  # records or entities read, made and loaded at a time
# A GIN index's pending list during a bulk load (kB): merged in a few passes of this size instead of
# every 4 MB, the default. A setting of this transaction only.
PENDING_LIST_KB = 256 * 1024
STAGED_COLUMNS = (*ROW_COLUMNS, *TEXT_COLUMNS)
STAGED = table("search_bulk_rows", *(column(name) for name in STAGED_COLUMNS))


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _prepared(connection) -> None:
    """The staging table (dropped at commit) and the transaction's larger GIN pending list."""
    types = {c.name: c.type.compile(dialect=connection.dialect) for c in [*docs.columns, *texts.columns]}
    columns = ", ".join(f"{name} {types[name]}" for name in STAGED_COLUMNS)
    connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {STAGED.name} ({columns}) ON COMMIT DROP")
    connection.exec_driver_sql(f"SET LOCAL gin_pending_list_limit = {PENDING_LIST_KB}")


def _load(connection, documents: list[dict]) -> None:
    """COPY the documents' rows into the staging table, then upsert them as `sql_bulk` does on SQLite."""
    rows, failures = document_rows(documents)
    if failures:  # as the drain does: a document refused must not block every change behind it
        log.error("search engine refused %d document(s): %s", len(failures), failures[:20])
    if not rows:
        return
    connection.exec_driver_sql(f"TRUNCATE {STAGED.name}")
    with copy_from_stdin(connection, STAGED.name, STAGED_COLUMNS) as copy:
        for row, text in rows:
            copy.write_row([*(row[name] for name in ROW_COLUMNS), *(text[name] for name in TEXT_COLUMNS)])
    staged = STAGED.c
    held = and_(docs.c.id == staged.id, docs.c.version == staged.version)
    upsert(connection, select(*(staged[name] for name in ROW_COLUMNS)),
           select(docs.c.seq, *(staged[name] for name in TEXT_COLUMNS)).join(docs, held))


def _among(ids: list[int]):
    return partial(among, values=ids, dialect="postgresql")


def index(session, records: Iterable[int], entities: Iterable[int], public) -> None:
    """Index these records and entities (a record that `public` excludes leaves the index instead)."""
    connection = session.connection()
    _prepared(connection)
    for chunk in _chunks(sorted(set(records))):
        documents, _ = record_documents(session, _among(chunk), public)
        delete_records(connection, lambda kind, id_column, chunk=chunk: _among(chunk)(id_column), public)
        _load(connection, documents)
    for chunk in _chunks(sorted(set(entities))):
        _load(connection, entity_documents(session, _among(chunk), public))


def index_outbox(session, public) -> int:
    """Take every outbox row this transaction sees (deleted, returning what they name), index what they
    name and return how many there were. What is deleted is exactly what is indexed: a row a
    concurrent writer commits meanwhile stays for the next drain."""
    outbox = SearchOutbox.__table__
    taken = session.connection().execute(delete(outbox).returning(outbox.c.kind, outbox.c.ref)).all()
    named = {RECORD: [], ENTITY: []}
    for kind, ref in taken:
        named[kind].append(ref)
    index(session, named[RECORD], named[ENTITY], public)
    return len(taken)


def rebuild(session, publish_natural_persons: bool, today) -> None:
    """Replace every document, in the caller's transaction: readers keep the old ones until it commits."""
    connection = session.connection()
    _prepared(connection)
    connection.execute(delete(texts))
    connection.execute(delete(docs))
    for documents in _chunks(document_batches(session, publish_natural_persons, today=today)):
        _load(connection, documents)
