"""A kept public answer is served again before the app's request begins, with everything the app's own
answer carries; never to a signed-in visitor or an API key; and a kept search still counts against
the search rate limit, which a process counts in memory only for an address's first tenth of it."""

import pytest

from registry import create_app
from registry.extensions import db
from tests.people import sign_in

PER_REQUEST = {"X-Request-Id", "Cache-Control", "Date"}


@pytest.fixture
def server(app, tmp_path):
    """Server processes on the test database that keep public answers 10 s and trust one proxy."""
    made = []

    def make(**overrides):
        made.append(create_app({"DATABASE_URL": app.config["REGISTRY"].DATABASE_URL, "PUBLIC_CACHE_SECONDS": 10,
                                "INSTANCE_DIR": str(tmp_path / str(len(made))), "TRUSTED_PROXIES": 1,
                                **overrides}))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


@pytest.fixture
def record(pushed):
    return pushed[0]


def from_address(address: str) -> dict:
    return {"X-Forwarded-For": address}


@pytest.mark.committed
def test_a_kept_answer_comes_back_whole_with_headers_of_its_own(server, record):
    client = server().test_client()
    path = f"/enterprises/{record['uscc']}"
    first = client.get(path)
    again = client.get(path, headers={"X-Request-Id": "caller-7"})
    assert again.status_code == 200 and again.data == first.data and record["party_name"] in again.text
    assert {k: v for k, v in again.headers.items() if k not in PER_REQUEST} == \
           {k: v for k, v in first.headers.items() if k not in PER_REQUEST}
    assert again.headers["Content-Security-Policy"] and again.headers["X-Frame-Options"] == "DENY"
    assert again.headers["X-Request-Id"] == "caller-7"
    assert again.cache_control.public and 0 <= again.cache_control.max_age <= 10
    head = client.head(path)
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == first.headers["ETag"]
    unchanged = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b"" and unchanged.headers["X-Request-Id"]


@pytest.mark.committed
def test_an_api_key_in_x_api_key_neither_gets_nor_leaves_a_public_copy(server, record, department_key):
    client = server().test_client()
    path = f"/api/v1/enterprises/{record['uscc']}/records"
    keyed = client.get(path, headers={"X-API-Key": department_key})
    assert keyed.status_code == 200 and keyed.cache_control.private and keyed.cache_control.no_cache
    public = client.get(path)
    assert public.cache_control.public and public.headers["ETag"]
    again = client.get(path, headers={"X-API-Key": department_key})
    assert again.cache_control.private and "ETag" not in again.headers


@pytest.mark.committed
def test_a_signed_in_visitor_gets_the_page_made_for_them_not_the_kept_one(server, record):
    made = server()
    client = made.test_client()
    path = f"/enterprises/{record['uscc']}"
    assert "退出" not in client.get(path).text  # the public's copy, kept
    sign_in(client, made, "reviewer", name="王审核")
    page = client.get(path)
    assert page.status_code == 200 and "王审核" in page.text and "退出" in page.text
    assert page.cache_control.private


@pytest.mark.committed
def test_a_kept_search_still_counts_against_the_rate_limit(server, record):
    client = server(SEARCH_LIMIT=3).test_client()
    path = f"/?q={record['party_name']}"
    answers = [client.get(path, headers=from_address("10.9.9.1")) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "请求过于频繁" in answers[-1].text and answers[-1].headers["Retry-After"]
    assert client.get(path, headers=from_address("10.9.9.2")).status_code == 200  # another address


@pytest.mark.committed
def test_searches_counted_in_memory_at_first_still_meet_the_limit(server, record):
    first, second = server(SEARCH_LIMIT=20).test_client(), server(SEARCH_LIMIT=20).test_client()
    path = f"/api/v1/search?q={record['party_name']}"
    assert [first.get(path, headers=from_address("10.9.8.1")).status_code for _ in range(21)] == [200] * 20 + [429]
    # Another process holds an address's first tenth of the limit (2) unwritten: 22 at most pass in all.
    assert [second.get(path, headers=from_address("10.9.8.2")).status_code for _ in range(2)] == [200, 200]
    assert [first.get(path, headers=from_address("10.9.8.2")).status_code for _ in range(21)] == [200] * 20 + [429]
    assert second.get(path, headers=from_address("10.9.8.2")).status_code == 429
