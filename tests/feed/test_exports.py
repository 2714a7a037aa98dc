"""The daily bulk export: gzip'd NDJSON and CSV with BOM, a manifest that checks out, downloads logged."""

import csv
import gzip
import hashlib
import io
import json

import pytest
from sqlalchemy import select, update

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.feed import exports
from registry.records.models import Record
from tests import factories
from tests.problems import assert_problem

PERSON = {"party_name": "欧阳建华", "party_category": "自然人", "uscc": "", "id_type": "身份证",
          "id_no": "150502199001011234"}


@pytest.mark.committed  # the command builds its export on its own connection
def test_the_export_holds_the_public_record_and_its_manifest_checks_out(app, client, cli, push, department,
                                                                        department_key):
    rows = [factories.penalty(department) for _ in range(3)]
    assert push([*rows, factories.licence(department), factories.penalty(department, **PERSON)]).status_code == 200
    withdrawn = push(factories.penalty(department)).json["results"][0]["id"]
    client.delete(f"/api/v1/records/{withdrawn}", json={"reason": "撤销"}, headers=factories.auth(department_key))
    built = cli("exports", "build")
    assert built.exit_code == 0
    manifest = json.loads(built.stdout)
    assert manifest["cursor"] == client.get("/api/v1/changes", query_string={"limit": 1000}).json["next"]
    assert (manifest["schema_version"], manifest["audience"]) == (1, "public")
    counts = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    assert counts == {"records.ndjson.gz": 4, "records.csv.gz": 4, "entities.ndjson.gz": 5, "entities.csv.gz": 5}

    latest = client.get("/api/v1/exports/latest").json
    assert latest == client.get(f"/api/v1/exports/{manifest['day']}").json
    files = {}
    for entry in latest["files"]:
        download = client.get(entry["url"])
        assert download.status_code == 200
        files[entry["name"]] = download.data
        assert hashlib.sha256(download.data).hexdigest() == entry["sha256"]
    records = [json.loads(line) for line in gzip.decompress(files["records.ndjson.gz"]).splitlines()]
    assert sorted(r["party_name"] for r in records if r["kind"] == "penalty") == sorted(r["party_name"] for r in rows)
    assert all(r["legal_rep_id_no"] != rows[0]["legal_rep_id_no"] for r in records)  # masked, as to the public
    text = gzip.decompress(files["records.csv.gz"])
    assert text.startswith("\ufeff".encode())  # UTF-8 with BOM: Excel opens it as UTF-8
    table = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert {row["id"] for row in table} == {str(r["id"]) for r in records}
    assert PERSON["party_name"] not in text.decode("utf-8-sig")

    bank = factories.key_for(app, "bank")
    assert client.get(latest["files"][0]["url"], headers=factories.auth(bank)).status_code == 200
    with app.app_context():
        logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.download")
                                    .order_by(AuditEntry.id)).all()
    assert len(logged) == 5 and logged[-1].actor_role == "bank"
    assert logged[0].object_id == f"{manifest['day']}/{latest['files'][0]['name']}"


@pytest.mark.committed  # the command builds its export on its own connection
def test_the_export_of_a_registry_with_nothing_public_is_gzip_files_with_no_rows(client, cli):
    manifest = json.loads(cli("exports", "build").stdout)
    assert {entry["name"]: entry["rows"] for entry in manifest["files"]} == dict.fromkeys(
        ("records.ndjson.gz", "records.csv.gz", "entities.ndjson.gz", "entities.csv.gz"), 0)
    for entry in client.get("/api/v1/exports/latest").json["files"]:
        packed = client.get(entry["url"]).data
        assert packed[:2] == b"\x1f\x8b", entry["name"]  # a gzip file, which zcat and 7-Zip open
        lines = gzip.decompress(packed).decode("utf-8").splitlines()
        if entry["name"].endswith(".csv.gz"):
            assert lines[0].startswith("\ufeffid,") and len(lines) == 1  # the header, as Excel reads it
        else:
            assert lines == []


def test_no_export_yet_or_of_that_day_answers_404(client):
    assert_problem(client.get("/api/v1/exports/1999-01-01"), 404, "export_not_found")
    assert_problem(client.get("/api/v1/exports/1999-01-01/records.csv.gz"), 404, "export_not_found")


@pytest.mark.committed
def test_a_partner_gets_the_export_its_role_may_see_and_the_public_never_a_natural_person(app, client, cli, push,
                                                                                          department):
    company = factories.penalty(department)
    assert push([company, factories.penalty(department, **PERSON)]).status_code == 200
    assert cli("exports", "build").exit_code == 0
    partner = factories.key_for(app, "partner")

    def downloaded(headers: dict) -> tuple[dict, dict]:
        manifest = client.get("/api/v1/exports/latest", headers=headers).json
        files = {entry["name"]: gzip.decompress(client.get(entry["url"], headers=headers).data)
                 for entry in manifest["files"]}
        return manifest, files

    public, public_files = downloaded({})
    shared, shared_files = downloaded(factories.auth(partner))
    assert (public["audience"], shared["audience"]) == ("public", "partner")
    assert public["cursor"] == shared["cursor"]  # one snapshot for every audience
    for name, data in public_files.items():
        assert PERSON["party_name"].encode() not in data, name
        assert PERSON["id_no"].encode() not in data, name
    records = {r["party_name"]: r for r in map(json.loads, shared_files["records.ndjson.gz"].splitlines())}
    assert set(records) == {company["party_name"], PERSON["party_name"]}  # the person's name in full
    assert records[PERSON["party_name"]]["id_no"] != PERSON["id_no"]  # an ID number: masked, as for banks
    assert records[company["party_name"]]["legal_rep_id_no"] != company["legal_rep_id_no"]
    assert PERSON["party_name"] in shared_files["records.csv.gz"].decode("utf-8-sig")
    with app.app_context():
        logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.download")
                                    .order_by(AuditEntry.id)).all()
    assert [(entry.actor_role, entry.details["audience"]) for entry in logged] == \
        [("public", "public")] * 4 + [("partner", "partner")] * 4


@pytest.mark.committed  # the export's worker processes read on connections of their own
@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # where an export has worker processes
def test_worker_processes_read_the_exports_snapshot_and_write_the_same_files(app, push, department, monkeypatch):
    rows = [factories.penalty(department) for _ in range(5)]
    assert push(rows).status_code == 200
    monkeypatch.setattr(exports, "PART_IDS", 2)  # several parts, so that both workers write some
    settings = app.config["REGISTRY"]

    def built(workers: int) -> dict:
        monkeypatch.setattr(settings, "EXPORT_WORKERS", workers)
        with app.app_context():
            return {entry["name"]: entry for entry in exports.build_export()["files"]}

    here = built(0)
    parts = exports._parts

    def changed_meanwhile(session, name, model):
        """A change committed once the export's snapshot is taken, before the workers read."""
        with db.engine.begin() as other:
            other.execute(update(Record).values(party_name=Record.party_name + "（快照后修改）"))
        return parts(session, name, model)

    monkeypatch.setattr(exports, "_parts", changed_meanwhile)
    in_workers = built(2)
    assert in_workers == here  # same rows, bytes and SHA-256: the workers read the snapshot, not the change
    with app.app_context():
        folder = exports.export_root() / exports.today().isoformat() / "public"
    shown = [json.loads(line) for line in gzip.decompress((folder / "records.ndjson.gz").read_bytes()).splitlines()]
    assert sorted(record["party_name"] for record in shown) == sorted(row["party_name"] for row in rows)
