"""An import on SQLite writes its batches with a large page cache and rare checkpoints, then gives its
connection back to the pool as it was: a server's connection would otherwise keep a 32 MB cache for
every request after one import, and the records' indexes made again at the job's end would sort
beside a full cache (a million-row import's peak memory)."""

import pytest
from sqlalchemy import select, text

from registry.departments.models import Department
from registry.extensions import db
from registry.imports import services
from tests import factories
from tests.conftest import initialised_app
from tests.imports.files import write_csv


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    """The embedded default (these settings are SQLite's own), importing in batches of 100 rows."""
    yield from initialised_app("sqlite", tmp_path_factory, {"IMPORT_BATCH_ROWS": 100})


def settings_of(connection) -> tuple[int, int]:
    return (connection.execute(text("PRAGMA cache_size")).scalar(),
            connection.execute(text("PRAGMA wal_autocheckpoint")).scalar())


@pytest.mark.parametrize("dry_run", [False, True], ids=["job", "dry_run"])
def test_an_import_writes_with_its_bulk_settings_and_leaves_the_connection_as_it_was(sqlite_app, tmp_path, dry_run):
    with sqlite_app.app_context():
        department = factories.department("market_supervision")
        write_csv(tmp_path / "penalties.csv", [factories.penalty(department) for _ in range(300)])
        usual = settings_of(db.session.connection())
        sender = db.session.scalar(select(Department).where(Department.uscc == department["uscc"]))
        during = []
        if dry_run:
            tally, _ = services.dry_run(sender, tmp_path / "penalties.csv", {})
            assert tally.rows_read == 300
        else:
            job = services.start_job(sender, tmp_path / "penalties.csv", "penalties.csv", {})
            job = services.run_job(job.id, progress=lambda _: during.append(settings_of(db.session.connection())))
            assert (job.state, job.inserted) == ("done", 300)
            assert during == [(-services.BULK_CACHE_KB, services.BULK_CHECKPOINT_PAGES)] * 3
        assert settings_of(db.session.connection()) == usual == (-2000, 1000)  # SQLite's defaults
