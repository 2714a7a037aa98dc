"""Entity documents as the drainer and `registry reindex` build them from the database: an entity counts
in the domains it has published records in, and only those (SQLite and PostgreSQL, built-in engine)."""

from registry.publicsearch.reindex import rebuild_index
from tests import factories


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
