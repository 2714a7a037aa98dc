"""PostgreSQL restarted, or its postmaster killed, in the middle of an uploaded import: the job fails with
a message that says what happened and how far it got, the same file uploaded again resumes it, and every
row then lands exactly once."""

import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from registry.db import copy_from_stdin
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.imports.readers import ImportFileError
from registry.imports.services import _explained
from registry.records.models import Record
from tests import factories
from tests.faults.conftest import BATCH_ROWS
from tests.imports.files import write_csv
from tests.imports.test_import_jobs import wait_for_job

pytestmark = pytest.mark.postgres

ROWS = 4000


def upload(client, path, headers):
    with open(path, "rb") as stream:
        answer = client.post("/api/v1/imports", data={"file": (stream, path.name)}, headers=headers,
                             content_type="multipart/form-data")
    assert answer.status_code == 202, answer.json
    return answer


def committed(client, url, headers) -> int:
    job = client.get(url, headers=headers).json
    assert job["state"] == "running" or job["rows_committed"] == 0, "the import ended before the fault: make it longer"
    return job["rows_committed"]


@pytest.mark.parametrize("fault", ["restart", "crash"])
def test_an_import_cut_by_a_database_restart_resumes_to_one_copy_of_each_row(restartable_app, throwaway_postgres,
                                                                          tmp_path, fault):
    app, client = restartable_app, restartable_app.test_client()
    with app.app_context():
        department = factories.department("market_supervision")
    headers = factories.auth(factories.key_for(app, "department", department_uscc=department["uscc"]))
    rows = [factories.penalty(department) for _ in range(ROWS)]
    path = tmp_path / f"penalties-{fault}.csv"
    write_csv(path, rows)

    url = upload(client, path, headers).headers["Location"]
    deadline = time.monotonic() + 60
    while committed(client, url, headers) < 3 * BATCH_ROWS:
        assert time.monotonic() < deadline, "the import did not start"
        time.sleep(0.02)
    getattr(throwaway_postgres, fault)()

    cut = wait_for_job(client, url, headers)
    assert cut["state"] == "failed", cut
    assert 0 < cut["rows_committed"] < ROWS
    assert "database connection was lost" in cut["message_en"] and "upload the same file again" in cut["message_en"]
    assert "数据库连接中断" in cut["message_zh"]

    again = upload(client, path, headers)
    assert again.headers["Location"] == url  # the same job, resumed after its last committed batch
    done = wait_for_job(client, url, headers, seconds=120)
    assert (done["state"], done["rows_read"], done["inserted"], done["rejected"]) == ("done", ROWS, ROWS, 0)
    usccs = [row["uscc"] for row in rows]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Record).where(Record.uscc.in_(usccs))) == ROWS
        assert db.session.scalar(select(func.count()).select_from(ImportJob).where(ImportJob.path.contains(
            path.stem))) <= 1


def test_a_copy_the_server_cuts_short_reads_as_a_lost_connection(restartable_app):
    """The bulk writers' COPY goes around SQLAlchemy; a session ended under it must still read as a lost
    connection (the job fails with "upload the same file again"), and the session work on a new one."""
    with restartable_app.app_context():
        connection = db.session.connection()
        connection.execute(text("CREATE TEMP TABLE copied (code text)"))
        session_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            assert other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": session_pid}).scalar()
        with pytest.raises(DBAPIError) as cut, copy_from_stdin(connection, "copied", ("code",)) as copy:
            copy.write_row(["a row"])
        assert cut.value.connection_invalidated, cut.value
        db.session.rollback()
        assert db.session.scalar(text("SELECT 1")) == 1  # on a new connection from the pool


def test_a_database_that_refuses_new_connections_reads_as_a_lost_connection(restartable_app, throwaway_postgres):
    """A crash that the pool's pre-ping sees first, while the server is still down: the next statement
    cannot even connect. The job must still say "upload the same file again", as for a connection cut
    under a statement (CI once saw "the import stopped unexpectedly" there)."""
    with restartable_app.app_context():
        db.session.remove()
        db.engine.dispose()
        throwaway_postgres.halt()
        try:
            with pytest.raises(ImportFileError) as cut, _explained():
                db.session.scalar(text("SELECT 1"))
        finally:
            throwaway_postgres.start()
        db.session.remove()
    assert cut.value.code == "database_unavailable"
    message = cut.value.message_en
    assert "database connection was lost" in message and "upload the same file again" in message
