"""Fixtures: the app against SQLite and against a real PostgreSQL, a client, keys, record factories."""

import os
import uuid
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import settings
from sqlalchemy import text

from registry import create_app
from registry.bootstrap import initialise
from registry.cli import main
from registry.extensions import db
from registry.publicsearch.engines import configured_engine
from registry.runtime import runtime
from registry.tasks.queue import consumer
from tests import factories
from tests.database import empty_database, rolled_back
from tests.receivers import receiver  # noqa: F401 (a fixture: a real webhook receiver)
from tests.services import opensearch_url, postgres_url

# Hypothesis's CI settings everywhere, so a local run is CI's: the same examples every run, and no
# per-example time limit (on a shared machine it fails correct code at random).
settings.load_profile("ci")
# Tests read their own writes at once: the public answers' cache is off unless a test turns it on
# (tests/web/test_public_cache.py); subprocesses (served instances) inherit this too.
os.environ.setdefault("REGISTRY_PUBLIC_CACHE_SECONDS", "0")
# Every app of the session, in this process or another (commands, `registry serve`), believes it is the
# session's day (see factories.TODAY); the clock fixture moves one app's day from there.
os.environ["REGISTRY_TODAY"] = factories.TODAY.isoformat()

BACKENDS = ("sqlite", "postgresql")
# `engine_app`: the built-in engine and a real OpenSearch node; the check that no log line leaked a secret.
pytest_plugins = ("tests.engines", "tests.logscan")


def database_url(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'registry.sqlite3'}"
    return postgres_url()


def reset_schema(app) -> None:
    """Start from an empty database so that the migrations, not leftovers, build the schema."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    yield from initialised_app(request.param, tmp_path_factory)


def initialised_app(backend: str, tmp_path_factory, overrides: dict | None = None):
    """The app on a freshly migrated database of `backend` with the reference data loaded (a generator);
    `overrides` are more settings."""
    url = database_url(backend, tmp_path_factory)
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": str(instance), **(overrides or {})})
    app.config["TESTING"] = True
    reset_schema(app)
    with app.app_context():
        initialise()
    # The queue's workers, as `registry serve` runs them (without the schedule: tests run its tasks).
    workers = consumer(app, 2, periodic=False, quiet=True)
    workers.start()
    yield app
    workers.stop()
    with app.app_context():
        db.engine.dispose()


# Fixtures that reach the database other than through the test's connection, so their tests need
# committed data: the CLI builds an app of its own, the live server answers from its own threads.
COMMITTED_FIXTURES = {"cli", "live_server", "redis", "engine_app"}  # engine_app: another app on the same database


# Fixtures (and fixture parameters) that need a service, so a test's marks follow what it uses.
SERVICE_FIXTURES = {"external_app": "opensearch", "redis": "redis"}
SERVICE_PARAMS = {"postgresql": "postgres", "opensearch": "opensearch",
                  "elasticsearch8": "elasticsearch", "elasticsearch9": "elasticsearch"}
SERVICE_MARKS = ("postgres", "opensearch", "elasticsearch", "keycloak", "redis")


def pytest_addoption(parser):
    parser.addoption("--backend", choices=("all", "sqlite"), default="all",
                     help="sqlite: only the tests that need no service (no PostgreSQL, OpenSearch, Elasticsearch,"
                          " Keycloak or Redis)")


@pytest.hookimpl(tryfirst=True)  # before -m selects by the marks added here
def pytest_collection_modifyitems(config, items):
    """Mark committed every test that uses one of COMMITTED_FIXTURES, directly or through another
    fixture; mark each test with the services its fixtures and parameters need; with --backend
    sqlite, leave out the tests that need one."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if COMMITTED_FIXTURES & used:
            item.add_marker(pytest.mark.committed)
        params = getattr(getattr(item, "callspec", None), "params", {})
        needed = {SERVICE_FIXTURES[name] for name in used & SERVICE_FIXTURES.keys()}
        needed |= {SERVICE_PARAMS[value] for value in params.values()
                   if isinstance(value, str) and value in SERVICE_PARAMS}
        for mark in needed - {m.name for m in item.iter_markers()}:
            item.add_marker(getattr(pytest.mark, mark))
    if config.getoption("--backend") == "sqlite":
        kept = [item for item in items if not any(item.get_closest_marker(mark) for mark in SERVICE_MARKS)]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _isolated_database(request):
    """A test that uses the app leaves the database as it found it: its writes are rolled back, or,
    for a test marked committed (its data must be seen by other connections or processes), every table
    is emptied after it and the reference data reloaded."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    if request.node.get_closest_marker("committed"):
        yield
        empty_database(app)
    else:
        with rolled_back(app):
            yield


@pytest.fixture
def clock():
    """Set the day the application of the current context believes it is; restored after the test."""
    moved = []

    def _set(app, day: date):
        with app.app_context():
            holder = runtime()
            moved.append((app, holder.clock))
            holder.clock = lambda: day

    yield _set
    for app, original in reversed(moved):
        with app.app_context():
            runtime().clock = original


@pytest.fixture
def cli(app):
    """Run the `registry` command in-process against the test database; returns click's Result."""
    env = {"REGISTRY_DATABASE_URL": app.config["REGISTRY"].DATABASE_URL,
           "REGISTRY_INSTANCE_DIR": app.config["REGISTRY"].INSTANCE_DIR}

    def _run(*args):
        return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)

    return _run


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def _factories_seeded_per_test(request):
    factories.reseed(request.node.nodeid)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def department(app):
    """The shipped market-supervision department of the city."""
    with app.app_context():
        return factories.department("market_supervision")


@pytest.fixture
def department_key(app, department):
    return factories.key_for(app, "department", department_uscc=department["uscc"])


@pytest.fixture
def push(client, department_key):
    """POST records as the department; returns the response."""

    def _push(payload, key=None):
        return client.post("/api/v1/records", json=payload, headers=factories.auth(key or department_key))

    return _push


@pytest.fixture(scope="session", autouse=True)
def _logs_as_deployed():
    """The default level of a deployment (INFO: a line per request and per queued task), so that the
    suite's last check (tests/logscan.py) reads what an operator's log would hold."""
    os.environ.setdefault("REGISTRY_LOG_LEVEL", "INFO")


@pytest.fixture
def external_app(tmp_path):
    """An app on its own SQLite file that searches with the real OpenSearch node, under a unique prefix."""
    yield from app_searching(opensearch_url(), tmp_path)


def app_searching(search_url: str, tmp_path, **overrides):
    """An app on its own SQLite file searching with the engine at `search_url` under a unique prefix,
    whose indices are deleted after the test."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}", "INSTANCE_DIR": str(tmp_path),
                      "SEARCH_URL": search_url, "SEARCH_INDEX_PREFIX": f"app-{uuid.uuid4().hex[:8]}", **overrides})
    with app.app_context():
        initialise()
        configured_engine().ensure_index()
    yield app
    with app.app_context():
        engine = configured_engine()
        for index in engine.client.indices.get(index=f"{engine.prefix}-*"):  # Elasticsearch refuses wildcards
            engine.client.indices.delete(index=index)
