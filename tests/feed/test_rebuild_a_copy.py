"""A partner rebuilds an exact copy of the public record: the export's snapshot, then every change after
its cursor, while imports, updates, withdrawals, repairs and renames go on; the copy is then compared
with the database record by record (issue 24's acceptance test, on SQLite and PostgreSQL)."""

import gzip
import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.feed.exports import build_export, export_root
from registry.records.models import REPAIRED, Record
from registry.records.services import change_record_status
from registry.records.visibility import public_condition
from registry.uow import unit_of_work
from tests import factories
from tests.imports.files import write_csv

PERSON = {"party_name": "欧阳建华", "party_category": "自然人", "uscc": "", "id_type": "身份证",
          "id_no": "150502199001011234"}


def read_ndjson(path: Path) -> dict[int, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return {row["id"]: row for row in map(json.loads, lines)}


class Copy:
    """What a partner keeps: records and entities by id, from a snapshot, kept up with the feed."""

    def __init__(self, client, manifest: dict):
        folder = export_root() / manifest["day"] / "public"
        self.client, self.cursor = client, manifest["cursor"]
        self.records = read_ndjson(folder / "records.ndjson.gz")
        self.entities = read_ndjson(folder / "entities.ndjson.gz")

    def follow(self) -> int:
        """Apply every event after the cursor; how many there were."""
        applied = 0
        while True:
            page = self.client.get("/api/v1/changes", query_string={"after": self.cursor, "limit": 50}).json
            for event in page["events"]:
                kept, key, shown = ((self.records, "record_id", event.get("record")) if "record_id" in event
                                    else (self.entities, "entity_id", event.get("entity")))
                if shown is None:
                    kept.pop(event[key], None)
                else:
                    kept[event[key]] = shown
            applied += len(page["events"])
            if page["next"] == self.cursor:
                return applied
            self.cursor = page["next"]


def push(client, key, rows) -> list[int]:
    response = client.post("/api/v1/records", json=rows, headers=factories.auth(key))
    assert response.status_code == 200, response.json
    return [result["id"] for result in response.json["results"]]


@pytest.mark.committed  # writers, the export and the reader each work on their own connection
def test_snapshot_and_changes_after_its_cursor_are_the_current_public_record(app, client, cli, tmp_path,
                                                                             department, department_key):
    with app.app_context():
        registrar = factories.department("market_supervision")
    rows = [factories.penalty(department) for _ in range(30)]
    write_csv(tmp_path / "first.csv", rows)
    assert cli("import", tmp_path / "first.csv", "--department", department["uscc"]).exit_code == 0
    ids = push(client, department_key, [factories.licence(department), factories.penalty(department, **PERSON)])

    def writes():
        """Updates, withdrawals, a repair, a rename and new records, while the partner copies."""
        with app.app_context():
            later = [factories.penalty(department) for _ in range(10)]
            push(client, department_key, later)
            push(client, department_key, [{**rows[0], "penalty_content": "罚款人民币一万元", "fine_amount": "1"}])
            for row in rows[1:3]:
                [record_id] = push(client, department_key, [row])
                answer = client.delete(f"/api/v1/records/{record_id}", json={"reason": "决定书撤销"},
                                       headers=factories.auth(department_key))
                assert answer.status_code == 200
            with unit_of_work() as uow:
                repaired = uow.session.get(Record, push(client, department_key, [rows[3]])[0])
                change_record_status(uow, repaired, REPAIRED, "repair", "信用修复 XF-1", None)
            renamed = {**rows[4], "party_name": "通辽市新名称贸易有限公司",
                       "decision_no": "通市监处罚〔2026〕99991号",
                       "decision_date": (factories.TODAY - timedelta(days=1)).isoformat(),
                       "authority": registrar["name"], "authority_uscc": registrar["uscc"],
                       "source_unit": registrar["name"], "source_unit_uscc": registrar["uscc"]}
            push(client, department_key, [renamed])

    writer = threading.Thread(target=writes)
    writer.start()
    with app.app_context():
        copy = Copy(client, build_export())
    copy.follow()
    writer.join()
    more = [factories.penalty(department) for _ in range(5)]
    write_csv(tmp_path / "second.csv", [*more, {**rows[5], "remarks": "补充说明"}])
    assert cli("import", tmp_path / "second.csv", "--department", department["uscc"]).exit_code == 0
    assert copy.follow() > 0

    with app.app_context():
        now = build_export(factories.TODAY + timedelta(days=1))  # the database as it is, read afresh
        folder = export_root() / now["day"] / "public"
        assert copy.records == read_ndjson(folder / "records.ndjson.gz")
        assert copy.entities == read_ndjson(folder / "entities.ndjson.gz")
        public = db.session.scalar(select(func.count()).where(public_condition(False, factories.TODAY)))
        assert len(copy.records) == public == 30 + 1 + 10 - 2 - 1 + 5 + 1
    assert ids[1] not in copy.records  # the natural person's record: never in the export nor the feed
    assert not any(record["party_name"] == PERSON["party_name"] for record in copy.records.values())
    assert copy.entities and all(entity["party_category"] != "natural_person" for entity in copy.entities.values())
    renamed = {entity["uscc"]: entity for entity in copy.entities.values()}[rows[4]["uscc"]]
    assert renamed["name"] == "通辽市新名称贸易有限公司"
