"""Entity documents as the drainer and `registry reindex` build them from the database: an entity counts
in the domains it has published records in, and only those (SQLite and PostgreSQL, built-in engine)."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from registry.extensions import db
from registry.publicsearch.reindex import rebuild_index
from search.drain import document_batches
from tests import factories

# A reindex reads the database through a session of its own, on its own connection.
pytestmark = pytest.mark.committed


def entities_in(client, domain: str, q: str) -> set[str]:
    response = client.get("/api/v1/search", query_string={"q": q, "kind": "entity", "domain": domain})
    assert response.status_code == 200, response.json
    return {item["entity"]["uscc"] for item in response.json["items"]}


def test_an_entity_counts_in_the_domains_of_its_published_records(app, client, push, department):
    with app.app_context():
        tax = factories.department("tax")
    tax_key = factories.key_for(app, "department", department_uscc=tax["uscc"])
    name = "通辽市瑞丰粮油贸易有限公司"
    fined = factories.penalty(department, party_name=name)
    code = fined["uscc"]
    taxed = factories.penalty(tax, party_name=name, uscc=code, decision_no="通税罚〔2026〕7号")
    push(fined)
    taxed_id = push(taxed, key=tax_key).json["results"][0]["id"]
    assert entities_in(client, "market_supervision", "瑞丰粮油") == {code}
    assert entities_in(client, "tax", "瑞丰粮油") == {code}

    withdrawn = client.delete(f"/api/v1/records/{taxed_id}?reason=revoked", headers=factories.auth(tax_key))
    assert withdrawn.status_code == 200
    assert entities_in(client, "tax", "瑞丰粮油") == set()
    with app.app_context():
        rebuild_index()
    assert entities_in(client, "market_supervision", "瑞丰粮油") == {code}
    assert entities_in(client, "tax", "瑞丰粮油") == set()


def records_found(client, q: str) -> set[int]:
    response = client.get("/api/v1/search", query_string={"q": q, "kind": "record"})
    assert response.status_code == 200, response.json
    return {item["record"]["id"] for item in response.json["items"]}


def test_a_record_is_found_by_the_name_it_was_decided_under_after_its_entity_is_renamed(
        app, client, push, department):
    today = factories.TODAY
    old = factories.penalty(department, party_name="通辽市旧港物流有限公司",
                            decision_date=(today - timedelta(days=20)).isoformat())
    new = factories.penalty(department, party_name="通辽市新港物流有限公司", uscc=old["uscc"],
                            decision_no="通市监罚〔2026〕88号", decision_date=(today - timedelta(days=10)).isoformat())
    old_id = push(old).json["results"][0]["id"]
    new_id = push(new).json["results"][0]["id"]
    with app.app_context():
        rebuild_index()  # documents built in bulk, where the entity's folded name stands in for equal names
    assert records_found(client, "旧港物流") == {old_id}
    assert records_found(client, "新港物流") == {new_id}


def test_a_reindex_reads_every_public_document_once_whatever_the_batch_size(app, push, department, department_key):
    pushed = push([factories.penalty(department, party_name=f"通辽市第{n}号建材有限公司") for n in range(7)])
    record_ids = [result["id"] for result in pushed.json["results"]]
    app.test_client().delete(f"/api/v1/records/{record_ids[3]}?reason=revoked",
                             headers=factories.auth(department_key))  # a gap in the public ids
    with app.app_context(), Session(db.engine) as reader:
        whole = [doc["id"] for doc in document_batches(reader, False, size=1000)]
        for size in (1, 2, 3, 6, 7):
            assert [doc["id"] for doc in document_batches(reader, False, size=size)] == whole
    expected = {f"record-{ref}" for ref in record_ids if ref != record_ids[3]}
    assert {doc for doc in whole if doc.startswith("record-")} == expected and len(whole) == len(set(whole))
    assert sum(doc.startswith("entity-") for doc in whole) == 7
