"""The queue with real processes, real Redis and PostgreSQL: the schedule fires on its own, two
workers and two schedulers have each effect once, and a worker killed mid-import loses nothing."""

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, insert, select, text, update

from registry.domain.periods import BEIJING
from registry.extensions import db
from registry.imports.models import DONE, QUEUED, ImportJob
from registry.notices.webhooks import set_webhook
from registry.outbox import RECORD, SearchOutbox
from registry.records.models import EXPIRED, PUBLISHED, Record
from registry.tasks.models import TaskRun
from tests import factories
from tests.conftest import app_searching
from tests.imports.files import write_csv
from tests.services import opensearch_url
from tests.tasks.conftest import REGISTRY, wait_for
from tests.test_search_outage import pending

pytestmark = pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # workers on many hosts share it
DAY = date(2026, 6, 22)
MARKET_SUPERVISION = "11150500011620002E"


def beijing(day: date, at: time) -> str:
    return datetime.combine(day, at, BEIJING).isoformat()


def read(app, query):
    with app.app_context():
        try:
            return db.session.execute(query).all()
        finally:
            db.session.remove()


def test_the_schedule_ends_publicity_on_the_end_date_once_however_many_schedulers(app, department, push, workers):
    pushed = [push(factories.penalty(department)).json["results"][0]["id"] for _ in range(2)]
    ending, staying = pushed
    with app.app_context():
        db.session.execute(update(Record).where(Record.id == ending).values(publicity_end=DAY))
        db.session.execute(update(Record).where(Record.id == staying).values(publicity_end=DAY + timedelta(days=1)))
        db.session.commit()
    for _ in range(2):  # each with its scheduler, at five past midnight of the end date
        workers(clock=beijing(DAY, time(0, 5, 10)))

    def swept():
        """the day's sweep has finished"""
        return read(app, select(TaskRun.result).where(TaskRun.task == "publicity_sweep",
                                                      TaskRun.slot == DAY.isoformat()))

    assert wait_for(swept) == [({"ended": 1},)]
    statuses = dict(read(app, select(Record.id, Record.status).where(Record.id.in_(pushed))))
    assert statuses == {ending: EXPIRED, staying: PUBLISHED}
    assert read(app, select(func.count()).select_from(TaskRun).where(TaskRun.task == "publicity_sweep")) == [(1,)]


def test_two_workers_with_two_schedulers_send_each_notice_once(app, department, push, workers, receiver):
    record = factories.penalty(department)
    push(record)
    with app.app_context():
        set_webhook("enterprise", record["uscc"], receiver.url)
    for _ in range(2):  # each with its scheduler, in the notices' hour
        workers(clock=beijing(DAY, time(8, 0, 10)))

    def sent():
        """the day's notices have been sent"""
        return read(app, select(TaskRun.result).where(TaskRun.task == "notices_send"))

    [(result,)] = wait_for(sent)
    assert result["repair_notices"] >= 1
    wait_for(lambda: receiver.received)
    threading.Event().wait(5)  # the other worker's offers of the same minute, and the next minute's delivery
    sent_ids = [notice["id"] for notice in receiver.received]
    assert len(sent_ids) == len(set(sent_ids)) >= 1


def test_a_worker_killed_mid_import_loses_nothing_and_another_finishes_it(app, workers, tmp_path):
    rows = 30000
    path = tmp_path / "penalties.csv"
    subprocess.run([sys.executable, "bench/make_import_file.py", str(path), "--rows", str(rows), "--kind", "penalty",
                    "--department", MARKET_SUPERVISION, "--bad-share", "0", "--seed", "7"], check=True,
                   capture_output=True)
    doomed = workers("--no-schedule")
    queued = subprocess.run([*REGISTRY, "import", str(path), "--department", MARKET_SUPERVISION, "--queue"],
                            env=workers.env, check=True, capture_output=True, text=True)
    job_id = json.loads(queued.stdout.splitlines()[-1])["job"]

    def midway():
        """the job has committed a batch and not yet the last"""
        (committed,), = read(app, select(ImportJob.rows_committed).where(ImportJob.id == job_id))
        return 0 < committed < rows

    wait_for(midway, every=0.05)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(30)
    workers()  # its scheduler offers the dead worker's import again at once

    def finished():
        """the job is done"""
        (job,), = read(app, select(ImportJob).where(ImportJob.id == job_id))
        return job if job.state == DONE else None

    job = wait_for(finished, seconds=180)
    counted = job.inserted + job.updated + job.unchanged + job.rejected
    assert (job.rows_read, counted, job.rows_committed) == (rows, rows, rows + 1)  # file rows: the header is 1
    assert read(app, select(func.count()).select_from(Record).where(Record.department_id == job.department_id)) \
        == [(job.inserted,)]


@pytest.fixture
def searching(app, tmp_path):
    """The test database searched with the test OpenSearch node, under an index prefix of its own."""
    yield from app_searching(opensearch_url(), tmp_path / "searching",
                             DATABASE_URL=app.config["REGISTRY"].DATABASE_URL)


def test_the_drain_runs_while_every_task_thread_is_busy_with_a_long_task(app, department, push, workers,
                                                                        searching, tmp_path):
    push(factories.penalty(department))
    with app.app_context():
        record_id = db.session.scalar(select(func.max(Record.id)))
        db.session.execute(insert(SearchOutbox).values(kind=RECORD, ref=record_id))
        db.session.commit()  # a change for the external engine, which only the worker's drain sends
    path = tmp_path / "penalties.csv"
    write_csv(path, [factories.penalty(department)])
    queued = subprocess.run([*REGISTRY, "import", str(path), "--department", department["uscc"], "--queue"],
                            env=workers.env, check=True, capture_output=True, text=True)
    job_id = json.loads(queued.stdout.splitlines()[-1])["job"]
    with app.app_context(), db.engine.connect() as holder:
        # The import's job row, locked here: the worker's only task thread takes the import and waits on it.
        holder.execute(select(ImportJob.id).where(ImportJob.id == job_id).with_for_update())
        workers.env.update(REGISTRY_SEARCH_URL=searching.config["REGISTRY"].SEARCH_URL,
                           REGISTRY_SEARCH_INDEX_PREFIX=searching.config["REGISTRY"].SEARCH_INDEX_PREFIX)
        workers("--workers", "1")

        def thread_busy():
            """the worker's task thread waits on the job's row"""
            return db.session.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))

        wait_for(thread_busy)
        wait_for(lambda: pending(app) == 0, seconds=30)
        assert read(app, select(ImportJob.state).where(ImportJob.id == job_id)) == [(QUEUED,)]
