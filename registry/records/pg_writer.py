"""The PostgreSQL bulk path: COPY a batch into a staging table, then one set-based upsert.

Same contract as RecordWriter (outcomes per row, history of changed rows, sticky statuses);
only the mechanics differ, so the API and imports get the same answers on both databases.
"""

import json

from sqlalchemy import text

from search.outbox import enqueue, enqueue_entities_of

from ..db import utcnow
from .models import REPAIRED, WITHDRAWN
from .writer import INSERTED, UNCHANGED, UPDATED, BatchResult, RecordWriter, newest_per_entity

STAGING = "record_staging"
ENTITY_STAGING = "entity_staging"
_ENTITY_STAGING = ("uscc", "name", "name_normalised", "name_as_of", "party_category", "district_code", "legal_rep",
                   "legal_rep_id_type", "legal_rep_id_no")
_KEY = ("department_id", "decision_no", "party_key")
_JOIN = " AND ".join(f"r.{c} = s.{c}" for c in _KEY)
_JSON_COLUMNS = frozenset({"penalty_types", "former_names"})
_NEVER_UPDATED = frozenset({*_KEY, "created_at", "version", "status"})


class CopyRecordWriter(RecordWriter):
    """RecordWriter for PostgreSQL: rows travel by COPY, the upsert is one statement."""

    def write(self, rows: list[dict], with_ids: bool = True) -> BatchResult:
        kept, outcomes = self._deduplicated(rows)
        if kept:
            self._upsert_entities([row for _, row in kept])
            now = utcnow()
            prepared = [{**row, "version": 1, "row_index": position, "created_at": now, "updated_at": now}
                        for position, row in kept]
            self._fill(STAGING, "records", prepared)
            self._apply(prepared, outcomes, with_ids)
        result = BatchResult(outcomes=outcomes)
        for outcome, _ in outcomes:
            result.counts[outcome] += 1
        return result

    def _copy(self, table_name: str, rows: list[dict]) -> None:
        columns = list(rows[0])
        # JSON lists (penalty types, former names) travel as JSON text; psycopg adapts the rest.
        lists = [i for i, c in enumerate(columns) if isinstance(rows[0][c], list) or c in _JSON_COLUMNS]
        raw = self.session.connection().connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
            for values in rows:
                line = [values[c] for c in columns]
                for i in lists:
                    if line[i] is not None:
                        line[i] = json.dumps(line[i], ensure_ascii=False)
                copy.write_row(line)

    @staticmethod
    def _deduplicated(rows: list[dict]):
        """The last occurrence of a natural key wins; earlier ones count as unchanged."""
        last = {}
        for position, row in enumerate(rows):
            last[(row["decision_no"], row["party_key"])] = position
        outcomes = [(UNCHANGED, None)] * len(rows)
        return [(p, rows[p]) for p in sorted(last.values())], outcomes

    def _fill(self, staging: str, like: str, rows: list[dict]) -> None:
        """COPY rows into a session-private staging table shaped like `like` (plus row_index)."""
        columns = list(rows[0])
        connection = self.session.connection()
        if connection.execute(text(f"SELECT to_regclass('pg_temp.{staging}')")).scalar() is None:
            shared = ", ".join(c for c in columns if c != "row_index")
            connection.execute(text(f"CREATE TEMP TABLE {staging} AS SELECT {shared} FROM {like} WITH NO DATA"))
            if "row_index" in columns:
                connection.execute(text(f"ALTER TABLE {staging} ADD COLUMN row_index integer"))
        connection.execute(text(f"TRUNCATE {staging}"))
        self._copy(staging, rows)

    def _upsert_entities(self, rows: list[dict]) -> None:
        """Create missing entities and rename those a newer decision names differently, set-based;
        records find their entity by USCC in the upsert itself."""
        entities = [{key: entity[key] for key in _ENTITY_STAGING}
                    for entity in map(self._new_entity, newest_per_entity(rows).values())]
        if not entities:
            return
        self._fill(ENTITY_STAGING, "entities", entities)
        connection = self.session.connection()
        connection.execute(text(
            "UPDATE entities e SET name = s.name, name_normalised = s.name_normalised, name_as_of = s.name_as_of, "
            "former_names = (e.former_names::jsonb || to_jsonb(e.name))::json, version = e.version + 1, "
            f"updated_at = now() FROM {ENTITY_STAGING} s WHERE e.uscc = s.uscc AND e.name <> s.name "
            "AND (e.name_as_of IS NULL OR s.name_as_of >= e.name_as_of)"))
        columns = ", ".join(_ENTITY_STAGING)
        connection.execute(text(
            f"INSERT INTO entities ({columns}, former_names, version, created_at, updated_at) "
            f"SELECT {columns}, '[]', 1, now(), now() FROM {ENTITY_STAGING} ON CONFLICT (uscc) DO NOTHING"))

    def _apply(self, prepared: list[dict], outcomes: list, with_ids: bool) -> None:
        """History of changed rows, then the upsert; rows it does not return were unchanged."""
        connection = self.session.connection()
        if with_ids:  # unchanged rows keep their id in the outcome (the API reports it)
            for position, record_id in connection.execute(text(
                    f"SELECT s.row_index, r.id FROM {STAGING} s JOIN records r ON {_JOIN}")):
                outcomes[position] = (UNCHANGED, record_id)
        connection.execute(text(
            "INSERT INTO record_versions (record_id, version, change, data, changed_by, changed_at) "
            "SELECT r.id, r.version, 'update', (to_jsonb(r) - 'id')::json, :by, now() "
            f"FROM records r JOIN {STAGING} s ON {_JOIN} WHERE r.content_hash <> s.content_hash"),
            {"by": self.changed_by})
        columns = [c for c in prepared[0] if c != "row_index"]
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*columns, "entity_id"] if c not in _NEVER_UPDATED)
        inserted = connection.execute(text(
            f"INSERT INTO records ({', '.join(columns)}, entity_id) "
            f"SELECT {', '.join('s.' + c for c in columns)}, e.id FROM {STAGING} s "
            "LEFT JOIN entities e ON e.uscc = s.uscc "
            f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}, version = records.version + 1, "
            f"status = CASE WHEN records.status IN ('{WITHDRAWN}', '{REPAIRED}') THEN records.status "
            "ELSE EXCLUDED.status END "
            "WHERE records.content_hash <> EXCLUDED.content_hash "
            "RETURNING id, decision_no, party_key, (xmax = 0), uscc")).all()
        position_of = {(v["decision_no"], v["party_key"]): v["row_index"] for v in prepared}
        for record_id, decision_no, party_key, is_new, _ in inserted:
            outcomes[position_of[(decision_no, party_key)]] = (INSERTED if is_new else UPDATED, record_id)
        enqueue(self.session, records=[row[0] for row in inserted])
        enqueue_entities_of(self.session, [row[4] for row in inserted])

