"""GET /api/v1/changes: what changed, in commit order, as the caller may see it now."""

import json
import threading
import time
from datetime import timedelta

import pytest

from registry.feed.retention import purge_events
from registry.records.sweep import end_expired_publicity
from tests import factories

PERSON = {"party_name": "欧阳建华", "party_category": "自然人", "uscc": "", "id_type": "身份证",
          "id_no": "150502199001011234"}


def changes(client, after=0, key=None, **params):
    response = client.get("/api/v1/changes", query_string={"after": after, **params},
                          headers=factories.auth(key) if key else {})
    assert response.status_code == 200, response.json
    return response.json


def pushed(push, *rows) -> list[int]:
    response = push(list(rows))
    assert response.status_code == 200, response.json
    return [result["id"] for result in response.json["results"]]


def test_a_published_record_comes_with_what_the_public_sees_of_it(client, push, department):
    start = changes(client)["next"]
    row = factories.penalty(department)
    [record_id] = pushed(push, row)
    page = changes(client, start)
    [event] = [e for e in page["events"] if e["kind"] == "record.published"]
    assert event["record_id"] == record_id and event["visible"] is True
    assert event["record"] == client.get(f"/api/v1/records/{record_id}").json
    assert event["record"]["legal_rep_id_no"] != row["legal_rep_id_no"]  # masked for the public
    assert (event["record_kind"], event["domain"]) == ("penalty", "market_supervision")
    assert page["next"] >= event["cursor"] > start


def test_an_update_names_the_changed_fields_and_a_withdrawal_leaves_only_the_id(client, push, department,
                                                                                department_key):
    row = factories.penalty(department)
    [record_id] = pushed(push, row)
    start = changes(client)["next"]
    pushed(push, {**row, "penalty_content": "给予警告，并处罚款人民币六千元", "fine_amount": "0.6"})
    withdrawn = client.delete(f"/api/v1/records/{record_id}", json={"reason": "决定书已撤销"},
                              headers=factories.auth(department_key))
    assert withdrawn.status_code == 200
    updated, gone = changes(client, start)["events"]
    assert updated["kind"] == "record.updated"
    assert {"penalty_content", "fine_amount"} <= set(updated["fields"])
    assert "version" not in updated["fields"]
    assert (gone["kind"], gone["record_id"], gone["record"], gone["visible"]) == \
        ("record.withdrawn", record_id, None, False)
    # The source department still sees its withdrawn record, as it is now.
    [mine] = [e for e in changes(client, start, department_key)["events"] if e["kind"] == "record.withdrawn"]
    assert mine["record"]["status"] == "withdrawn"


def test_a_natural_person_never_appears_in_the_public_feed(client, push, department, department_key):
    start = changes(client)["next"]
    [person] = pushed(push, factories.penalty(department, **PERSON))
    client.delete(f"/api/v1/records/{person}", json={"reason": "错误"}, headers=factories.auth(department_key))
    assert [e for e in changes(client, start)["events"] if e.get("record_id") == person] == []
    own = [e["kind"] for e in changes(client, start, department_key)["events"] if e.get("record_id") == person]
    assert own == ["record.published", "record.withdrawn"]


def test_filters_by_kind_domain_and_record_kind(client, push, department):
    start = changes(client)["next"]
    pushed(push, factories.penalty(department), factories.licence(department))
    assert [e["record_kind"] for e in changes(client, start, record_kind="licence")["events"]] == ["licence"]
    assert len(changes(client, start, kind="record.published", domain="market_supervision")["events"]) == 2
    assert changes(client, start, domain="transport")["events"] == []
    assert changes(client, start, kind="entity.renamed")["events"] == []


def test_display_ended_comes_from_the_daily_sweep(app, client, push, department, clock):
    [record_id] = pushed(push, factories.penalty(department))
    start = changes(client)["next"]
    later = factories.TODAY + timedelta(days=6 * 366)  # past every publicity period
    clock(app, later)
    with app.app_context():
        assert end_expired_publicity(later) >= 1
    [event] = [e for e in changes(client, start)["events"] if e["record_id"] == record_id]
    assert (event["kind"], event["record"]) == ("record.display_ended", None)


@pytest.mark.committed  # the writer commits on its own connection while the reader waits
def test_a_long_poll_answers_as_soon_as_an_event_commits(app, client, push, department):
    start = changes(client)["next"]

    def later():
        time.sleep(0.5)
        with app.app_context():
            pushed(push, factories.penalty(department))

    writer = threading.Thread(target=later)
    began = time.monotonic()
    writer.start()
    page = changes(client, start, wait=10)
    writer.join()
    assert [e["kind"] for e in page["events"]][-1] == "record.published"
    assert time.monotonic() - began < 8


@pytest.mark.committed  # the wait ends its read transactions
def test_a_long_poll_with_nothing_new_answers_empty_after_the_wait(client):
    start = changes(client)["next"]
    began = time.monotonic()
    assert changes(client, start, wait=1)["events"] == []
    assert time.monotonic() - began >= 0.9


def test_a_cursor_older_than_the_events_kept_answers_410_with_the_export_to_start_from(app, client, push,
                                                                                       department):
    start = changes(client)["next"]
    pushed(push, factories.penalty(department), factories.penalty(department))
    with app.app_context():
        assert purge_events() == 0  # nothing is a year old yet
        assert purge_events(now=_years_later()) >= 1
    gone = client.get("/api/v1/changes", query_string={"after": start})
    assert gone.status_code == 410 and gone.json["code"] == "feed_cursor_expired"
    assert "/api/v1/exports/latest" in gone.headers["Link"]
    assert changes(client, changes(client, 10**9)["next"])["events"] == []


def _years_later():
    from registry.db import utcnow

    return utcnow() + timedelta(days=800)


def test_the_same_events_stream_as_server_sent_events(client, push, department):
    start = changes(client)["next"]
    pushed(push, factories.penalty(department), factories.penalty(department))
    expected = changes(client, start)["events"]
    stream = client.get("/api/v1/changes/stream", headers={"Last-Event-ID": str(start)}, buffered=False)
    assert stream.status_code == 200 and stream.mimetype == "text/event-stream"
    received, chunks = [], iter(stream.response)
    while len(received) < len(expected):
        chunk = next(chunks)
        chunk = chunk.decode() if isinstance(chunk, bytes) else chunk
        if chunk.startswith("id: "):
            cursor, kind, data = (line.split(": ", 1)[1] for line in chunk.strip().split("\n"))
            received.append((int(cursor), kind, json.loads(data)))
    stream.close()
    assert [(c, k) for c, k, _ in received] == [(e["cursor"], e["kind"]) for e in expected]
    assert [data for _, _, data in received] == expected
