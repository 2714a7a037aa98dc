"""Batch upsert of prepared records by natural key, keeping history: shared by API and imports.

A batch belongs to one source department. Re-sending a record unchanged is a no-op; a changed
record is updated in place with its version bumped and the previous state kept in
record_versions. Entities are created from the records that name them, and renamed only by the
registration authority's (registry.enterprises.services.names_entities), each rename kept in
entity_name_history; another department's name stays on its record, and one that is not the entity's
(or a former) name comes back as a warning.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from .. import changes
from ..access.services import Viewer
from ..db import among, lock_for_writing, sqlite_timestamp, utcnow
from ..departments.models import Department
from ..enterprises.models import EntityNameChange
from ..enterprises.services import NameMismatch, names_entities, names_off_register
from ..stages import StageTimes
from ..uow import UnitOfWork, next_version
from .encoders import ENTITY_COLUMNS, ParameterBatch, RowParameters, natural_key
from .models import REPAIRED, WITHDRAWN, Record, RecordVersion
from .prepare import PREPARED_COLUMNS, DepartmentRef, PreparedBatch, position, prepare_batch
from .publicity import PublicityRules

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"
# The audit trail's action for a record written so (an unchanged one is not recorded).
AUDITED = {INSERTED: "record.insert", UPDATED: "record.update"}
_SNAPSHOT_COLUMNS = tuple(c.name for c in Record.__table__.columns if c.name not in ("id",))
NATURAL_KEY = ("department_id", "decision_no", "party_key")
# Columns an update leaves alone; status is set by a CASE that keeps the sticky statuses.
NEVER_UPDATED = frozenset({*NATURAL_KEY, "created_at", "version", "status"})
# Statuses an update must not undo, as an SQL list: a withdrawal or a repair stands until acted on explicitly.
STICKY_STATUSES = f"'{WITHDRAWN}', '{REPAIRED}'"
_CONTENT_HASH = position("content_hash")


@dataclass
class BatchResult:
    outcomes: list = field(default_factory=list)  # (outcome, record id) per input row, in order
    counts: dict = field(default_factory=lambda: {INSERTED: 0, UPDATED: 0, UNCHANGED: 0})


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


# Columns whose change is no change a partner sees (the feed's updated event leaves them out).
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at", "content_hash"})


def changed_fields(before, after) -> list[str]:
    """The columns (other than bookkeeping) whose values differ between two states of a record."""
    return sorted(c for c in after.keys() if c not in BOOKKEEPING and before[c] != after[c])


def snapshot(record) -> dict:
    """The stored state of a record (ORM object or row mapping) as JSON for its history."""
    get = record.get if isinstance(record, dict) else lambda c: getattr(record, c)
    return {c: _jsonable(get(c)) for c in _SNAPSHOT_COLUMNS}


class RecordWriter:
    """Writes batches of validated rows for one department in the caller's unit of work.

    On SQLite a batch is inserted as it is (ON CONFLICT DO NOTHING); the records that were already
    there are then looked up, compared and updated. A new import is all inserts: no look-up per row.
    """

    def __init__(self, uow: UnitOfWork, department: Department, rules: PublicityRules, today: date,
                 actor: Viewer | None = None, stages: StageTimes | None = None):
        self.uow = uow
        self.session = uow.session
        self.department = department
        self.rules = rules
        self.today = today
        self.actor = actor
        self.changed_by = actor.principal_id if actor else None
        self.stages = StageTimes() if stages is None else stages  # where the writing time goes
        self.names_entities = names_entities(department)
        self.name_warnings: list[NameMismatch] = []  # of every batch written, for another department

    def write_clean(self, clean_rows: list[dict]) -> BatchResult:
        """Prepare validated rows here and write them (the API's path; imports prepare in a worker)."""
        department = DepartmentRef.of(self.department)
        return self.write(prepare_batch(clean_rows, department, self.rules, self.today))

    # How workers turn a batch's prepared rows into what write_encoded takes (a module-level class).
    encoder = RowParameters

    def write_encoded(self, batch: ParameterBatch) -> dict:
        """Write a batch made by an `encoder`; the counts of inserted, updated and unchanged rows."""
        counts = {INSERTED: 0, UPDATED: 0, UNCHANGED: 0}
        for outcome, _ in self._apply(batch).values() if batch.records else ():
            counts[outcome] += 1
        counts[UNCHANGED] = batch.rows - counts[INSERTED] - counts[UPDATED]  # later duplicates of a key too
        return counts

    def write(self, batch: PreparedBatch) -> BatchResult:
        """Write a prepared batch; outcomes come back in its rows' order."""
        outcomes = self._apply(self.encoder.encode(batch)) if batch.size else {}
        keys = batch.natural_keys()
        last = {key: position for position, key in enumerate(keys)}
        result = BatchResult()
        # A row superseded by a later one of the same natural key is reported unchanged, without an id.
        result.outcomes = [
            outcomes[key] if last[key] == position else (UNCHANGED, None) for position, key in enumerate(keys)
        ]
        for outcome, _ in result.outcomes:
            result.counts[outcome] += 1
        return result

    def _apply(self, batch: ParameterBatch) -> dict:
        """Write a batch; (outcome, record id) by natural key."""
        lock_for_writing(self.session.connection())  # before the batch's reads: they decide what it writes
        connection = self.session.connection().connection.driver_connection
        stamp = sqlite_timestamp(utcnow())
        with self.stages.timing("entities"):
            [(first_new,)] = connection.execute("SELECT coalesce(max(id), 0) FROM entities")
            new, named_otherwise = _unsettled(connection, batch.entities)
            if self.names_entities:
                self._name_entities(connection, stamp, new, named_otherwise)
            else:
                connection.executemany(_entity_insert(stamp), new)
                self.check_names([(code, name) for (code, name, *_), _ in named_otherwise])
            self.uow.event(changes.ENTITY_ADDED, entities=[entity_id for (entity_id,) in connection.execute(
                "SELECT id FROM entities WHERE id > ?", (first_new,))])
        with self.stages.timing("insert"):
            [(before,)] = connection.execute("SELECT coalesce(max(id), 0) FROM records")
            connection.executemany(_record_insert(stamp), batch.records)
            # New rows take ids above the largest there was: no look-up of each row's id.
            created = connection.execute(
                "SELECT decision_no, party_key, id, entity_id FROM records WHERE id > ?", (before,)
            ).fetchall()
        outcomes = {(number, party): (INSERTED, record_id) for number, party, record_id, _ in created}
        entity_ids = [entity_id for *_, entity_id in created]
        if len(outcomes) < len(batch.records):
            with self.stages.timing("update_and_versions"):
                entity_ids += self._update_existing(batch, outcomes)
        with self.stages.timing("outbox"):
            changed = [record_id for outcome, record_id in outcomes.values() if outcome != UNCHANGED]
            self.uow.changed(records=changed, entities=entity_ids)
            self.uow.event(changes.PUBLISHED, records=[record_id for outcome, record_id in outcomes.values()
                                               if outcome == INSERTED])
        return outcomes

    def _name_entities(self, connection, stamp: str, new: list, named_otherwise: list) -> None:
        """Create and rename entities, keeping each rename's history (the registration authority's batch):
        of those stored under another name, the ones a newer decision names are renamed."""
        connection.executemany(_entity_upsert(stamp), [*new, *(entity for entity, _ in named_otherwise)])
        before = {entity[0]: stored for entity, stored in named_otherwise}
        after = connection.execute("SELECT id, uscc, name FROM entities WHERE uscc IN (SELECT value FROM json_each(?))",
                                   (json.dumps(list(before)),)).fetchall() if before else ()
        renamed = [(entity_id, code, before[code], name) for entity_id, code, name in after if before[code] != name]
        if renamed:
            self.session.execute(insert(EntityNameChange), [
                {"entity_id": entity_id, "old_name": old, "new_name": new, "department_id": self.department.id,
                 "changed_by": self.changed_by, "changed_at": utcnow()} for entity_id, _, old, new in renamed])
        self.note_renamed([(entity_id, code) for entity_id, code, _, _ in renamed])

    def check_names(self, named: list[tuple[str, str]]) -> None:
        """Warn of the names another department's batch gives that are not its entities' (nor former) names."""
        self.name_warnings += names_off_register(self.session, named)

    def note_renamed(self, renamed: list[tuple[int, str]]) -> None:
        """One audit entry and a feed event for the entities (id, USCC) a batch renamed (a newer decision
        names them otherwise), if any."""
        if renamed:
            self.uow.audit("entity.rename", self.actor, "entity", details={"codes": sorted(c for _, c in renamed)})
            self.uow.event(changes.ENTITY_RENAMED, entities=[entity_id for entity_id, _ in renamed])

    def _update_existing(self, batch: ParameterBatch, outcomes: dict) -> list:
        """Compare the batch's records that were already stored and update the changed ones, keeping
        their previous versions; records their outcomes and returns the entity ids they now name."""
        stored = {key: params for params in batch.records if (key := natural_key(params)) not in outcomes}
        current = self._existing(list(stored))
        changed = []
        for key, params in stored.items():
            record = current[key]
            unchanged = record["content_hash"] == params[_CONTENT_HASH]
            outcomes[key] = (UNCHANGED if unchanged else UPDATED, record["id"])
            if not unchanged:
                changed.append((params, record))
        if not changed:
            return []
        current_by_id = {record["id"]: record for _, record in changed}
        self.session.execute(insert(RecordVersion), [self._version_of(record, "update") for _, record in changed])
        connection = self.session.connection().connection.driver_connection
        connection.executemany(_record_update(sqlite_timestamp(utcnow())), [params for params, _ in changed])
        ids = [record["id"] for _, record in changed]
        after = self.session.connection().execute(
            select(*Record.__table__.columns).where(among(Record.id, ids, "sqlite"))).mappings().all()
        for new in after:
            self.uow.event(changes.UPDATED, records=[new["id"]], fields=changed_fields(current_by_id[new["id"]], new))
        return [new["entity_id"] for new in after]

    def _existing(self, keys: list) -> dict:
        """The stored records of these natural keys, by key."""
        found = {}
        for chunk in _chunks(list({number for number, _ in keys}), 500):
            query = select(*Record.__table__.columns).where(
                Record.department_id == self.department.id, Record.decision_no.in_(chunk)
            )
            for current in self.session.connection().execute(query).mappings():
                found[(current["decision_no"], current["party_key"])] = dict(current)
        return found

    def _version_of(self, current: dict, change: str) -> dict:
        return {
            "record_id": current["id"],
            "version": current["version"],
            "change": change,
            "data": snapshot(current),
            "changed_by": self.changed_by,
        }


# Each prepared column's numbered SQLite parameter (?1, ?2, ...), so that a statement can name one twice.
_PARAMETER = {name: f"?{i}" for i, name in enumerate(PREPARED_COLUMNS, 1)}
_ENTITY_ID = f"(SELECT id FROM entities WHERE uscc = {_PARAMETER['uscc']})"


def _record_insert(stamp: str) -> str:
    return (
        f"INSERT INTO records ({', '.join(PREPARED_COLUMNS)}, entity_id, version, created_at, updated_at) "
        f"VALUES ({', '.join(_PARAMETER.values())}, {_ENTITY_ID}, 1, '{stamp}', '{stamp}') "
        f"ON CONFLICT ({', '.join(NATURAL_KEY)}) DO NOTHING"
    )


def _record_update(stamp: str) -> str:
    assignments = ", ".join(f"{c} = {p}" for c, p in _PARAMETER.items() if c not in NEVER_UPDATED)
    return (
        f"UPDATE records SET {assignments}, entity_id = {_ENTITY_ID}, version = {next_version('records')}, "
        f"updated_at = '{stamp}', "
        f"status = CASE WHEN status IN ({STICKY_STATUSES}) THEN status ELSE {_PARAMETER['status']} END "
        f"WHERE {' AND '.join(f'{c} = {_PARAMETER[c]}' for c in NATURAL_KEY)}"
    )


# Of a batch's entities (as JSON [USCC, name] pairs), those not stored yet (no id) and those stored under
# another name (with it): the rest, most of a large import's after its first batches, need no statement.
_UNSETTLED = ("SELECT j.key, e.id, e.name FROM json_each(?) AS j LEFT JOIN entities AS e ON e.uscc = j.value ->> 0 "
              "WHERE e.id IS NULL OR e.name <> j.value ->> 1")


def _unsettled(connection, entities: list) -> tuple[list, list]:
    """A batch's entities (ENTITY_COLUMNS) not stored yet, and those stored under another name with
    that name: an entity stored under the name the batch gives it is left as it is (neither an
    upsert nor a name check would change or say anything)."""
    if not entities:
        return [], []
    pairs = json.dumps([entity[:2] for entity in entities], ensure_ascii=False)
    new, named_otherwise = [], []
    for index, entity_id, stored in connection.execute(_UNSETTLED, (pairs,)):
        if entity_id is None:
            new.append(entities[index])
        else:
            named_otherwise.append((entities[index], stored))
    return new, named_otherwise


def _entity_insert(stamp: str) -> str:
    """Create missing entities, named for now by another department's record (name_as_of left empty:
    the registration authority's first record renames it whatever its date)."""
    values = ", ".join("NULL" if column == "name_as_of" else f"?{i}" for i, column in enumerate(ENTITY_COLUMNS, 1))
    return (f"INSERT INTO entities ({', '.join(ENTITY_COLUMNS)}, former_names, version, created_at, updated_at) "
            f"VALUES ({values}, '[]', 1, '{stamp}', '{stamp}') ON CONFLICT (uscc) DO NOTHING")


def _entity_upsert(stamp: str) -> str:
    """Create missing entities and rename those a newer decision names differently (same rule as
    PostgreSQL's upsert in pg_writer)."""
    return (
        f"INSERT INTO entities ({', '.join(ENTITY_COLUMNS)}, former_names, version, created_at, updated_at) "
        f"VALUES ({', '.join('?' * len(ENTITY_COLUMNS))}, '[]', 1, '{stamp}', '{stamp}') "
        "ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, name_normalised = excluded.name_normalised, "
        "name_as_of = excluded.name_as_of, "
        # The name it had joins the former names; the one it takes back, if any, leaves them.
        "former_names = (SELECT json_group_array(value) FROM (SELECT value FROM json_each(entities.former_names) "
        "WHERE value <> excluded.name UNION ALL SELECT entities.name)), "
        f"version = {next_version('entities')}, updated_at = excluded.updated_at "
        "WHERE entities.name <> excluded.name "
        "AND (entities.name_as_of IS NULL OR excluded.name_as_of >= entities.name_as_of)"
    )


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
