"""Drains take turns: the task queue starts the next minute's drain while this one runs, and it sends
nothing until this one lets go."""

import json

import pytest
from sqlalchemy import func, insert, select

from registry.extensions import db
from registry.outbox import RECORD, SearchOutbox
from registry.records.models import Record
from registry.tasks.once import exclusive
from tests import factories
from tests.test_search_outage import pending


@pytest.mark.committed  # the drain's turn is a lock of the deployment, seen by other connections
def test_a_drain_waiting_its_turn_sends_nothing_while_another_holds_it_and_all_once_it_is_free(app, cli, push,
                                                                                              department):
    assert push(factories.penalty(department)).status_code == 200
    with app.app_context():
        record_id = db.session.scalar(select(func.max(Record.id)))
        db.session.execute(insert(SearchOutbox).values(kind=RECORD, ref=record_id))
        db.session.commit()  # the record changed again; the built-in engine's sync did not run
        turn = exclusive("search_drain")
        assert turn.acquire()
    try:
        waited = cli("search", "drain", "--wait-turn", "0.5")
        assert waited.exit_code == 0 and "sent nothing" in waited.stderr and pending(app) == 1
    finally:
        turn.release()
    took = cli("search", "drain", "--wait-turn", "0.5")
    assert json.loads(took.stdout.strip().splitlines()[-1]) == {"sent": 1} and pending(app) == 0
