"""The PostgreSQL bulk path: COPY a batch into a staging table, then one set-based upsert.

Same contract as RecordWriter (outcomes per row, history of changed rows, sticky statuses);
only the mechanics differ, so the API and imports get the same answers on both databases.

A batch travels as COPY text made by a CopyEncoder: imports run it in their worker processes,
so the writing process only streams bytes and runs set-based statements. An import inserts its
batches as they are until one names a record already stored (`_insert_or_upsert`).
"""

from sqlalchemy import UniqueConstraint, text
from sqlalchemy.exc import IntegrityError

from ..changes import ENTITY_ADDED, staged_events_sql, staging_sql
from ..db import copy_from_stdin
from ..outbox import rows_from_sql
from ..uow import next_version
from .encoders import ENTITY_COLUMNS, CopyEncoder, EncodedBatch
from .models import Record
from .prepare import PREPARED_COLUMNS, PreparedBatch
from .writer import (
    BOOKKEEPING,
    INSERTED,
    NATURAL_KEY,
    NEVER_UPDATED,
    STICKY_STATUSES,
    UNCHANGED,
    UPDATED,
    BatchResult,
    RecordWriter,
)

STAGING = "record_staging"
ENTITY_STAGING = "entity_staging"
_JOIN = " AND ".join(f"r.{c} = s.{c}" for c in NATURAL_KEY)
[_NATURAL_KEY_CONSTRAINT] = [c.name for c in Record.__table__.constraints
                             if isinstance(c, UniqueConstraint) and tuple(c.columns.keys()) == NATURAL_KEY]
# What _apply reports of the changed records: each one (the API's outcomes), or only how many
# (imports: a batch's rows need not travel back).
_CHANGED_ROWS = "SELECT id, decision_no, party_key, is_new FROM changed"
_CHANGED_COUNTS = "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) FROM changed"
# A row's entity, looked up through the USCC index (a join was planned as a scan of all entities).
_ENTITY_OF_ROW = "(SELECT e.id FROM entities e WHERE e.uscc = s.uscc)"
# A staged entity not stored under that name: ON CONFLICT DO UPDATE locks (and so writes) every row it
# meets, even one its WHERE leaves as it is, and most of an import's entities are already stored as
# named (50,000 of them: 215-225 ms upserted, 90-96 ms with those left out first).
_NAMED_OTHERWISE = "NOT EXISTS (SELECT FROM entities n WHERE n.uscc = s.uscc AND n.name = s.name)"


class CopyRecordWriter(RecordWriter):
    """RecordWriter for PostgreSQL: rows travel by COPY, the upsert is one statement."""

    encoder = CopyEncoder

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.met_stored_record = False  # once a batch has, its writer upserts every batch after it

    def write(self, batch: PreparedBatch) -> BatchResult:
        outcomes = [(UNCHANGED, None)] * batch.size  # later duplicates and unchanged records stay so
        if batch.size:
            positions = {key: p for p, key in enumerate(batch.natural_keys())}
            self._load(self.encoder.encode(batch))
            # Unchanged rows keep their id in the outcome (the API reports it).
            for position, record_id in self.session.connection().execute(text(
                    f"SELECT s.row_index, r.id FROM {STAGING} s JOIN records r ON {_JOIN}")):
                outcomes[position] = (UNCHANGED, record_id)
            for record_id, decision_no, party_key, is_new in self._apply(PREPARED_COLUMNS, _CHANGED_ROWS):
                outcomes[positions[(decision_no, party_key)]] = (INSERTED if is_new else UPDATED, record_id)
        result = BatchResult(outcomes=outcomes)
        for outcome, _ in outcomes:
            result.counts[outcome] += 1
        return result

    def write_encoded(self, batch: EncodedBatch) -> dict:
        """Write a batch made by a CopyEncoder; the counts of inserted, updated and unchanged rows."""
        counts = {INSERTED: 0, UPDATED: 0, UNCHANGED: batch.rows}
        if batch.rows:
            self._load(batch)
            [(inserted, updated)] = self._insert_or_upsert(batch.columns[:-1])
            counts.update({INSERTED: inserted, UPDATED: updated, UNCHANGED: batch.rows - inserted - updated})
        return counts

    def _insert_or_upsert(self, columns: tuple) -> list:
        """Insert the staged batch as new records, without ON CONFLICT's cost for every row, until a
        batch names a record already stored (a re-import, a change, a key repeated from an earlier
        batch): that batch's insert fails on the natural key and is undone, and from then on the
        import upserts. A department's first import, or the rest of a killed one, is all inserts."""
        if not self.met_stored_record:
            try:
                with self.session.begin_nested():
                    return self._apply(columns, _CHANGED_COUNTS, upsert=False)
            except IntegrityError as exc:
                # Only a unique violation names this constraint. (Not psycopg's class for it: that
                # import would cost each import worker, which loads this module, 9 MB.)
                if exc.orig.diag.constraint_name != _NATURAL_KEY_CONSTRAINT:
                    raise
                self.met_stored_record = True
        return self._apply(columns, _CHANGED_COUNTS)

    def _load(self, batch: EncodedBatch) -> None:
        """Fill both staging tables, then create and rename the batch's entities."""
        with self.stages.timing("entities"):
            if batch.entities:
                self._fill(ENTITY_STAGING, "entities", ENTITY_COLUMNS, batch.entities)
                self._upsert_entities()
        with self.stages.timing("staging_copy"):
            self._fill(STAGING, "records", batch.columns, batch.records)

    def _fill(self, staging: str, like: str, columns: tuple, data: bytes) -> None:
        """COPY text into a session-private staging table shaped like `like` (row_index added)."""
        connection = self.session.connection()
        if connection.execute(text(f"SELECT to_regclass('pg_temp.{staging}')")).scalar() is None:
            shared = ", ".join(c for c in columns if c != "row_index")
            connection.execute(text(f"CREATE TEMP TABLE {staging} AS SELECT {shared} FROM {like} WITH NO DATA"))
            if "row_index" in columns:
                connection.execute(text(f"ALTER TABLE {staging} ADD COLUMN row_index integer"))
        connection.execute(text(f"TRUNCATE {staging}"))
        with copy_from_stdin(connection, staging, columns) as copy:
            copy.write(data)

    def _upsert_entities(self) -> None:
        """Create missing entities and, for the registration authority, rename those a newer decision
        names differently, in one statement: ON CONFLICT finds each entity through the USCC index, where
        a join of the staged entities with `entities` was planned as a scan of the whole table on every
        batch. Records find their entity by USCC in the upsert itself. Each rename goes into
        entity_name_history (the name it had is the last former name) and the audit trail. Another
        department's names only create entities, and those that differ come back as warnings."""
        connection = self.session.connection()
        if not self.names_entities:
            staged = ", ".join("NULL" if c == "name_as_of" else c for c in ENTITY_COLUMNS)
            self.uow.event(ENTITY_ADDED, entities=connection.execute(text(
                f"INSERT INTO entities ({', '.join(ENTITY_COLUMNS)}, former_names, version, created_at, updated_at) "
                f"SELECT {staged}, '[]', 1, now(), now() FROM {ENTITY_STAGING} ON CONFLICT (uscc) DO NOTHING "
                "RETURNING id")).scalars().all())
            self.check_names(connection.execute(text(f"SELECT uscc, name FROM {ENTITY_STAGING}")).all())
            return
        columns = ", ".join(ENTITY_COLUMNS)
        upserted = connection.execute(text(
            f"WITH upserted AS (INSERT INTO entities AS e ({columns}, former_names, version, created_at, updated_at) "
            f"SELECT {columns}, '[]', 1, now(), now() FROM {ENTITY_STAGING} s WHERE {_NAMED_OTHERWISE} "
            "ON CONFLICT (uscc) DO UPDATE SET name = EXCLUDED.name, name_normalised = EXCLUDED.name_normalised, "
            # The name it had joins the former names; the one it takes back, if any, leaves them.
            "name_as_of = EXCLUDED.name_as_of, "
            "former_names = ((e.former_names::jsonb - EXCLUDED.name) || to_jsonb(e.name))::json, "
            f"version = {next_version('e')}, updated_at = now() "
            "WHERE e.name <> EXCLUDED.name AND (e.name_as_of IS NULL OR EXCLUDED.name_as_of >= e.name_as_of) "
            "RETURNING e.id, e.uscc, e.name, e.former_names, (e.xmax = 0) AS is_new), "
            "history AS (INSERT INTO entity_name_history (entity_id, old_name, new_name, department_id, changed_by, "
            "changed_at) SELECT id, former_names::jsonb ->> -1, name, :department, :by, now() "
            "FROM upserted WHERE NOT is_new) "
            "SELECT id, uscc, is_new FROM upserted"),
            {"department": self.department.id, "by": self.changed_by}).all()
        self.uow.event(ENTITY_ADDED, entities=[entity_id for entity_id, _, is_new in upserted if is_new])
        self.note_renamed([(entity_id, code) for entity_id, code, is_new in upserted if not is_new])

    def _apply(self, columns: tuple, report: str, upsert: bool = True) -> list:
        """The insert (or upsert, with the history of the records it changes), its outbox rows and its
        feed events, in one statement; what `report` selects of the inserted and updated records
        (`changed`; the others were unchanged). The search outbox learns of every changed record and
        of the entities they name, the feed's staging of each record published or updated (with the
        columns it changed): no ids travel back and forth."""
        on_conflict, kept = _upsert_clauses(columns) if upsert else ("", "")
        connection = self.session.connection()
        connection.execute(text(staging_sql()))
        with self.stages.timing("upsert_versions_outbox" if upsert else "insert_outbox"):
            reported = connection.execute(text(
                f"WITH changed AS (INSERT INTO records ({', '.join(columns)}, entity_id, version, created_at, "
                f"updated_at) SELECT {', '.join('s.' + c for c in columns)}, {_ENTITY_OF_ROW}, 1, now(), now() "
                f"FROM {STAGING} s {on_conflict}"
                "RETURNING id, decision_no, party_key, (xmax = 0) AS is_new, entity_id, kind, domain_key, "
                "department_id, party_category, CASE WHEN xmax = 0 THEN NULL ELSE to_jsonb(records) END AS after), "
                f"{kept}"
                f"noted AS ({rows_from_sql('changed')}), "
                f"evented AS ({staged_events_sql(_WITH_FIELDS)}) "
                f"{report}"), {"by": self.changed_by}).all()
        self.uow.changed_in_bulk()
        self.uow.staged_events = True
        return reported


# The changed records with the columns an update changed (NULL for a new record), compared with the
# stored row, which every part of the statement reads as it was before it.
_WITH_FIELDS = (
    "(SELECT c.*, CASE WHEN c.is_new THEN NULL ELSE (SELECT json_agg(o.key ORDER BY o.key) "
    "FROM records r, jsonb_each(to_jsonb(r)) o WHERE r.id = c.id "
    f"AND o.key NOT IN ({', '.join(repr(c) for c in sorted(BOOKKEEPING))}) "
    "AND o.value IS DISTINCT FROM (c.after -> o.key)) END AS fields FROM changed c)"
)


def _upsert_clauses(columns: tuple) -> tuple[str, str]:
    """What makes _apply's insert an upsert: its ON CONFLICT clause, and `kept`, which writes the
    previous state of each updated record to its history. Every part of a statement reads the
    records as they were before it, so `kept` finds that state by the record's id (a fresh import
    looks none up)."""
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*columns, "entity_id", "updated_at"] if c not in NEVER_UPDATED)
    on_conflict = (
        f"ON CONFLICT ({', '.join(NATURAL_KEY)}) DO UPDATE SET {updates}, version = {next_version('records')}, "
        f"status = CASE WHEN records.status IN ({STICKY_STATUSES}) THEN records.status ELSE EXCLUDED.status END "
        "WHERE records.content_hash <> EXCLUDED.content_hash ")
    kept = ("kept AS (INSERT INTO record_versions (record_id, version, change, data, changed_by, changed_at) "
            "SELECT r.id, r.version, 'update', (to_jsonb(r) - 'id')::json, :by, now() "
            "FROM changed c JOIN records r ON r.id = c.id WHERE NOT c.is_new), ")
    return on_conflict, kept
