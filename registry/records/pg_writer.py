"""The PostgreSQL bulk path: COPY a batch into a staging table, then one set-based upsert.

Same contract as RecordWriter (outcomes per row, history of changed rows, sticky statuses);
only the mechanics differ, so the API and imports get the same answers on both databases.
"""

import json

from sqlalchemy import text

from ..db import utcnow
from .models import REPAIRED, WITHDRAWN
from .writer import INSERTED, UNCHANGED, UPDATED, BatchResult, RecordWriter

STAGING = "record_staging"
_KEY = ("department_id", "decision_no", "party_key")
_JOIN = " AND ".join(f"r.{c} = s.{c}" for c in _KEY)
_JSON_COLUMNS = frozenset({"penalty_types", "former_names"})
_NEVER_UPDATED = frozenset({*_KEY, "created_at", "version", "status"})


class CopyRecordWriter(RecordWriter):
    """RecordWriter for PostgreSQL: rows travel by COPY, the upsert is one statement."""

    def write(self, rows: list[dict]) -> BatchResult:
        kept, outcomes = self._deduplicated(rows)
        entity_ids = self._upsert_entities([row for _, row in kept])
        now = utcnow()
        prepared = []
        for position, row in kept:
            values = {**row, "entity_id": entity_ids.get(row["uscc"]), "version": 1, "row_index": position,
                      "created_at": now, "updated_at": now}
            prepared.append(values)
        if prepared:
            self._fill_staging(prepared)
            self._apply(prepared, outcomes)
        result = BatchResult(outcomes=outcomes)
        for outcome, _ in outcomes:
            result.counts[outcome] += 1
        return result

    def _insert(self, table, rows: list[dict]) -> None:
        now = utcnow()
        for row in rows:
            row.setdefault("created_at", now)
            row.setdefault("updated_at", now)
        self._copy(table.name, rows)

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

    def _fill_staging(self, prepared: list[dict]) -> None:
        columns = list(prepared[0])
        connection = self.session.connection()
        exists = connection.execute(text(f"SELECT to_regclass('pg_temp.{STAGING}')")).scalar()
        if exists is None:
            record_columns = ", ".join(c for c in columns if c != "row_index")
            connection.execute(text(
                f"CREATE TEMP TABLE {STAGING} AS SELECT {record_columns} FROM records WITH NO DATA"))
            connection.execute(text(f"ALTER TABLE {STAGING} ADD COLUMN row_index integer"))
        connection.execute(text(f"TRUNCATE {STAGING}"))
        self._copy(STAGING, prepared)

    def _apply(self, prepared: list[dict], outcomes: list) -> None:
        connection = self.session.connection()
        existing = connection.execute(text(
            f"SELECT s.row_index, r.id, r.content_hash = s.content_hash FROM {STAGING} s "
            f"JOIN records r ON {_JOIN}")).all()
        for position, record_id, same in existing:
            outcomes[position] = (UNCHANGED if same else UPDATED, record_id)
        connection.execute(text(
            "INSERT INTO record_versions (record_id, version, change, data, changed_by, changed_at) "
            "SELECT r.id, r.version, 'update', (to_jsonb(r) - 'id')::json, :by, now() "
            f"FROM records r JOIN {STAGING} s ON {_JOIN} WHERE r.content_hash <> s.content_hash"),
            {"by": self.changed_by})
        columns = [c for c in prepared[0] if c != "row_index"]
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in _NEVER_UPDATED)
        inserted = connection.execute(text(
            f"INSERT INTO records ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {STAGING} "
            f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}, version = records.version + 1, "
            f"status = CASE WHEN records.status IN ('{WITHDRAWN}', '{REPAIRED}') THEN records.status "
            "ELSE EXCLUDED.status END "
            "WHERE records.content_hash <> EXCLUDED.content_hash "
            "RETURNING id, decision_no, party_key, (xmax = 0)")).all()
        position_of = {(v["decision_no"], v["party_key"]): v["row_index"] for v in prepared}
        for record_id, decision_no, party_key, is_new in inserted:
            if is_new:
                outcomes[position_of[(decision_no, party_key)]] = (INSERTED, record_id)

