"""SQLite held by another writer past the wait: the push is refused as busy (503 database_busy, a short
Retry-After), not as a database that went away, and the same push goes through once the writer is done."""

import sqlite3

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.records.models import Record
from tests import factories
from tests.conftest import initialised_app


@pytest.fixture(scope="module")
def impatient_app(tmp_path_factory):
    """The embedded default, told not to wait for another writer at all."""
    yield from initialised_app("sqlite", tmp_path_factory, {"SQLITE_BUSY_SECONDS": 0})


def test_a_write_refused_because_another_holds_the_database_says_busy(impatient_app):
    app, client = impatient_app, impatient_app.test_client()
    with app.app_context():
        department = factories.department("market_supervision")
        path = db.engine.url.database
    headers = factories.auth(factories.key_for(app, "department", department_uscc=department["uscc"]))
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
    with app.app_context():
        assert db.session.scalar(select(Record.id).where(Record.uscc == record["uscc"])) is not None
