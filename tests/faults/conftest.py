"""The drills' own services: a PostgreSQL server they may restart and kill, and an app on it."""

import pytest

from registry.extensions import db
from tests.conftest import initialised_app
from tests.faults.postgres import ThrowawayPostgres

BATCH_ROWS = 100  # small batches: an import of a few thousand rows commits many times, so a restart falls mid-file


@pytest.fixture(scope="session")
def throwaway_postgres():
    server = ThrowawayPostgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def restartable_app(throwaway_postgres, tmp_path_factory):
    """An app, with its queue's workers, on the drills' own PostgreSQL server."""
    generator = initialised_app("postgresql", tmp_path_factory,
                                {"DATABASE_URL": throwaway_postgres.url, "IMPORT_BATCH_ROWS": BATCH_ROWS})
    app = next(generator)
    yield app
    with app.app_context():
        db.session.remove()
    next(generator, None)
