"""Rate limits are counted in the database, so every server process (here: two apps on one database)
shares them; they key on the client's address, behind the trusted proxies only; 429 with Retry-After."""

import pytest

from registry import create_app
from registry.extensions import db
from tests import factories
from tests.people import form_token
from tests.problems import assert_problem

LIMITS = {"SEARCH_LIMIT": 3, "AUTH_FAILURE_LIMIT": 2, "REPAIR_LOOKUP_LIMIT": 2, "TRUSTED_PROXIES": 1}


@pytest.fixture
def two_apps(app, tmp_path):
    """Two more server processes' apps on the test database, each trusting one proxy."""
    made = [create_app({"DATABASE_URL": app.config["REGISTRY"].DATABASE_URL, "INSTANCE_DIR": str(tmp_path / name),
                        **LIMITS}) for name in ("a", "b")]
    yield made
    for each in made:
        with each.app_context():
            db.engine.dispose()


def from_address(address: str) -> dict:
    return {"X-Forwarded-For": address}


def assert_limited(answer, window: int) -> None:
    assert answer.status_code == 429
    assert answer.headers["Content-Type"] == "application/problem+json" and answer.json["code"] == "rate_limited"
    assert 1 <= int(answer.headers["Retry-After"]) <= window


@pytest.mark.committed
def test_two_instances_share_the_search_count_of_an_address(two_apps):
    first, second = (each.test_client() for each in two_apps)
    answers = [client.get("/api/v1/search?q=通辽", headers=from_address("10.1.1.1"))
               for client in (first, second, first)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert_limited(second.get("/api/v1/search?q=通辽", headers=from_address("10.1.1.1")), 60)
    page = first.get("/?q=通辽", headers={**from_address("10.1.1.1"), "Accept": "text/html"})
    assert page.status_code == 429 and "请求过于频繁" in page.get_data(as_text=True) and page.headers["Retry-After"]
    assert second.get("/api/v1/search?q=通辽", headers=from_address("10.1.1.2")).status_code == 200


@pytest.mark.committed
def test_bad_keys_lock_the_address_out_even_with_a_good_key(two_apps):
    first, second = (each.test_client() for each in two_apps)
    good = factories.key_for(two_apps[0], "reviewer")
    bad = factories.auth("rk_not-a-key")
    assert_problem(first.get("/api/v1/search?q=a", headers={**bad, **from_address("10.2.2.2")}), 401, "invalid_api_key")
    assert_problem(second.get("/api/v1/search?q=a", headers={**bad, **from_address("10.2.2.2")}),
                   401, "invalid_api_key")
    assert_limited(first.get("/api/v1/search?q=a", headers={**bad, **from_address("10.2.2.2")}), 300)
    assert_limited(second.get("/api/v1/search?q=a", headers={**factories.auth(good), **from_address("10.2.2.2")}),
                   300)
    # Another address is not held back, and one the front did not vouch for is not believed.
    assert second.get("/api/v1/search?q=a", headers={**factories.auth(good), **from_address("10.2.2.3")}
                      ).status_code == 200
    spoofed = {**factories.auth(good), "X-Forwarded-For": "10.2.2.2, 10.2.2.9"}  # the proxy saw 10.2.2.9
    assert second.get("/api/v1/search?q=a", headers=spoofed).status_code == 200


@pytest.mark.committed
def test_repair_query_codes_cannot_be_guessed_without_limit(two_apps):
    first, second = (each.test_client() for each in two_apps)
    headers = {**from_address("10.3.3.3"), "Accept": "text/html"}

    def look_up(client):
        token = form_token(client, "/repairs")
        return client.post("/repairs", data={"number": "XF-20260101-0001", "code": "GUESS1", "csrf_token": token},
                           headers=headers)

    assert [look_up(first).status_code, look_up(second).status_code] == [404, 404]
    limited = look_up(first)
    assert limited.status_code == 429 and "请求过于频繁" in limited.get_data(as_text=True)
    assert 1 <= int(limited.headers["Retry-After"]) <= 300


def test_an_address_seen_without_a_trusted_proxy_is_the_connection_not_the_header(app, client, monkeypatch):
    monkeypatch.setattr(app.config["REGISTRY"], "SEARCH_LIMIT", 1)
    assert client.get("/api/v1/search?q=a", headers=from_address("10.4.4.1")).status_code == 200
    assert_limited(client.get("/api/v1/search?q=a", headers=from_address("10.4.4.2")), 60)
