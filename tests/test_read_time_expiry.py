"""A penalty leaves every public channel on its publicity end date whether or not the daily sweep ran.

The sweep only tidies the stored status and the search index; what the public sees compares the
publicity end with the day itself. The application's clock is moved; the sweep is never run.
"""

from datetime import date, timedelta

from registry.publicsearch.engines import sync_search
from registry.runtime import runtime
from tests import factories


def public_channels(client, record: dict, record_id: int) -> dict:
    """Whether the record shows on each public channel: the record API, the entity's record list and
    counts, the entity page, and a search by the party's name (record hits)."""
    uscc = record["uscc"]
    listed = client.get(f"/api/v1/enterprises/{uscc}/records").json["items"]
    counts = client.get(f"/api/v1/enterprises/{uscc}").json["record_counts"]
    page = client.get(f"/enterprises/{uscc}").get_data(as_text=True)
    hits = client.get("/api/v1/search", query_string={"q": record["party_name"], "kind": "record"}).json["items"]
    return {
        "record": client.get(f"/api/v1/records/{record_id}").status_code == 200,
        "entity_list": record_id in [item["id"] for item in listed],
        "entity_counts": counts["penalty"] == 1,
        "entity_page": record["decision_no"] in page,
        "search": record_id in [hit["record"]["id"] for hit in hits],
    }


def pushed_with_its_end(client, push, department, name: str) -> tuple[dict, int, date]:
    record = factories.penalty(department, party_name=name)
    record_id = push(record).json["results"][0]["id"]
    end = date.fromisoformat(client.get(f"/api/v1/records/{record_id}").json["publicity"]["end"])
    return record, record_id, end


def test_the_day_before_its_end_a_penalty_is_public_and_on_its_end_date_it_is_not(app, client, push, department,
                                                                                 clock):
    record, record_id, end = pushed_with_its_end(client, push, department, "通辽市瑞祥建材有限公司")
    everywhere = dict.fromkeys(("record", "entity_list", "entity_counts", "entity_page", "search"), True)

    clock(app, end - timedelta(days=1))
    assert public_channels(client, record, record_id) == everywhere

    clock(app, end)
    assert public_channels(client, record, record_id) == dict.fromkeys(everywhere, False)
    reviewer = factories.auth(factories.key_for(app, "reviewer"))
    shown = client.get(f"/api/v1/records/{record_id}", headers=reviewer).json
    assert shown["status"] == "expired" and shown["version"] == 1  # shown so; stored as it was (no sweep ran)


def test_search_on_the_external_engine_leaves_out_a_penalty_past_its_end(external_app, clock):
    client = external_app.test_client()
    with external_app.app_context():
        department = factories.department("market_supervision")
    key = factories.key_for(external_app, "department", department_uscc=department["uscc"])

    def push(record):
        return client.post("/api/v1/records", json=record, headers=factories.auth(key))

    record, record_id, end = pushed_with_its_end(client, push, department, "通辽市恒通汽车服务有限公司")
    with external_app.app_context():
        sync_search()
        runtime().search_engine.client.indices.refresh(index=f"{runtime().search_engine.prefix}-*")

    def found() -> bool:
        hits = client.get("/api/v1/search", query_string={"q": "恒通汽车", "kind": "record"}).json
        assert hits["engine"] == "external"
        return record_id in [hit["record"]["id"] for hit in hits["items"]]

    clock(external_app, end - timedelta(days=1))
    assert found()
    clock(external_app, end)
    assert not found()
