"""PostgreSQL restarted (pg_ctl restart -m fast) or killed (kill -9 of the postmaster) under API writes: every
write the API acknowledged is in the database afterwards, nothing is answered 500 (503 with Retry-After at
worst, while it is down), and the connection pool serves again without the app being restarted."""

import threading
import time

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.records.models import Record
from tests import factories

pytestmark = pytest.mark.postgres

BEFORE, AFTER = 5, 10  # writes acknowledged before the fault, and after it, at least
DEADLINE = 45.0


class Pushes(threading.Thread):
    """A department pushing one record a request until told to stop; keeps (uscc, status) of each."""

    def __init__(self, app, department: dict, key: str):
        super().__init__(daemon=True)
        self.client, self.department, self.headers = app.test_client(), department, factories.auth(key)
        self.answers, self.stop = [], threading.Event()

    def run(self):
        started = time.monotonic()
        while not self.stop.is_set() and time.monotonic() - started < DEADLINE:
            record = factories.penalty(self.department)
            answer = self.client.post("/api/v1/records", json=record, headers=self.headers)
            self.answers.append((record["uscc"], answer.status_code, answer.headers.get("Retry-After")))

    def accepted(self) -> set[str]:
        return {uscc for uscc, status, _ in self.answers if status == 200}

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + DEADLINE
        while len(self.accepted()) < count:
            assert self.is_alive() and time.monotonic() < deadline, f"only {len(self.accepted())} writes accepted"
            time.sleep(0.05)


@pytest.mark.parametrize("fault", ["restart", "crash"])
def test_no_acknowledged_write_is_lost_when_the_database_restarts(restartable_app, throwaway_postgres, fault):
    app = restartable_app
    with app.app_context():
        department = factories.department("market_supervision")
    pushes = Pushes(app, department, factories.key_for(app, "department", department_uscc=department["uscc"]))
    pushes.start()
    try:
        pushes.wait_for(BEFORE)
        getattr(throwaway_postgres, fault)()
        at_fault = len(pushes.accepted())
        pushes.wait_for(at_fault + AFTER)  # the same app, the same pool: it recovered by itself
    finally:
        pushes.stop.set()
        pushes.join()

    statuses = {status for _, status, _ in pushes.answers}
    assert statuses <= {200, 503}, pushes.answers
    assert all(int(retry) > 0 for _, status, retry in pushes.answers if status == 503)
    sent = {uscc for uscc, _, _ in pushes.answers}
    with app.app_context():
        stored = set(db.session.scalars(select(Record.uscc).where(Record.uscc.in_(sent))))
    assert pushes.accepted() <= stored  # nothing acknowledged was lost
    assert len(stored) >= len(pushes.accepted()) >= at_fault + AFTER


def test_while_the_database_is_down_people_are_told_to_come_back_and_then_served(restartable_app, throwaway_postgres):
    app, client = restartable_app, restartable_app.test_client()
    with app.app_context():
        department = factories.department("market_supervision")
    record = factories.penalty(department)
    headers = factories.auth(factories.key_for(app, "department", department_uscc=department["uscc"]))
    assert client.post("/api/v1/records", json=record, headers=headers).status_code == 200
    throwaway_postgres.halt()
    try:
        api = client.get(f"/api/v1/enterprises/{record['uscc']}")
        page = client.get(f"/enterprises/{record['uscc']}", headers={"Accept": "text/html"})
    finally:
        throwaway_postgres.start()
    assert (api.status_code, api.json["code"], api.headers["Retry-After"]) == (503, "database_unavailable", "5")
    assert page.status_code == 503 and "服务暂时不可用" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "5"
    assert client.get(f"/api/v1/enterprises/{record['uscc']}").json["name"] == record["party_name"]
    assert client.get(f"/enterprises/{record['uscc']}").status_code == 200
