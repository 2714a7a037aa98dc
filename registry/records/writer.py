"""Batch upsert of validated records by natural key, keeping history: shared by API and imports.

A batch belongs to one source department. Re-sending a record unchanged is a no-op; a changed
record is updated in place with its version bumped and the previous state kept in
record_versions. Entities are created or renamed from the records that name them.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..departments.models import Department
from ..domain import uscc as uscc_rules
from ..domain.names import normalise_name
from ..enterprises.models import Entity
from . import layout
from .models import COLUMN_FOR_KEY, REPAIRED, WITHDRAWN, Record, RecordVersion
from .publicity import PublicityRules

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"
_LAYOUT_COLUMNS = tuple((f.key, COLUMN_FOR_KEY.get(f.key, f.key)) for f in layout.FIELDS)
_SNAPSHOT_COLUMNS = tuple(c.name for c in Record.__table__.columns if c.name not in ("id",))
# Statuses an update must not undo: a withdrawal or a repair stands until acted on explicitly.
_STICKY = frozenset({WITHDRAWN, REPAIRED})


@dataclass
class BatchResult:
    outcomes: list = field(default_factory=list)  # (outcome, record id) per input row, in order
    counts: dict = field(default_factory=lambda: {INSERTED: 0, UPDATED: 0, UNCHANGED: 0})


_HASHED_KEYS = ("kind", *(f.key for f in layout.FIELDS))


def _hash_part(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 0.5 and 0.50 are the same amount
    return str(value)


def content_hash(clean: dict) -> str:
    """A digest of the record's content: equal digests mean re-sending it changes nothing."""
    payload = "\x1f".join([_hash_part(clean.get(key)) for key in _HASHED_KEYS])
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def _columns(clean: dict) -> dict:
    return {column: clean.get(key) for key, column in _LAYOUT_COLUMNS}


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def snapshot(record) -> dict:
    """The stored state of a record (ORM object or row mapping) as JSON for its history."""
    get = record.get if isinstance(record, dict) else lambda c: getattr(record, c)
    return {c: _jsonable(get(c)) for c in _SNAPSHOT_COLUMNS}


class RecordWriter:
    """Writes batches of validated rows for one department inside the caller's transaction."""

    def __init__(self, session: Session, department: Department, rules: PublicityRules, today: date,
                 changed_by: int | None = None):
        self.session = session
        self.department = department
        self.rules = rules
        self.today = today
        self.changed_by = changed_by

    def write(self, rows: list[dict]) -> BatchResult:
        result = BatchResult()
        latest = {}  # natural key -> position of its last occurrence: the last one wins
        for position, row in enumerate(rows):
            latest[(row["decision_no"], row["party_key"])] = position
        entity_ids = self._upsert_entities(rows)
        existing = self._existing(rows)
        inserts, updates, versions = [], [], []
        outcomes = [None] * len(rows)
        for position, row in enumerate(rows):
            key = (row["decision_no"], row["party_key"])
            if latest[key] != position:
                outcomes[position] = (UNCHANGED, None)  # superseded by a later row of the batch
                continue
            digest = content_hash(row)
            current = existing.get(key)
            if current is None:
                inserts.append((position, self._new_row(row, digest, entity_ids)))
            elif current["content_hash"] == digest:
                outcomes[position] = (UNCHANGED, current["id"])
            else:
                updates.append(self._changed_row(row, digest, current, entity_ids))
                versions.append(self._version_of(current, "update"))
                outcomes[position] = (UPDATED, current["id"])
        if inserts:
            ids = self.session.execute(
                insert(Record).returning(Record.id, sort_by_parameter_order=True), [r for _, r in inserts]
            ).scalars().all()
            for (position, _), record_id in zip(inserts, ids):
                outcomes[position] = (INSERTED, record_id)
        if updates:
            self.session.execute(update(Record), updates)
            self.session.execute(insert(RecordVersion), versions)
        result.outcomes = outcomes
        for outcome, _ in outcomes:
            result.counts[outcome] += 1
        return result

    def _existing(self, rows: list[dict]) -> dict:
        numbers = list({row["decision_no"] for row in rows})
        found = {}
        for chunk in _chunks(numbers, 500):
            query = select(Record.__table__).where(
                Record.department_id == self.department.id, Record.decision_no.in_(chunk)
            )
            for current in self.session.execute(query).mappings():
                found[(current["decision_no"], current["party_key"])] = dict(current)
        return found

    def _publicity_columns(self, row: dict, status: str | None) -> dict:
        columns = self.rules.columns_for(row, self.department, self.today)
        if status in _STICKY:
            columns["status"] = status
        return columns

    def _new_row(self, row: dict, digest: str, entity_ids: dict) -> dict:
        return {
            **_columns(row),
            **self._publicity_columns(row, None),
            "kind": row["kind"],
            "department_id": self.department.id,
            "domain_key": self.department.domain_key,
            "entity_id": entity_ids.get(row["uscc"]),
            "party_key": row["party_key"],
            "content_hash": digest,
            "version": 1,
        }

    def _changed_row(self, row: dict, digest: str, current: dict, entity_ids: dict) -> dict:
        return {
            **_columns(row),
            **self._publicity_columns(row, current["status"]),
            "id": current["id"],
            "entity_id": entity_ids.get(row["uscc"]),
            "content_hash": digest,
            "version": current["version"] + 1,
        }

    def _version_of(self, current: dict, change: str) -> dict:
        return {
            "record_id": current["id"],
            "version": current["version"],
            "change": change,
            "data": snapshot(current),
            "changed_by": self.changed_by,
        }

    def _upsert_entities(self, rows: list[dict]) -> dict:
        """Create missing entities and rename those a newer decision names differently."""
        newest = {}
        for row in rows:
            code = row["uscc"]
            if code and (code not in newest or row["decision_date"] >= newest[code]["decision_date"]):
                newest[code] = row
        ids = {}
        for chunk in _chunks(list(newest), 500):
            query = select(Entity.id, Entity.uscc, Entity.name, Entity.former_names, Entity.name_as_of,
                           Entity.version).where(Entity.uscc.in_(chunk))
            for entity in self.session.execute(query):
                ids[entity.uscc] = entity.id
                row = newest[entity.uscc]
                renamed = row["party_name"] != entity.name
                if renamed and (entity.name_as_of is None or row["decision_date"] >= entity.name_as_of):
                    self.session.execute(update(Entity).where(Entity.id == entity.id).values(
                        name=row["party_name"], name_normalised=normalise_name(row["party_name"]),
                        former_names=[*(entity.former_names or []), entity.name],
                        name_as_of=row["decision_date"], version=entity.version + 1,
                    ))
        missing = [newest[code] for code in newest if code not in ids]
        if missing:
            created = self.session.execute(
                insert(Entity).returning(Entity.uscc, Entity.id), [self._new_entity(row) for row in missing]
            )
            ids.update(dict(created.all()))
        return ids

    @staticmethod
    def _new_entity(row: dict) -> dict:
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


def writer_for(session: Session, department: Department, rules: PublicityRules, today: date,
               changed_by: int | None = None) -> RecordWriter:
    """The bulk writer suited to the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        from .pg_writer import CopyRecordWriter

        return CopyRecordWriter(session, department, rules, today, changed_by)
    return RecordWriter(session, department, rules, today, changed_by)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
