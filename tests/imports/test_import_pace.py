"""An import that keeps pace with the search drain: it waits between batches while an external engine
is more than the bound behind, never for a drain that takes nothing, and never on the built-in engine."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, insert, select

from registry.db import utcnow
from registry.departments.models import Department
from registry.extensions import db
from registry.imports import services
from registry.outbox import ENTITY, RECORD, SearchOutbox
from registry.publicsearch import pace
from registry.publicsearch.engines import import_pace, sync_search
from registry.publicsearch.pace import POLL_SECONDS, STALL_SECONDS, DrainPace
from registry.runtime import settings
from registry.stages import StageTimes
from tests import factories
from tests.conftest import app_searching
from tests.imports.files import write_csv
from tests.services import opensearch_url
from tests.test_search_outage import eventually_found

BOUND = 2


class Drill:
    """A clock that moves only when the import sleeps, and a drain that takes the oldest pending change
    every `every` sleeps (never, when None)."""

    def __init__(self, every: int | None = None):
        self.now, self.sleeps, self.every = 0.0, 0, every

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.sleeps += 1
        if self.every and self.sleeps % self.every == 0:
            first = db.session.scalar(select(func.min(SearchOutbox.id)))
            db.session.execute(delete(SearchOutbox).where(SearchOutbox.id == first))
            db.session.commit()


def pending_since(*ages: float) -> None:
    """Changes waiting for the engine, the first the oldest: one `age` seconds old each."""
    now = utcnow()
    db.session.execute(insert(SearchOutbox), [{"kind": RECORD, "ref": n, "created_at": now - timedelta(seconds=age)}
                                              for n, age in enumerate(ages, 1)])
    db.session.commit()


def pace_of(drill: Drill) -> DrainPace:
    return DrainPace(db.engine, BOUND, clock=drill.clock, sleep=drill.sleep)


def remaining() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox))


@pytest.mark.committed  # the pace reads the outbox on connections of its own
def test_until_the_drains_pace_is_known_the_import_waits_for_every_change_to_be_sent(app_context):
    drill = Drill(every=2)
    pending_since(0.5, 0, 0)
    pace_of(drill).wait()
    assert (drill.sleeps, remaining()) == (6, 0)


@pytest.mark.committed
def test_then_it_waits_only_while_the_next_batch_would_reach_the_engine_past_the_bound(app_context):
    drill = Drill(every=1)  # one change each 0.25 s: 4 a second
    pending_since(*[0] * 10)
    paced = pace_of(drill)
    paced.wait()  # two seconds of sending tell the drain's pace; two changes are half a second of it
    assert (drill.sleeps, remaining()) == (8, 2)
    pending_since(*[0] * 4)  # a batch of 4: 6 waiting, the next batch 1 s behind them
    paced.wait()
    assert (drill.sleeps, remaining()) == (8 + 2, 4)  # it goes on at 4 waiting (2 s with the next), not at 5
    pending_since(*[0] * 11)  # a batch of 11 alone takes 2.75 s: the next goes once none waits
    paced.wait()
    assert (drill.sleeps, remaining()) == (8 + 2 + 15, 0)


@pytest.mark.committed
def test_a_drain_that_takes_nothing_holds_the_import_once_and_pacing_resumes_when_it_moves(app_context):
    drill = Drill()
    pending_since(60, 60)
    paced = pace_of(drill)
    paced.wait()
    assert drill.now == pytest.approx(STALL_SECONDS, abs=POLL_SECONDS) and remaining() == 2
    stalled = drill.sleeps
    paced.wait()  # the next batch: the drain is still stuck on the same change
    assert drill.sleeps == stalled
    drill.every = 1
    drill.sleep(0)  # the drain takes the stuck change; the next one is past the bound too
    paced.wait()
    assert remaining() == 0


def test_an_import_on_the_built_in_engine_never_waits_it_indexes_its_own_changes(app_context, monkeypatch):
    monkeypatch.setattr(settings(), "IMPORT_MAX_SEARCH_LAG_SECONDS", BOUND)
    assert import_pace(db.engine) is None


@pytest.fixture
def paced_app(tmp_path):
    yield from app_searching(opensearch_url(), tmp_path, IMPORT_MAX_SEARCH_LAG_SECONDS=1, IMPORT_BATCH_ROWS=10)


def test_an_import_beside_a_stopped_drain_waits_once_then_finishes_and_the_drain_sends_it_all(
        paced_app, tmp_path, monkeypatch):
    monkeypatch.setattr(pace, "STALL_SECONDS", 1)
    with paced_app.app_context():
        department = factories.department("market_supervision")
        db.session.execute(insert(SearchOutbox).values(kind=ENTITY, ref=1, created_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()  # a change the drain, not running, never took
        rows = [factories.penalty(department) for _ in range(30)]
        path = tmp_path / "penalties.csv"
        write_csv(path, rows)
        job = services.start_job(db.session.get(Department, department["id"]), path, path.name, {})
        seconds = StageTimes()
        done = services.run_job(job.id, seconds=seconds)
        assert (done.state, done.inserted) == ("done", 30)
        # three batches: the first waited for the stopped drain, the others went on at once
        assert 1 <= seconds["search_pace"] < 2
        sync_search()
        assert remaining() == 0
    eventually_found(paced_app.test_client(), rows[12]["party_name"], rows[12]["uscc"])
