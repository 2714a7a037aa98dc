"""The schema comes from the migrations alone: models agree with them, they round-trip, runs at once serialise."""

import json
import multiprocessing
import uuid
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, make_url, text

from registry import create_app
from registry.bootstrap import initialise
from registry.extensions import db
from search.sql_models import include_object
from tests import factories
from tests.services import REPO_DIR, postgres_url


def _differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    assert _differences(app) == []


def test_columns_compare_as_the_models_say(app):
    """Alembic's comparison leaves collations out: codes compare byte by byte on PostgreSQL."""
    with app.app_context():
        dialect = db.engine.dialect
        declared = {(table.name, column.name): getattr(column.type.dialect_impl(dialect), "collation", None)
                    for table in db.metadata.sorted_tables for column in table.columns}
        inspector = inspect(db.engine)
        migrated = {(table, column["name"]): getattr(column["type"], "collation", None)
                    for table in {t for t, _ in declared} for column in inspector.get_columns(table)}
    assert migrated == declared
    if dialect.name == "postgresql":
        assert migrated[("records", "decision_no")] == migrated[("entities", "uscc")] == "C"


@pytest.mark.committed  # the migrations drop and make the tables on connections of their own
def test_downgrade_to_nothing_and_upgrade_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"records", "entities", "departments", "principals"} <= set(inspect(db.engine).get_table_names())
    assert _differences(app) == []


def test_revisions_are_named_and_numbered_as_the_readme_says():
    """migrations/README.md: one head, each id its file's name, each number one more than the one it
    revises, but for the two 0007s that deployed databases keep."""
    scripts = ScriptDirectory(str(REPO_DIR / "migrations"))
    assert len(scripts.get_heads()) == 1
    chain = list(scripts.walk_revisions())
    assert [Path(script.path).stem for script in chain] == [script.revision for script in chain]
    numbered = {script.revision: int(script.revision[:4]) for script in chain}
    skips = [(script.down_revision, script.revision) for script in chain if script.down_revision
             and numbered[script.revision] != numbered[script.down_revision] + 1]
    assert skips == [("0007_search_name_prefix", "0007_import_speed")]


@pytest.fixture
def fresh_postgres(tmp_path):
    """The URL of a new, empty PostgreSQL database (dropped afterwards), made as deploy/postgres.sh makes one."""
    server = make_url(postgres_url())
    name = f"{server.database}_fresh_{uuid.uuid4().hex[:8]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                           "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
    yield server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _initialise_with(url: str, instance_dir: str, barrier) -> None:
    """A process's `registry init` (migrations, then reference data), started when the other process
    is ready to start its own."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": instance_dir})
    with app.app_context():
        barrier.wait(timeout=120)
        initialise()


@pytest.mark.postgres
def test_two_runs_at_once_both_succeed_and_leave_one_schema_at_head(fresh_postgres, tmp_path):
    """Two `registry init` started together on a new database (deploy scripts, replicas starting): the
    advisory lock makes the second wait for the first, then find nothing left to do, the reference
    data included."""
    spawn = multiprocessing.get_context("spawn")  # a clean process each, as two commands would be
    barrier = spawn.Barrier(2)
    runs = [spawn.Process(target=_initialise_with, args=(fresh_postgres, str(tmp_path / f"instance-{n}"), barrier))
            for n in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=300)
    assert [run.exitcode for run in runs] == [0, 0]

    app = create_app({"DATABASE_URL": fresh_postgres, "INSTANCE_DIR": str(tmp_path / "instance-check")})
    with app.app_context(), db.engine.connect() as connection:
        versions = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [ScriptDirectory(app.extensions["migrate"].directory).get_current_head()]
    assert _differences(app) == []
    with app.app_context():
        shipped = json.loads((REPO_DIR / "registry/demo/departments.json").read_text(encoding="utf-8"))
        assert db.session.scalar(text("SELECT count(*) FROM departments")) == len(shipped)
        db.engine.dispose()  # before the database is dropped


@pytest.mark.committed
def test_0022_fills_the_decision_numbers_of_records_indexed_before_it(app, client, push, department):
    """A record indexed before the decision number had a column is found by it once the migration ran."""
    record = factories.penalty(department, decision_no="通市监罚〔2026〕 4471号")
    record_id = push(record).json["results"][0]["id"]
    with app.app_context():
        downgrade(revision="0021_report_batches")
        upgrade()
    found = client.get("/api/v1/search", query_string={"q": "通市监罚〔2026〕4471号"}).json
    assert [(hit["record"]["id"], hit["matched"]) for hit in found["items"]] == [(record_id, ["decision_no"])]
    assert client.get("/api/v1/search", query_string={"q": "通市监", "record_kind": "penalty"}).json["total"] == 0
    assert client.get("/api/v1/search", query_string={"q": "通市监罚〔2026〕44", "record_kind": "penalty"}
                      ).json["total"] == 1
