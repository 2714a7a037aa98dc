"""Entity names come from the registration authority (market supervision): another department's name
stays on its record and comes back as a warning; every rename is kept with who and when."""

import json
from datetime import timedelta

from sqlalchemy import select

from registry.enterprises.models import Entity, EntityNameChange
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.publicsearch.engines import sync_search
from registry.runtime import runtime
from tests import factories
from tests.imports.files import write_csv

REGISTERED, OTHER = "通辽市鑫源商贸有限公司", "通辽市鑫源商贸集团有限公司"


def days_ago(days: int) -> str:
    return (factories.TODAY - timedelta(days=days)).isoformat()


def other_department(app):
    with app.app_context():
        tax = factories.department("tax")
    return tax, factories.key_for(app, "department", department_uscc=tax["uscc"])


def history_of(app, uscc: str) -> list[tuple]:
    with app.app_context():
        entity_id = db.session.scalar(select(Entity.id).where(Entity.uscc == uscc))
        return [(c.old_name, c.new_name, c.department_id, c.changed_by, c.changed_at is not None) for c in
                db.session.scalars(select(EntityNameChange).where(EntityNameChange.entity_id == entity_id)
                                   .order_by(EntityNameChange.id))]


def test_another_department_keeps_its_name_on_its_record_and_is_warned(app, push, client, department):
    registered = factories.penalty(department, party_name=REGISTERED, decision_date=days_ago(40))
    push(registered)
    tax, tax_key = other_department(app)
    answer = push([factories.penalty(tax, uscc=registered["uscc"], party_name="通辽市鑫源商贸有限公司",
                                     decision_date=days_ago(20)),
                   factories.penalty(tax, uscc=registered["uscc"], party_name=OTHER, decision_date=days_ago(19))],
                  key=tax_key)
    assert answer.status_code == 200 and answer.json["counts"]["inserted"] == 2
    [warning] = answer.json["warnings"]
    assert (warning["index"], warning["code"], warning["value"], warning["registered_name"]) == (
        1, "name_differs_from_registration", OTHER, REGISTERED)
    assert "登记名称" in warning["message_zh"]
    entity = client.get(f"/api/v1/enterprises/{registered['uscc']}").json
    assert (entity["name"], entity["former_names"]) == (REGISTERED, [])
    records = client.get(f"/api/v1/enterprises/{registered['uscc']}/records").json["items"]
    assert OTHER in {record["party_name"] for record in records}  # kept on its record
    assert history_of(app, registered["uscc"]) == []


def test_the_registration_renames_a_name_another_department_gave_first_whatever_its_date(app, push, client,
                                                                                          department):
    tax, tax_key = other_department(app)
    first = factories.penalty(tax, party_name=OTHER, decision_date=days_ago(20))
    assert push(first, key=tax_key).json["warnings"] == []  # the entity is made from it: nothing to differ from
    push(factories.penalty(department, uscc=first["uscc"], party_name=REGISTERED, decision_date=days_ago(60)))
    entity = client.get(f"/api/v1/enterprises/{first['uscc']}").json
    assert (entity["name"], entity["former_names"]) == (REGISTERED, [OTHER])
    [(old, new, department_id, _, stamped)] = history_of(app, first["uscc"])
    assert (old, new, department_id, stamped) == (OTHER, REGISTERED, department["id"], True)
    # The department's name is now a former one: no warning for a record that uses it.
    assert push(factories.penalty(tax, uscc=first["uscc"], party_name=OTHER), key=tax_key).json["warnings"] == []


def test_a_rename_keeps_who_made_it_and_the_entity_is_found_by_its_former_name(app, client, department):
    key = factories.key_for(app, "department", department_uscc=department["uscc"])
    record = factories.penalty(department, party_name=REGISTERED, decision_date=days_ago(40))
    client.post("/api/v1/records", json=record, headers=factories.auth(key))
    client.post("/api/v1/records", headers=factories.auth(key), json=factories.penalty(
        department, uscc=record["uscc"], party_name=OTHER, decision_date=days_ago(10)))
    [(old, new, department_id, changed_by, stamped)] = history_of(app, record["uscc"])
    with app.app_context():
        from registry.access.services import principal_of_key
        principal_id = principal_of_key(key).id
    assert (old, new, department_id, changed_by, stamped) == (REGISTERED, OTHER, department["id"], principal_id, True)
    with app.app_context():
        sync_search()
    hits = client.get("/api/v1/search", query_string={"q": "鑫源商贸有限", "kind": "entity"}).json["items"]
    assert [(hit["entity"]["uscc"], hit["matched"]) for hit in hits] == [(record["uscc"], ["former_name"])]


def test_the_external_engine_finds_a_renamed_entity_by_its_former_name(external_app):
    client = external_app.test_client()
    with external_app.app_context():
        department = factories.department("market_supervision")
    key = factories.key_for(external_app, "department", department_uscc=department["uscc"])
    record = factories.penalty(department, party_name=REGISTERED, decision_date=days_ago(40))
    client.post("/api/v1/records", json=record, headers=factories.auth(key))
    client.post("/api/v1/records", headers=factories.auth(key), json=factories.penalty(
        department, uscc=record["uscc"], party_name=OTHER, decision_date=days_ago(10)))
    with external_app.app_context():
        sync_search()
        runtime().search_engine.client.indices.refresh(index=f"{runtime().search_engine.prefix}-*")
    hits = client.get("/api/v1/search", query_string={"q": "鑫源商贸有限", "kind": "entity"}).json
    assert hits["engine"] == "external"
    assert [(hit["entity"]["uscc"], hit["entity"]["name"]) for hit in hits["items"]] == [(record["uscc"], OTHER)]
    assert "former_name" in hits["items"][0]["matched"]


def test_an_import_from_another_department_reports_the_names_as_warnings_not_rejections(
        app, cli, client, tmp_path, department):
    registered = factories.penalty(department, party_name=REGISTERED)
    client.post("/api/v1/records", json=registered, headers=factories.auth(
        factories.key_for(app, "department", department_uscc=department["uscc"])))
    tax, _ = other_department(app)
    rows = [factories.penalty(tax, uscc=registered["uscc"], party_name=OTHER), factories.penalty(tax)]
    write_csv(tmp_path / "tax.csv", rows)
    result = cli("import", tmp_path / "tax.csv", "--department", tax["uscc"])
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["inserted"], summary["rejected"]) == (2, 0)
    with app.app_context():
        job = db.session.get(ImportJob, summary["job"])
        assert [(w["uscc"], w["value"], w["registered_name"]) for w in job.warnings] == [
            (registered["uscc"], OTHER, REGISTERED)]
    assert client.get(f"/api/v1/enterprises/{registered['uscc']}").json["name"] == REGISTERED
