"""The built-in engine's bulk path on SQLite: document rows built by SQL from the records and entities.

An import, or a full reindex, names many thousands of records and entities. Instead of reading each
back into Python, building its document and writing it through the ORM (what the outbox drain does
for a single write), INSERT ... SELECT statements build the rows in the database, in the caller's
transaction, and the FTS5 triggers index them as they land. Only what SQL cannot do runs in Python,
as SQL functions of the connection: folding a party name or a record text to simplified script, an
entity's pinyin, the few entities' former names (with the functions the drain's documents are made
with, so both paths make the same rows: a test compares them).
PostgreSQL's path (search/sql_bulk_pg.py) stages rows made in Python and lands them with `upsert`
and `delete_records` below.
"""

import json
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Integer, String, and_, case, cast, column, delete, func, literal, null, select, table, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.util import ClauseAdapter

from registry.departments.models import Department
from registry.domain.names import normalise_name
from registry.enterprises.models import Entity
from registry.outbox import ENTITY, RECORD, SearchOutbox
from registry.records.models import Record

from .documents import RECORD_TEXT_FIELDS, former_name_fields, list_until, pinyin_of
from .drain import list_ends
from .sql_documents import document_json, former_columns, normalise_text, normalised_text
from .sql_models import DOMAIN_DELIMITER, FTS_TABLES
from .sql_query import docs, texts

ROW_COLUMNS = tuple(c.name for c in docs.columns if c.name != "seq")
# An upsert keeps the row's seq: it is the row's place in the FTS5 index.
UPDATED_COLUMNS = tuple(name for name in ROW_COLUMNS if name != "id")
TEXT_COLUMNS = ("text", "document")
INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
# What each entity indexed needs from its records, gathered once for both of its rows.
GATHERED = table("search_bulk_entities", column("entity_id", Integer), column("counts", String),
                 column("lists", String), schema="temp")


@lru_cache(maxsize=1024)
def _former_names(former_names: str) -> tuple[dict, dict]:
    """An entity's former-name fields (its document's) and the two row columns made of them."""
    fields = former_name_fields(json.loads(former_names or "[]"))
    return fields, former_columns(fields)


@lru_cache(maxsize=1024)  # entities' counts repeat: a few domains, small numbers
def _delimited(counts: str | None) -> str:
    domains = sorted(domain for domain, count in json.loads(counts or "{}").items() if count)
    return "".join(f"{DOMAIN_DELIMITER}{domain}" for domain in domains) + DOMAIN_DELIMITER if domains else ""


# FTS5 holds the terms of the rows a transaction writes in memory and writes them out as a new segment
# each time they pass this many bytes (1 MB by default), merging segments as they pile up. A bulk load
# with a larger buffer writes fewer, larger segments and merges less: the two `rebuild`s of a million
# records' index 12.7 -> 7.6 s with 32 MB (128 MB: 7.4 s).
BULK_BUFFER_BYTES = 32 << 20
DEFAULT_BUFFER_BYTES = 1 << 20


@contextmanager
def _large_fts_buffers(connection):
    """FTS5's `hashsize` raised for a bulk load and set back after it, in the same transaction (the
    setting is a row of each index's config table: a failed load rolls both back)."""
    def buffers(size: int) -> None:
        for fts in FTS_TABLES:
            connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {size})")

    buffers(BULK_BUFFER_BYTES)
    yield
    buffers(DEFAULT_BUFFER_BYTES)


# Python's part of the documents, as SQL functions: folding, spelling, and what SQLite's JSON
# functions cannot order (sorted domains and list kinds). Each is what `document_row` does.
FUNCTIONS = {
    "search_fold_name": (1, normalise_name),
    "search_fold_text": (1, lambda text: normalised_text(text or "")),
    "search_fold_decision_no": (1, lambda number: normalise_text(number or "") or None),
    "search_pinyin": (1, lambda name: pinyin_of(name)[0]),
    "search_initials": (1, lambda name: pinyin_of(name)[1]),
    "search_domains": (1, _delimited),
    "search_list_until": (1, lambda lists: document_json(list_until(json.loads(lists))) if lists else None),
    "search_former_names": (1, lambda former: document_json(_former_names(former)[0]["former_names"])),
    "search_former_column": (1, lambda former: _former_names(former)[1]["former"]),
    "search_former_spellings": (1, lambda former: _former_names(former)[1]["former_pinyin"]),
}


def _prepared(connection) -> None:
    """Give the connection the Python functions the statements call (deterministic: SQLite may skip
    a repeated call), once in its life, and the table entities' gathered values go into. Once: SQLite
    refuses to replace a function while a statement is active, and an FTS5 index written to in the
    transaction holds one open until it ends."""
    pooled = connection.connection
    if not pooled.info.get("search_functions"):
        for name, (arguments, function) in FUNCTIONS.items():
            pooled.driver_connection.create_function(name, arguments, function, deterministic=True)
        pooled.info["search_functions"] = True
    connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {GATHERED.name} "
                               "(entity_id INTEGER PRIMARY KEY, counts TEXT, lists TEXT)")


def index(connection, which, public, emptied: bool = False) -> None:
    """Index the records and entities `which(kind, id column)` picks (the records that `public`
    excludes are deleted from the index instead, unless it was `emptied`: a rebuild, which picks every
    row), in the connection's transaction. The FTS5 triggers index the rows as they land, with large
    buffers."""
    _prepared(connection)  # before the FTS5 settings are written: see _prepared
    with _large_fts_buffers(connection):
        if not emptied:
            delete_records(connection, which, public)
        upsert(connection, _record_rows(which, public), _record_texts(which, public))
        _gather_entities(connection, which, public, every_entity=emptied)
        upsert(connection, _entity_rows(), _entity_texts())
    connection.execute(delete(GATHERED))


def rebuild(connection, public) -> None:
    """Replace every document, in the connection's transaction. The two tables are dropped and made
    again, empty, with no index or FTS5 trigger until they are loaded (DDL is transactional on
    SQLite: nobody else ever sees them gone): each FTS5 index is built by its `rebuild` command from
    its content table, in one pass, and each index by one sort, instead of row by row. Dropped, not
    emptied by DELETE, which checked every document row against the texts' foreign key."""
    made = connection.execute(
        select(column("type"), column("sql")).select_from(table("sqlite_master"))
        .where(column("sql").is_not(None), column("tbl_name").in_([docs.name, texts.name]))
        .order_by(column("rowid"))  # as they were made: the documents before the texts that refer to them
    ).all()

    def remake(kind: str) -> None:
        for sql in (sql for made_kind, sql in made if made_kind == kind):
            connection.exec_driver_sql(sql)

    for name in (texts.name, docs.name):
        connection.exec_driver_sql(f'DROP TABLE "{name}"')  # its indexes and triggers with it
    remake("table")
    index(connection, _every_row, public, emptied=True)
    with _large_fts_buffers(connection):
        for fts in FTS_TABLES:
            connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
    remake("index")
    remake("trigger")


def _every_row(kind, id_column):
    """Every record and entity, the records' said as a range of their rowid: without a condition on it,
    SQLite reads the records of a reindex through the publicity-end index (the public condition's
    OR), a random read each; with it, in the table's order (a million records' rows 5.9 -> 4.4 s)."""
    return Record.id >= 0 if id_column.table is Record.__table__ else true()


def index_outbox(connection, public) -> int:
    """Index what the outbox names, then empty it: how many outbox rows were handled. In the caller's
    transaction, so the documents and the outbox commit (or vanish) together with what changed."""
    high_water = connection.scalar(select(func.max(SearchOutbox.id)))
    if high_water is None:
        return 0
    outbox = SearchOutbox.__table__

    def which(kind, id_column):
        return id_column.in_(select(outbox.c.ref).where(outbox.c.kind == kind, outbox.c.id <= high_water))

    index(connection, which, public)
    return connection.execute(delete(outbox).where(outbox.c.id <= high_water)).rowcount


def upsert(connection, rows, text_rows) -> None:
    """Upsert document rows (an older version is skipped, as `BuiltinEngine.write` does), then the
    text rows of those that now hold the version the rows had."""
    insert = INSERTS[connection.dialect.name]
    statement = insert(docs).from_select(ROW_COLUMNS, rows)
    statement = statement.on_conflict_do_update(
        index_elements=[docs.c.id],
        set_={name: statement.excluded[name] for name in UPDATED_COLUMNS},
        where=statement.excluded.version >= docs.c.version,
    )
    connection.execute(statement)
    statement = insert(texts).from_select(["seq", *TEXT_COLUMNS], text_rows)
    replaced = {name: statement.excluded[name] for name in TEXT_COLUMNS}
    connection.execute(statement.on_conflict_do_update(index_elements=[texts.c.seq], set_=replaced))


# -- records --------------------------------------------------------------------------------------


def _record_id():
    return literal("record-") + cast(Record.id, String)


def _records(which, *columns):
    return (
        select(*columns)
        .join_from(Record, Department, Department.id == Record.department_id)
        .where(which(RECORD, Record.id))
    )


def _record_rows(which, public):
    same_name = Entity.name == Record.party_name  # the entity's folded name spares folding it again
    name = case((same_name, Entity.name_normalised), else_=func.search_fold_name(Record.party_name))
    empty = literal("")
    return _records(
        which, _record_id(), literal("record"), Department.district_code, Record.severity, Record.department_id,
        Record.decision_date, Record.kind, func.search_fold_decision_no(Record.decision_no),
        literal("|") + Record.domain_key + literal("|"),
        func.upper(func.nullif(Record.uscc, "")), name, empty, empty, empty, empty, null(), Record.version,
    ).outerjoin(Entity, Entity.id == Record.entity_id).where(public)


def _joined():
    """The record's text parts that are not empty, a line each (as `record_document` joins them)."""
    parts = (Record.__table__.c[name] for name in RECORD_TEXT_FIELDS)
    lines = [func.coalesce(literal("\n") + func.nullif(part, ""), "") for part in parts]
    concatenated = lines[0]
    for line in lines[1:]:
        concatenated = concatenated + line
    return func.substr(concatenated, 2)


def _record_texts(which, public):
    joined = _joined()
    document = func.json_object("name", Record.party_name, "text", joined)  # HIGHLIGHTED, as `document_row` keeps
    held = and_(docs.c.id == _record_id(), docs.c.version == Record.version)
    return _records(which, docs.c.seq, func.search_fold_text(joined), document).join(docs, held).where(public)


def delete_records(connection, which, public) -> None:
    """Records that are not public (any more) leave the index. Their text rows go with them by the foreign
    key's cascade, which looks up only the rows deleted (a statement of their own looked up every
    record named again: 1.3 s of a million-row import, which deletes none)."""
    gone = select(_record_id()).where(which(RECORD, Record.id), ~public)
    connection.execute(delete(docs).where(docs.c.id.in_(gone)))


# -- entities -------------------------------------------------------------------------------------


class _Unindexed(Alias):
    """A table read whole, in its own order: `records NOT INDEXED` on SQLite."""

    inherit_cache = True


@compiles(_Unindexed, "sqlite")
def _not_indexed(element, compiler, **kw):
    written = compiler.visit_alias(element, **kw)
    return f"{written} NOT INDEXED" if kw.get("asfrom") else written


def _gather_entities(connection, which, public, every_entity: bool) -> None:
    """Each entity's record counts by domain and its lists, as JSON, into GATHERED: read once for both
    of its rows. For every entity, the records are read in the table's order: SQLite would read them
    through the entity index, to group them without a sort, a random read each (a million records'
    counts and lists 7.2 -> 1.4 s)."""
    by_domain = (
        select(Record.entity_id, Record.domain_key, func.count().label("n"))
        .where(which(ENTITY, Record.entity_id), public)
        .group_by(Record.entity_id, Record.domain_key)
    )
    by_kind = list_ends(lambda column: which(ENTITY, column), public)
    if every_entity:
        read_whole = ClauseAdapter(_Unindexed._construct(Record.__table__, name="records_read")).traverse
        by_domain, by_kind = read_whole(by_domain), read_whole(by_kind)
    counts = _as_json(by_domain.subquery(), "domain_key", "n", "counts")
    lists = _as_json(by_kind.subquery(), "kind", "end", "lists")  # list kind -> end, from the drain's `list_ends`
    rows = (select(Entity.id, counts.c.counts, lists.c.lists).select_from(Entity)
            .outerjoin(counts, counts.c.entity_id == Entity.id).outerjoin(lists, lists.c.entity_id == Entity.id))
    connection.execute(GATHERED.insert().from_select(["entity_id", "counts", "lists"],
                                                     rows.where(which(ENTITY, Entity.id))))


def _as_json(grouped, key: str, value: str, label: str):
    """Each entity's rows of `grouped` as one JSON object."""
    as_json = func.json_group_object(grouped.c[key], grouped.c[value]).label(label)
    return select(grouped.c.entity_id, as_json).group_by(grouped.c.entity_id).subquery()


def _entities(*columns):
    return select(*columns).select_from(GATHERED).join(Entity, Entity.id == GATHERED.c.entity_id)


def _entity_id():
    return literal("entity-") + Entity.uscc


def _name_normalised():
    return func.coalesce(func.nullif(Entity.name_normalised, ""), func.search_fold_name(Entity.name))


def _former(function, none):
    """A former-name value made by Python, for the few entities that have former names."""
    return case((Entity.former_names == "[]", none), else_=function(Entity.former_names))


def _entity_rows():
    name = _name_normalised()
    return _entities(
        _entity_id(), literal("entity"), Entity.district_code, null(), null(), null(), null(), null(),
        func.search_domains(GATHERED.c.counts), func.upper(func.nullif(Entity.uscc, "")), name,
        _former(func.search_former_column, literal("")), func.search_pinyin(name), func.search_initials(name),
        _former(func.search_former_spellings, literal("")), func.search_list_until(GATHERED.c.lists), Entity.version,
    )


def _entity_texts():
    """The HIGHLIGHTED part of the entity's document, as `document_row` keeps it."""
    former = _former(func.search_former_names, literal("[]"))
    document = func.json_object("name", Entity.name, "former_names", func.json(former))
    held = and_(docs.c.id == _entity_id(), docs.c.version == Entity.version)
    return _entities(docs.c.seq, literal(""), document).join(docs, held)
