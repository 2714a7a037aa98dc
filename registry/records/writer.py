"""Batch upsert of prepared records by natural key, keeping history: shared by API and imports.

A batch belongs to one source department. Re-sending a record unchanged is a no-op; a changed
record is updated in place with its version bumped and the previous state kept in
record_versions. Entities are created or renamed from the records that name them.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import JSON, Date, DateTime, Numeric, insert, select, update
from sqlalchemy.orm import Session

from search.outbox import enqueue

from ..db import sqlite_timestamp, utcnow
from ..departments.models import Department
from ..domain import uscc as uscc_rules
from ..domain.names import normalise_name
from ..enterprises.models import Entity
from ..stages import StageTimes
from .models import REPAIRED, WITHDRAWN, Record, RecordVersion
from .prepare import DepartmentRef, prepare
from .publicity import PublicityRules

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"
_SNAPSHOT_COLUMNS = tuple(c.name for c in Record.__table__.columns if c.name not in ("id",))
_KEY_COLUMNS = (Record.id, Record.decision_no, Record.party_key)
# Statuses an update must not undo: a withdrawal or a repair stands until acted on explicitly.
_STICKY = frozenset({WITHDRAWN, REPAIRED})


@dataclass
class BatchResult:
    outcomes: list = field(default_factory=list)  # (outcome, record id) per input row, in order
    counts: dict = field(default_factory=lambda: {INSERTED: 0, UPDATED: 0, UNCHANGED: 0})


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def snapshot(record) -> dict:
    """The stored state of a record (ORM object or row mapping) as JSON for its history."""
    get = record.get if isinstance(record, dict) else lambda c: getattr(record, c)
    return {c: _jsonable(get(c)) for c in _SNAPSHOT_COLUMNS}


@dataclass
class PreparedBatch:
    """RecordWriter's form of a batch: prepared rows and the columns of the entities they name,
    made by `prepared_batch` (in a worker process for imports: naming an entity is costly)."""

    rows: list
    entities: dict  # USCC -> entity_columns of the newest row naming it


def prepared_batch(rows: list[dict]) -> PreparedBatch:
    return PreparedBatch(rows, {code: entity_columns(row) for code, row in newest_per_entity(rows).items()})


class PreparedRows:
    """RecordWriter's encoder: collects a batch's prepared rows, then makes its PreparedBatch."""

    def __init__(self):
        self.rows = []

    def add(self, row: dict) -> None:
        self.rows.append(row)

    def finish(self) -> PreparedBatch:
        return prepared_batch(self.rows)


class RecordWriter:
    """Writes batches of validated rows for one department inside the caller's transaction."""

    def __init__(self, session: Session, department: Department, rules: PublicityRules, today: date,
                 changed_by: int | None = None, stages: StageTimes | None = None):
        self.session = session
        self.department = department
        self.rules = rules
        self.today = today
        self.changed_by = changed_by
        self.stages = StageTimes() if stages is None else stages  # where the writing time goes

    def write_clean(self, clean_rows: list[dict]) -> BatchResult:
        """Prepare validated rows here and write them (the API's path; imports prepare in a worker)."""
        department = DepartmentRef.of(self.department)
        return self.write([prepare(row, department, self.rules, self.today) for row in clean_rows])

    # How workers turn a batch's prepared rows into what write_encoded takes (a module-level class).
    encoder = PreparedRows

    def write_encoded(self, batch: PreparedBatch) -> dict:
        """Write a batch made by an `encoder`; the counts of inserted, updated and unchanged rows."""
        return self._write(batch).counts

    def write(self, rows: list[dict]) -> BatchResult:
        """Write prepared rows (registry.records.prepare); outcomes come back in input order."""
        return self._write(prepared_batch(rows))

    def _write(self, batch: PreparedBatch) -> BatchResult:
        rows = batch.rows
        result = BatchResult()
        latest = {}  # natural key -> position of its last occurrence: the last one wins
        for position, row in enumerate(rows):
            latest[(row["decision_no"], row["party_key"])] = position
        with self.stages.timing("entities"):
            entity_ids = self._upsert_entities(batch.entities)
        with self.stages.timing("lookup"):
            existing = self._existing(rows)
        inserts, updates, versions = [], [], []
        outcomes = [None] * len(rows)
        for position, row in enumerate(rows):
            key = (row["decision_no"], row["party_key"])
            if latest[key] != position:
                outcomes[position] = (UNCHANGED, None)  # superseded by a later row of the batch
                continue
            current = existing.get(key)
            if current is None:
                row.update(entity_id=entity_ids.get(row["uscc"]), version=1)  # the batch's own dict: no copy
                inserts.append((position, row))
            elif current["content_hash"] == row["content_hash"]:
                outcomes[position] = (UNCHANGED, current["id"])
            else:
                updates.append(self._changed_row(row, current, entity_ids))
                versions.append(self._version_of(current, "update"))
                outcomes[position] = (UPDATED, current["id"])
        if inserts:
            # Plain executemany, then one look-up of the new ids: RETURNING row by row is far slower.
            with self.stages.timing("insert"):
                self._insert(Record.__table__, [r for _, r in inserts])
                created = self._existing([rows[position] for position, _ in inserts], _KEY_COLUMNS)
            for position, _ in inserts:
                row = rows[position]
                outcomes[position] = (INSERTED, created[(row["decision_no"], row["party_key"])]["id"])
        if updates:
            with self.stages.timing("update_and_versions"):
                self.session.execute(update(Record), updates)
                self.session.execute(insert(RecordVersion), versions)
        changed = [position for position, (outcome, _) in enumerate(outcomes) if outcome != UNCHANGED]
        with self.stages.timing("outbox"):
            enqueue(self.session, records=[outcomes[p][1] for p in changed],
                    entities=[entity_ids.get(rows[p]["uscc"]) for p in changed])
        result.outcomes = outcomes
        for outcome, _ in outcomes:
            result.counts[outcome] += 1
        return result

    def _insert(self, table, rows: list[dict]) -> None:
        """Insert with the driver's own executemany: SQLAlchemy's per-row parameter handling and
        its multi-VALUES batching (16 rows a statement at 60 columns) cost more than the insert."""
        columns = list(rows[0])
        encoders = [(i, encoder) for i, c in enumerate(columns)
                    if (encoder := _sqlite_encoder(table.columns[c].type)) is not None]
        stamps = (sqlite_timestamp(utcnow()),) * 2  # created_at, updated_at: encoded once a batch
        statement = (f"INSERT INTO {table.name} ({', '.join(columns)}, created_at, updated_at) "
                     f"VALUES ({', '.join('?' * (len(columns) + 2))})")
        self.session.connection().connection.driver_connection.executemany(
            statement, _sqlite_lines(rows, columns, encoders, stamps))

    def _existing(self, rows: list[dict], columns=None) -> dict:
        numbers = list({row["decision_no"] for row in rows})
        found = {}
        for chunk in _chunks(numbers, 500):
            query = select(*(columns or Record.__table__.columns)).where(
                Record.department_id == self.department.id, Record.decision_no.in_(chunk)
            )
            for current in self.session.connection().execute(query).mappings():
                found[(current["decision_no"], current["party_key"])] = dict(current)
        return found

    @staticmethod
    def _changed_row(row: dict, current: dict, entity_ids: dict) -> dict:
        changed = {**row, "id": current["id"], "entity_id": entity_ids.get(row["uscc"]),
                   "version": current["version"] + 1, "updated_at": utcnow()}
        if current["status"] in _STICKY:
            changed["status"] = current["status"]
        for fixed in ("department_id", "decision_no", "party_key"):
            del changed[fixed]
        return changed

    def _version_of(self, current: dict, change: str) -> dict:
        return {
            "record_id": current["id"],
            "version": current["version"],
            "change": change,
            "data": snapshot(current),
            "changed_by": self.changed_by,
        }

    def _upsert_entities(self, entities: dict) -> dict:
        """Create missing entities and rename those a newer decision names differently; their ids by USCC."""
        ids = {}
        for chunk in _chunks(list(entities), 500):
            query = select(Entity.id, Entity.uscc, Entity.name, Entity.former_names, Entity.name_as_of,
                           Entity.version).where(Entity.uscc.in_(chunk))
            for entity in self.session.connection().execute(query):
                ids[entity.uscc] = entity.id
                named = entities[entity.uscc]
                renamed = named["name"] != entity.name
                if renamed and (entity.name_as_of is None or named["name_as_of"] >= entity.name_as_of):
                    self.session.execute(update(Entity).where(Entity.id == entity.id).values(
                        name=named["name"], name_normalised=named["name_normalised"],
                        former_names=[*(entity.former_names or []), entity.name],
                        name_as_of=named["name_as_of"], version=entity.version + 1,
                    ))
        missing = [entities[code] for code in entities if code not in ids]
        if missing:
            self._insert(Entity.__table__, missing)
            for chunk in _chunks([row["uscc"] for row in missing], 500):
                query = select(Entity.uscc, Entity.id).where(Entity.uscc.in_(chunk))
                ids.update(self.session.connection().execute(query).all())
        return ids


def entity_columns(row: dict) -> dict:
    """The columns of a new entity, from the row that names it."""
    return {
        "uscc": row["uscc"],
        "name": row["party_name"],
        "name_normalised": normalise_name(row["party_name"]),
        "former_names": [],
        "name_as_of": row["decision_date"],
        "party_category": row["party_category"],
        "district_code": uscc_rules.division(row["uscc"]),
        "legal_rep": row.get("legal_rep"),
        "legal_rep_id_type": row.get("legal_rep_id_type"),
        "legal_rep_id_no": row.get("legal_rep_id_no"),
        "version": 1,
    }


def newest_per_entity(rows: list[dict]) -> dict:
    """For each USCC in the batch, the row with the latest decision: it names the entity."""
    newest = {}
    for row in rows:
        code = row["uscc"]
        if code and (code not in newest or row["decision_date"] >= newest[code]["decision_date"]):
            newest[code] = row
    return newest


def _sqlite_lines(rows: list[dict], columns: list, encoders: list, stamps: tuple):
    """The parameters of each row, made as executemany takes them: a batch's are never all held."""
    for row in rows:
        line = [row[c] for c in columns]
        for i, encode in encoders:
            if line[i] is not None:
                line[i] = encode(line[i])
        line += stamps
        yield line


@lru_cache(maxsize=4096)
def json_text(items: tuple) -> str:
    """A list as JSON text, cached: penalty types come in a few combinations, over and over."""
    return json.dumps(list(items), ensure_ascii=False)


def _sqlite_encoder(column_type):
    """How SQLAlchemy would store a non-null value of this type in SQLite (None: as it is)."""
    if isinstance(column_type, DateTime):
        return sqlite_timestamp
    if isinstance(column_type, Date):
        return date.isoformat
    if isinstance(column_type, JSON):
        return lambda v: json_text(tuple(v))
    if isinstance(column_type, Numeric):
        return str
    return None


def writer_for(session: Session, department: Department, rules: PublicityRules, today: date,
               changed_by: int | None = None, stages: StageTimes | None = None) -> RecordWriter:
    """The bulk writer suited to the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        from .pg_writer import CopyRecordWriter

        return CopyRecordWriter(session, department, rules, today, changed_by, stages)
    return RecordWriter(session, department, rules, today, changed_by, stages)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
