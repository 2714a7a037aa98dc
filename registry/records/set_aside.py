"""The records' secondary indexes (and on PostgreSQL their foreign keys) set aside while a large import
loads the database, and made again at its end.

Each index takes a page write at a random place for every record an import inserts, and every batch's
commit writes those pages to the write-ahead log again. On SQLite, at a million records, inserting took
34 s and committing 32 s with them, 21 s and 8 s without; on PostgreSQL the writer alone (fed prepared
batches) took 58 s with them and 49 s without, its server 6-7 s less CPU. Made again at the end, each is
one sort of a second or two. Meanwhile the pages that read records by entity, department or end of
publicity scan the table instead, which is why only an import several times larger than what is stored
sets them aside. The natural key's unique index stays: the upsert looks rows up by it.

A foreign key on PostgreSQL is checked row by row, each check a look-up that locks the row it finds:
13 of the 31 µs that inserting a record took in a bulk load's statement went to the three checks of
the department, domain and entity it names (every row of a batch naming the same department and
domain). Added again at the end, each is checked once for all the records by one join: the same
guarantee when the import ends, and an import whose records name something missing fails there
(the key stays missing until an import finds the records whole again).
SQLite's checks cost 1.5 µs a record and its constraints cannot be dropped, so they stay.
"""

from sqlalchemy import Connection, ForeignKeyConstraint, Index, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import AddConstraint, DropConstraint

from .models import Record

# Set aside only for an import expected to bring this many times the records stored.
TIMES_STORED = 4


def pays(expected_rows: int, stored_records: int, threshold: int) -> bool:
    """Whether an import expected to bring `expected_rows` into a table of `stored_records` loads
    faster without the indexes (`threshold`: REGISTRY_IMPORT_BULK_LOAD_ROWS, 0 never)."""
    return 0 < threshold <= expected_rows and expected_rows >= TIMES_STORED * stored_records


def records_stored(connection: Connection) -> int:
    """At least the number of records stored: the largest id, read off the end of the table, where
    count(*) would read a whole index (every import, however small, asks)."""
    return connection.scalar(select(func.coalesce(func.max(Record.id), 0)))


def _secondary() -> list[Index]:
    return sorted((index for index in Record.__table__.indexes if not index.unique), key=lambda index: index.name)


def _foreign_keys(connection: Connection) -> list[ForeignKeyConstraint]:
    if connection.dialect.name != "postgresql":
        return []
    return sorted(Record.__table__.foreign_key_constraints, key=lambda constraint: constraint.name)


def missing(connection: Connection) -> list[str]:
    """The names of the records' secondary indexes (and foreign keys, on PostgreSQL) the database does
    not hold."""
    schema = inspect(connection)
    held = {index["name"] for index in schema.get_indexes(Record.__tablename__)}
    missed = [index.name for index in _secondary() if index.name not in held]
    if constraints := _foreign_keys(connection):
        held = {key["name"] for key in schema.get_foreign_keys(Record.__tablename__)}
        missed += [constraint.name for constraint in constraints if constraint.name not in held]
    return missed


def set_aside(connection: Connection) -> None:
    """Drop the records' secondary indexes and, on PostgreSQL, foreign keys, in the connection's
    transaction."""
    for index in _secondary():
        index.drop(connection, checkfirst=True)
    for constraint in _foreign_keys(connection):
        connection.execute(DropConstraint(constraint, if_exists=True))


class BrokenReferences(Exception):
    """Records name a department, domain or entity that is not there (only a change made outside the
    registry can do that): these foreign keys could not be added again."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))


def restore(connection: Connection) -> list[str]:
    """Make again those of the records' secondary indexes and foreign keys that are missing, in the
    connection's transaction; their names. A foreign key checks every record as it is added: one
    that some record breaks stays missing, and BrokenReferences names it once the rest are made."""
    made = missing(connection)
    for index in _secondary():
        if index.name in made:
            index.create(connection)
    broken = []
    for constraint in _foreign_keys(connection):
        if constraint.name in made:
            try:
                with connection.begin_nested():
                    connection.execute(AddConstraint(constraint))
            except IntegrityError:
                broken.append(constraint.name)
    if broken:
        raise BrokenReferences(broken)
    return made
