"""Feed subscribers: signed deliveries in order, retried with backoff, logged, and replayed from a cursor."""

import json
from datetime import timedelta

from sqlalchemy import select

from registry.access.models import Principal
from registry.audit.models import AuditEntry
from registry.db import utcnow
from registry.extensions import db
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


def test_the_credit_centre_administers_a_partners_subscriber(app, client, push, department, receiver):
    admin = factories.auth(factories.key_for(app, "admin"))
    bank = factories.key_for(app, "bank")
    with app.app_context():
        bank_id = db.session.scalar(select(Principal.id).where(Principal.role == "bank"))
    start = client.get("/api/v1/changes").json["next"]
    added = client.post("/api/v1/changes/subscribers", headers=admin,
                        json={"url": receiver.url, "after": start, "principal_id": bank_id})
    assert added.status_code == 201 and added.json["principal_id"] == bank_id
    mine = client.get("/api/v1/changes/subscribers", headers=factories.auth(bank)).json
    assert [s["id"] for s in mine] == [added.json["id"]]  # the bank sees the subscriber made for its key
    path = f"/api/v1/changes/subscribers/{added.json['id']}"

    paused = client.patch(path, json={"active": False}, headers=admin)
    assert paused.status_code == 200 and paused.json["active"] is False
    assert push(factories.penalty(department)).status_code == 200
    with app.app_context():
        assert deliver_changes()["events"] == 0  # paused: nothing goes
    rotated = client.post(f"{path}/secret", headers=admin).json
    assert rotated["secret"] != added.json["secret"]
    assert client.patch(path, json={"active": True}, headers=admin).json["active"] is True
    with app.app_context():
        assert deliver_changes()["events"] == 2  # resumed where it stopped: the entity and its record
    raw, header = receiver.signed[-1]
    assert verify(rotated["secret"], raw, header) and not verify(added.json["secret"], raw, header)
    log = client.get(f"{path}/deliveries", headers=admin).json
    assert [(d["events"], d["delivered"]) for d in log] == [(2, True)]

    assert client.delete(path, headers=admin).status_code == 204
    gone = client.get(f"{path}/deliveries", headers=admin)
    assert gone.status_code == 404 and gone.content_type == "application/problem+json"
    assert gone.json["code"] == "subscriber_not_found"
    assert client.get("/api/v1/changes/subscribers", headers=admin).json == []
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("feed.%"))
                                     .order_by(AuditEntry.id)).all()
    assert actions == ["feed.subscribe", "feed.pause", "feed.rotate_secret", "feed.resume", "feed.unsubscribe"]


def test_only_the_credit_centre_subscribes_for_another_key(app, client, receiver):
    bank, other = factories.key_for(app, "bank"), factories.key_for(app, "partner")
    with app.app_context():
        other_id = db.session.scalar(select(Principal.id).where(Principal.role == "partner"))
    refused = client.post("/api/v1/changes/subscribers", headers=factories.auth(bank),
                          json={"url": receiver.url, "principal_id": other_id})
    assert refused.status_code == 403 and refused.json["code"] == "not_your_key"
    made = client.post("/api/v1/changes/subscribers", headers=factories.auth(other), json={"url": receiver.url})
    assert client.patch(f"/api/v1/changes/subscribers/{made.json['id']}", json={"active": False},
                        headers=factories.auth(bank)).status_code == 404  # another key's: not shown to exist
