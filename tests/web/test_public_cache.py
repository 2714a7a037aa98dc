"""Public answers are kept briefly and said to be cacheable, but never past their bound, never across
a day (records leave display by date) and never for a signed-in visitor or an API key."""

import time
from datetime import timedelta

import pytest

from registry import create_app
from registry.extensions import db
from tests import factories


def cached_app(app, tmp_path, seconds: int):
    """Another server process on the test database, keeping public answers `seconds`."""
    return create_app({"DATABASE_URL": app.config["REGISTRY"].DATABASE_URL, "INSTANCE_DIR": str(tmp_path),
                       "PUBLIC_CACHE_SECONDS": seconds})


@pytest.fixture
def public(app, tmp_path):
    made = cached_app(app, tmp_path, 10)
    yield made
    with made.app_context():
        db.engine.dispose()



def record_ids(answer) -> list[int]:
    return [item["id"] for item in answer.json["items"]]


@pytest.mark.committed
def test_an_anonymous_answer_is_public_for_its_seconds_with_an_etag_that_answers_304(public, pushed):
    record, _ = pushed
    client = public.test_client()
    for path in (f"/api/v1/search?q={record['party_name']}", f"/enterprises/{record['uscc']}",
                 f"/api/v1/enterprises/{record['uscc']}/records"):
        first = client.get(path)
        assert first.status_code == 200
        assert first.cache_control.public and 0 < first.cache_control.max_age <= 10
        assert {"Cookie", "Authorization"} <= set(first.vary)
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""


@pytest.mark.committed
def test_a_withdrawal_is_gone_from_the_public_answers_once_the_bound_passes(app, client, tmp_path, pushed,
                                                                           department_key):
    record, record_id = pushed
    public = cached_app(app, tmp_path, 1)
    path = f"/api/v1/enterprises/{record['uscc']}/records"
    assert record_ids(public.test_client().get(path)) == [record_id]
    withdrawn = client.delete(f"/api/v1/records/{record_id}", json={"reason": "行政处罚决定已被依法撤销"},
                              headers=factories.auth(department_key))
    assert withdrawn.status_code == 200, withdrawn.json
    assert record_ids(public.test_client().get(path)) == [record_id]  # kept: within its second
    time.sleep(1.1)
    assert record_ids(public.test_client().get(path)) == []
    with public.app_context():
        db.engine.dispose()


@pytest.mark.committed
def test_a_record_past_its_publicity_is_not_served_from_the_day_before(public, push, department, clock):
    decided = factories.TODAY - timedelta(days=40)
    record = factories.penalty(department, decision_date=decided.isoformat())
    answer = push(record)
    assert answer.status_code == 200, answer.json
    path = f"/api/v1/enterprises/{record['uscc']}/records"
    client = public.test_client()
    assert record_ids(client.get(path)) == [answer.json["results"][0]["id"]]
    clock(public, decided + timedelta(days=365 * 6))  # every publicity window of a penalty has ended
    assert record_ids(client.get(path)) == []


@pytest.mark.committed
def test_signed_in_visitors_and_api_keys_get_private_answers_made_for_them(app, public, pushed, department_key):
    record, _ = pushed
    client = public.test_client()
    path = f"/api/v1/enterprises/{record['uscc']}/records"
    client.get(path)  # the public's copy, kept
    keyed = client.get(path, headers=factories.auth(department_key))
    assert keyed.status_code == 200
    assert keyed.cache_control.private and keyed.cache_control.no_cache and "ETag" not in keyed.headers
    client.set_cookie("registry_session", "anything")
    page = client.get(f"/enterprises/{record['uscc']}")
    assert page.cache_control.private and page.cache_control.no_cache


def test_with_the_cache_off_answers_are_revalidated_by_their_etag(client, pushed):
    record, _ = pushed
    first = client.get(f"/enterprises/{record['uscc']}")
    assert first.cache_control.no_cache and not first.cache_control.public
    assert client.get(f"/enterprises/{record['uscc']}",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
