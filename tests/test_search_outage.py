"""The real OpenSearch node stopped mid-test: writes and code look-ups go on, search says 503, and
nothing written meanwhile is lost once the node is back."""

import time

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.outbox import SearchOutbox
from registry.publicsearch.engines import sync_search
from search.engine import SearchUnavailable
from tests import factories
from tests.services import start_opensearch, stop_opensearch


def eventually_found(client, name: str, uscc: str, seconds: float = 15) -> None:
    """Waits until the search shows both the enterprise and its record. The node's scheduled refresh
    may fall in the middle of the bulk write that carries both, so one may be found a moment first."""
    wanted = {("entity", uscc), ("record", uscc)}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        items = client.get("/api/v1/search", query_string={"q": name}).json["items"]
        if wanted <= {(item["kind"], item[item["kind"]]["uscc"]) for item in items}:
            return
        time.sleep(0.3)
    raise AssertionError(f"{name} ({uscc}) and its record were not both found within {seconds} s")


def pending(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SearchOutbox))


def test_search_outage_and_recovery(external_app):
    client = external_app.test_client()
    with external_app.app_context():
        department = factories.department("market_supervision")
    key = factories.key_for(external_app, "department", department_uscc=department["uscc"])
    headers = factories.auth(key)
    before = factories.penalty(department, party_name="通辽市金桥农牧业有限公司")
    assert client.post("/api/v1/records", json=before, headers=headers).status_code == 200
    with external_app.app_context():
        sync_search()
    eventually_found(client, "金桥农牧", before["uscc"])

    stop_opensearch()
    try:
        during = factories.penalty(department, party_name="通辽市锦程物流有限公司")
        assert client.post("/api/v1/records", json=during, headers=headers).status_code == 200
        assert client.get(f"/api/v1/enterprises/{during['uscc']}").status_code == 200
        down = client.get("/api/v1/search", query_string={"q": "锦程物流"})
        assert down.status_code == 503 and down.json["code"] == "search_unavailable"
        assert int(down.headers["Retry-After"]) > 0
        page = client.get("/", query_string={"q": "锦程物流"})
        assert page.status_code == 503 and "搜索服务暂时不可用" in page.get_data(as_text=True)
        assert client.get(f"/enterprises/{during['uscc']}").status_code == 200  # the look-up page still works
        with external_app.app_context(), pytest.raises(SearchUnavailable):
            sync_search()
        assert pending(external_app) > 0
    finally:
        start_opensearch()

    with external_app.app_context():
        assert sync_search() > 0
    assert pending(external_app) == 0
    eventually_found(client, "锦程物流", during["uscc"])
