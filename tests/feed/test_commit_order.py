"""Cursors never skip an event: an event's id is taken at its transaction's commit, in commit order, so a
reader that has seen an event has seen every event of an earlier id, whatever commits after (two real
concurrent transactions, on SQLite and PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event

from registry.access.services import authenticate
from registry.extensions import db
from registry.records.services import push_records
from registry.records.sweep import end_expired_publicity
from tests import factories


def read(client, after: int) -> dict:
    return client.get("/api/v1/changes", query_string={"after": after}).json


@pytest.mark.committed  # two writers and a reader, each on its own connection
def test_an_event_that_commits_later_is_never_skipped(app, client, department, department_key):
    ending = factories.penalty(department)
    with app.app_context():
        ending_id = push_records(authenticate(department_key), [ending])["results"][0]["id"]
    start = read(client, 0)["next"]
    first_row = factories.penalty(department)
    at_commit, release = threading.Event(), threading.Event()

    def slow_writer():
        """Writes its record and its events, then holds at its commit until released."""
        with app.app_context():
            def hold(_session):
                at_commit.set()
                assert release.wait(30)

            event.listen(db.session(), "before_commit", hold)
            push_records(authenticate(department_key), [first_row])

    def fast_writer():
        """The daily sweep (which writes no audit entry: only the feed's order makes it wait)."""
        with app.app_context():
            end_expired_publicity(factories.TODAY + timedelta(days=6 * 366))

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert at_commit.wait(30)
    fast = threading.Thread(target=fast_writer)
    fast.start()
    fast.join(1.5)
    # The later transaction cannot commit an event ahead of the one holding the feed's head.
    assert fast.is_alive()
    assert read(client, start)["events"] == []
    release.set()
    slow.join(30)
    fast.join(30)
    events = read(client, start)["events"]
    # (On SQLite the sweep waits at its first write, and then ends the new record's display too.)
    assert [e["kind"] for e in events][:2] == ["entity.added", "record.published"]
    assert events[1]["record_id"] > ending_id
    assert ending_id in {e["record_id"] for e in events[2:] if e["kind"] == "record.display_ended"}
    cursors = [e["cursor"] for e in events]
    assert cursors == sorted(cursors)
