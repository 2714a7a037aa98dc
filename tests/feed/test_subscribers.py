"""Feed subscribers: signed deliveries in order, retried with backoff, logged, and replayed from a cursor."""

import json
from datetime import timedelta

from registry.db import utcnow
from registry.feed.webhooks import deliver_changes
from registry.signing import verify
from tests import factories
from tests.problems import assert_problem


def subscribe(client, key, url, **body):
    response = client.post("/api/v1/changes/subscribers", json={"url": url, **body}, headers=factories.auth(key))
    assert response.status_code == 201, response.json
    return response.json


def delivered_events(receiver) -> list[dict]:
    return [event for body in receiver.received for event in body["events"]]


def test_events_reach_a_subscriber_signed_and_in_order(app, client, push, department, receiver):
    bank = factories.key_for(app, "bank")
    start = client.get("/api/v1/changes").json["next"]
    subscriber = subscribe(client, bank, receiver.url, after=start, filters={"kind": "record.published"})
    assert subscriber["secret"].startswith("whsec_")
    rows = [factories.penalty(department) for _ in range(3)]
    assert push(rows).status_code == 200
    with app.app_context():
        assert deliver_changes()["events"] == 3
        assert deliver_changes()["events"] == 0  # nothing new: nothing sent again
    events = delivered_events(receiver)
    assert [e["record"]["party_name"] for e in events] == [row["party_name"] for row in rows]
    assert all(verify(subscriber["secret"], raw, header) for raw, header in receiver.signed)
    raw, header = receiver.signed[0]
    assert not verify(subscriber["secret"], raw.replace(b"penalty", b"licence"), header)  # the body is signed
    assert not verify(subscriber["secret"], raw, header, now=int(utcnow().timestamp()) + 3600)  # and the time


def test_a_failed_delivery_is_retried_with_backoff_then_logged_and_replayable(app, client, push, department,
                                                                              receiver):
    bank = factories.key_for(app, "bank")
    start = client.get("/api/v1/changes").json["next"]
    subscriber = subscribe(client, bank, receiver.url, after=start)
    assert push(factories.penalty(department)).status_code == 200
    receiver.failures = 1
    now = utcnow()
    with app.app_context():
        assert deliver_changes(now) == {"delivered": 0, "failed": 1, "events": 0}
        assert deliver_changes(now + timedelta(seconds=30))["events"] == 0  # backing off
        assert deliver_changes(now + timedelta(minutes=2))["events"] == 2  # the entity and its record
    log = client.get(f"/api/v1/changes/subscribers/{subscriber['id']}/deliveries",
                     headers=factories.auth(bank)).json
    assert [(d["attempt"], d["delivered"], d["status"]) for d in log] == [(2, True, 204), (1, False, 503)]
    first = delivered_events(receiver)
    replayed = client.post(f"/api/v1/changes/subscribers/{subscriber['id']}/replay", json={"cursor": start},
                           headers=factories.auth(bank))
    assert replayed.status_code == 200 and replayed.json["cursor"] == start
    with app.app_context():
        assert deliver_changes(now + timedelta(minutes=3))["events"] == 2
    assert delivered_events(receiver) == first + first
    other = factories.key_for(app, "bank")
    assert client.get(f"/api/v1/changes/subscribers/{subscriber['id']}/deliveries",
                      headers=factories.auth(other)).status_code == 404
    assert json.loads(receiver.signed[-1][0])["after"] == start


def test_subscribing_needs_a_key_and_an_http_url(client, app):
    assert_problem(client.post("/api/v1/changes/subscribers", json={"url": "http://partner.example/hook"}),
                   401, "authentication_required")
    bank = factories.key_for(app, "bank")
    refused = client.post("/api/v1/changes/subscribers", json={"url": "ftp://partner.example/hook"},
                          headers=factories.auth(bank))
    assert refused.status_code == 422 and refused.json["code"] == "invalid_webhook"
