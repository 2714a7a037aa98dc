"""SQLite held by another writer past the wait: the push is refused as busy (503 database_busy, a short
Retry-After), not as a database that went away, and the same push goes through once the writer is done.
Another writer that commits while a push is being written waits for it instead of failing it."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from registry.extensions import db
from registry.records.models import Record
from tests import factories
from tests.conftest import initialised_app


@pytest.fixture(scope="module")
def impatient_app(tmp_path_factory):
    """The embedded default, told not to wait for another writer at all."""
    yield from initialised_app("sqlite", tmp_path_factory, {"SQLITE_BUSY_SECONDS": 0})


def sender(app) -> tuple[dict, dict, str]:
    """A department, the headers of its pushes, and the database file's path."""
    with app.app_context():
        department = factories.department("market_supervision")
        path = db.engine.url.database
    return department, factories.auth(factories.key_for(app, "department", department_uscc=department["uscc"])), path


def stored(app, record: dict) -> bool:
    with app.app_context():
        return db.session.scalar(select(Record.id).where(Record.decision_no == record["decision_no"])) is not None


def test_a_write_refused_because_another_holds_the_database_says_busy(impatient_app):
    app, client = impatient_app, impatient_app.test_client()
    department, headers, path = sender(app)
    record = factories.penalty(department)

    other_writer = sqlite3.connect(path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        refused = client.post("/api/v1/records", json=record, headers=headers)
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert (refused.status_code, refused.json["code"], refused.headers["Retry-After"]) == (503, "database_busy", "2")
    assert "正忙" in refused.json["message_zh"] and "busy" in refused.json["message_en"]

    again = client.post("/api/v1/records", json=record, headers=headers)
    assert again.status_code == 200, again.json
    assert stored(app, record)


@contextmanager
def traced(app, on_statement):
    """Call `on_statement(sql)` before each statement the app's SQLite connections run, meanwhile."""
    def trace(dbapi_connection, _record, _proxy):
        dbapi_connection.set_trace_callback(on_statement)

    engine = db.engine
    event.listen(engine, "checkout", trace)
    try:
        yield
    finally:
        event.remove(engine, "checkout", trace)
        with engine.connect() as connection:  # the pool hands back the connection it traced
            connection.connection.driver_connection.set_trace_callback(None)


def test_a_push_is_written_when_another_writer_commits_while_it_is_being_written(impatient_app):
    """A batch's reads (its entities, the records' next ids) come after it holds the write lock: had it
    read first, another writer's commit in between would make its first write fail at once."""
    app, client = impatient_app, impatient_app.test_client()
    department, headers, path = sender(app)
    first = factories.penalty(department)
    assert client.post("/api/v1/records", json=first, headers=headers).status_code == 200
    # Its entity stored under the very name it gives: the batch has no entity to write before its record.
    again = factories.penalty(department, uscc=first["uscc"], party_name=first["party_name"])
    other_writes = []

    def another_writer_commits(sql: str) -> None:
        if sql.startswith("INSERT INTO records") and not other_writes:
            other = sqlite3.connect(path, timeout=0.2)
            try:
                other.execute("UPDATE departments SET name = name")
                other.commit()
                other_writes.append("committed")
            except sqlite3.OperationalError as exc:  # the push holds the write lock: the other waits its turn
                other_writes.append(str(exc))
            finally:
                other.close()

    with app.app_context(), traced(app, another_writer_commits):
        answer = client.post("/api/v1/records", json=again, headers=headers)
    assert other_writes == ["database is locked"]
    assert answer.status_code == 200, answer.json
    assert stored(app, again)
