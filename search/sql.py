"""The built-in search engine: documents in a table of the application's own database (SQLite or PostgreSQL)."""

import json
import logging
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

from sqlalchemy import ARRAY, bindparam, cast, delete, func, inspect, select
from sqlalchemy.exc import OperationalError

from registry.db import among
from registry.records.visibility import public_condition

from . import sql_bulk, sql_bulk_pg
from .engine import (
    MATCH_REASONS,
    Hit,
    IndexingError,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    analyse_query,
    encode_cursor,
)
from .sql_bulk import INSERTS, UPDATED_COLUMNS
from .sql_documents import document_rows, highlights
from .sql_query import (
    candidates,
    docs,
    facet_statement,
    near_rules,
    near_score,
    page_statement,
    read_candidates,
    read_cursor,
    read_facets,
    reasons,
    rules_for,
    score_expression,
    tail_statement,
    texts,
)

log = logging.getLogger(__name__)

BATCH = 500
# Each way of finding a text's documents yields at most this many to rank and count: a few thousand
# keep a search of the most generic text near 100 ms on SQLite at a million documents.
BUILTIN_COUNT_LIMIT = 2000
HIT_COLUMNS = ("seq", "id", "kind", "uscc", "name_normalised", "former", "pinyin", "initials", "former_pinyin",
               "decision_no")


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _inserting(statement, connection, rows: list[dict]):
    """An INSERT of these rows and its executemany parameters. PostgreSQL reads the rows from one array
    per column instead: a multi-row VALUES list costs more in the driver's query parsing than the insert."""
    if connection.dialect.name != "postgresql":
        return statement, rows
    table = statement.table
    names = list(rows[0])
    arrays = [cast(bindparam(None, [row[name] for row in rows]), ARRAY(table.c[name].type)) for name in names]
    source = func.unnest(*arrays).table_valued(*names).render_derived()
    return statement.from_select(names, select(*source.c)), None


# -- the engine -----------------------------------------------------------------------------------


class BuiltinEngine:
    """SearchEngine on the application's database. It works in the caller's session: writes are
    part of the caller's transaction (the outbox drainer commits them with the outbox rows)."""

    name = "builtin"
    in_session = True

    def __init__(self, db, count_limit: int = BUILTIN_COUNT_LIMIT):
        self.db = db  # Flask-SQLAlchemy; used inside an application context
        self.count_limit = count_limit

    def _connection(self):
        connection = self.db.session.connection()
        if connection.dialect.name not in INSERTS:
            raise SearchUnavailable(f"the built-in search engine does not run on {connection.dialect.name}")
        return connection

    def ensure_index(self) -> None:
        """The table comes with the migrations; say so plainly if they have not run."""
        try:
            present = inspect(self._connection()).has_table(docs.name)
        except OperationalError as exc:
            raise SearchUnavailable(f"the database did not answer: {exc.orig}") from exc
        if not present:
            raise SearchUnavailable("table search_documents does not exist yet (run `registry init`)")

    def write(self, documents: list[dict], deletions: list[tuple[str, int]], *, refresh: bool = False) -> None:
        """Upsert and delete, version-checked in SQL; flushed, never committed. `refresh` is moot: the
        caller's transaction sees its writes at once, and everyone else once it commits."""
        rows, failures = document_rows(documents)
        if failures:
            raise IndexingError(failures)
        connection = self._connection()
        for chunk in _chunks(rows, BATCH):
            self._upsert(connection, chunk)
        newest: dict[str, int] = {}
        for doc_id, version in deletions:
            newest[doc_id] = max(version, newest.get(doc_id, version))
        for chunk in _chunks(newest.items(), BATCH):
            self._delete(connection, dict(chunk))

    def _upsert(self, connection, rows: list[tuple[dict, dict]]) -> None:
        insert = INSERTS[connection.dialect.name]
        statement, parameters = _inserting(insert(docs), connection, [row for row, _ in rows])
        statement = statement.on_conflict_do_update(
            index_elements=[docs.c.id],
            set_={name: statement.excluded[name] for name in UPDATED_COLUMNS},
            where=statement.excluded.version >= docs.c.version,  # an older version is skipped silently
        ).returning(docs.c.id, docs.c.seq)
        written = dict(connection.execute(statement, parameters).all())
        if not written:
            return
        text_rows = [{"seq": written[row["id"]], **text} for row, text in rows if row["id"] in written]
        statement, parameters = _inserting(insert(texts), connection, text_rows)
        replaced = {"text": statement.excluded.text, "document": statement.excluded.document}
        statement = statement.on_conflict_do_update(index_elements=[texts.c.seq], set_=replaced)
        connection.execute(statement, parameters)

    def _delete(self, connection, newest: dict[str, int]) -> None:
        seqs = list(connection.scalars(select(docs.c.seq).where(docs.c.id.in_(newest))))
        if not seqs:
            return
        statement = delete(docs).where(docs.c.id == bindparam("doc_id"), docs.c.version <= bindparam("newest"))
        connection.execute(statement, [{"doc_id": doc_id, "newest": version} for doc_id, version in newest.items()])
        # The foreign key cascades, unless a SQLite connection runs with foreign keys off.
        kept = select(docs.c.seq).where(docs.c.seq.in_(seqs))
        connection.execute(delete(texts).where(texts.c.seq.in_(seqs), texts.c.seq.not_in(kept)))

    def plan(self, dialect: str, query: SearchQuery, *, near: bool = False):
        """The rules of the query's text, the statement finding its candidates and how many entries of
        an index it reads (see `candidates`); with `near`, for the near rules, for a name nothing
        holds whole."""
        text = analyse_query(query.q)
        rules = near_rules(text) if near else rules_for(text)
        return rules, *candidates(rules, query, dialect, self.count_limit)

    def statements(self, dialect: str, query: SearchQuery, rules, found: list[int], *, near: bool = False):
        """The statements of the page and of the facets over the candidates `found` (their seqs), found
        once for both: what a search runs (the latency benchmark runs them through sqlite3 as the
        engine's limit)."""
        score = near_score(analyse_query(query.q).name, dialect) if near else score_expression(rules, dialect)
        after = read_cursor(query.cursor)
        candidate = among(docs.c.seq, found, dialect)
        if after is not None and len(after) == 1:
            page = tail_statement(rules, query, dialect, ~candidate, score, after[0], query.size)
        else:
            page = page_statement([candidate], score, after, query.size)
        return page, facet_statement([candidate], query.today, dialect)

    def search(self, query: SearchQuery) -> SearchResult:
        text = analyse_query(query.q)
        try:
            connection = self._connection()
            rules, page, found, facets = self._run(connection, query, near=False)
            if not found.seqs and found.complete and near_rules(text):
                rules, page, found, facets = self._run(connection, query, near=True)
            hits = self._hits(connection, rules, text.name, page[: query.size])
        except OperationalError as exc:
            raise SearchUnavailable(f"the database did not answer the search: {exc.orig}") from exc
        return SearchResult(
            hits=hits,
            total=len(found.seqs),
            facets=facets,
            next_cursor=self._next_cursor(query, page, found.complete),
            engine=self.name,
            total_exact=found.complete,
        )

    @staticmethod
    def _next_cursor(query: SearchQuery, page: list, exact: bool) -> str | None:
        """After the ranked candidates come, when some matches were not counted, the others (the tail)."""
        in_tail = query.cursor is not None and len(read_cursor(query.cursor)) == 1
        if len(page) > query.size:
            last = page[query.size - 1]
            return encode_cursor([last.seq] if in_tail else [int(last.score), last.id])
        return encode_cursor([0]) if not (in_tail or exact) else None

    def _run(self, connection, query: SearchQuery, near: bool):
        dialect = connection.dialect.name
        rules, finding, scan = self.plan(dialect, query, near=near)
        found = read_candidates(connection.execute(finding), self.count_limit, scan)
        page_sql, facet_sql = self.statements(dialect, query, rules, found.seqs, near=near)
        page = connection.execute(page_sql).all()
        facets = read_facets(connection.execute(facet_sql))
        return rules, page, found, facets

    def explain(self, query: SearchQuery) -> list[str]:
        """The database's plan for finding the candidates of `query` (EXPLAIN QUERY PLAN on SQLite,
        EXPLAIN on PostgreSQL): which index finds the hits."""
        connection = self._connection()
        _, finding, _ = self.plan(connection.dialect.name, query)
        prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
        sql = str(finding.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        return [str(row[-1]) for row in connection.exec_driver_sql(prefix + sql)]

    def _hits(self, connection, rules, needle: str, page) -> list[Hit]:
        if not page:
            return []
        columns = [docs.c[name] for name in HIT_COLUMNS] + [texts.c.text, texts.c.document]
        found = select(*columns).join_from(docs, texts, texts.c.seq == docs.c.seq, isouter=True)
        rows = {row.id: row for row in connection.execute(found.where(docs.c.seq.in_([item.seq for item in page])))}
        hits = []
        for item in page:
            row = rows[item.id]
            matched = reasons(rules, row)
            hits.append(
                Hit(
                    id=row.id,
                    kind=row.kind,
                    score=float(item.score),
                    matched=tuple(reason for reason in MATCH_REASONS if reason in matched),
                    highlights=highlights(json.loads(row.document or "{}"), matched, needle) if matched else {},
                )
            )
        return hits

    def reindex(self, documents: Iterable[dict], expected: int = 0) -> int:
        """Replace every document, in the caller's transaction; on any failure nothing changes."""
        with self.db.session.begin_nested():  # rolled back to here on any exception
            connection = self._connection()
            connection.execute(delete(texts))
            connection.execute(delete(docs))
            for batch in _chunks(documents, BATCH):
                rows, failures = document_rows(batch)
                if failures:
                    raise IndexingError(failures)
                self._upsert(connection, rows)
            return self._count(connection)

    def rebuild(self, publish_natural_persons: bool, today: date) -> int:
        """Replace every document by those of the database's entities and public records, in bulk, in
        the caller's transaction (SQLite: built by SQL, FTS5 indexes by their `rebuild` command;
        PostgreSQL: COPYed and upserted by chunks)."""
        connection = self._connection()
        if connection.dialect.name == "sqlite":
            sql_bulk.rebuild(connection, public_condition(publish_natural_persons, today))
        else:
            sql_bulk_pg.rebuild(self.db.session, publish_natural_persons, today)
        return self._count(connection)

    def index_pending(self, publish_natural_persons: bool, today: date) -> int:
        """Index what the outbox names, in bulk, in the caller's transaction, and empty the outbox: how
        many of its rows were handled."""
        connection = self._connection()
        public = public_condition(publish_natural_persons, today)
        if connection.dialect.name == "sqlite":
            return sql_bulk.index_outbox(connection, public)
        return sql_bulk_pg.index_outbox(self.db.session, public)

    @staticmethod
    def _count(connection) -> int:
        count = connection.scalar(select(func.count()).select_from(docs))
        log.info("%d search documents in the database", count)
        return count
