"""A large import into a small registry loads the database without the records' secondary indexes (and
foreign keys, on PostgreSQL), and makes them again at its end, whatever its end."""

import pytest
from sqlalchemy import func, select, text

from registry.departments.models import Department
from registry.extensions import db
from registry.imports import services
from registry.records import set_aside
from registry.records.models import Record
from tests import factories
from tests.imports.files import write_csv

pytestmark = pytest.mark.committed  # jobs commit batch by batch
BATCH, BULK_LOAD_ROWS = 100, 200
SECONDARY = ["ix_records_department_id_decision_date_id", "ix_records_entity_id_decision_date",
             "ix_records_publicity_end"]
FOREIGN_KEYS = ["fk_records_department_id_departments", "fk_records_domain_key_domains",
                "fk_records_entity_id_entities"]


def set_aside_names() -> list[str]:
    """What a bulk load sets aside on the database under test: PostgreSQL's foreign keys too."""
    return SECONDARY + (FOREIGN_KEYS if db.engine.dialect.name == "postgresql" else [])


@pytest.mark.parametrize(("expected", "stored", "threshold", "pays"), [
    (400, 0, 400, True), (399, 0, 400, False),  # the threshold
    (4000, 1000, 400, True), (3999, 1000, 400, False),  # four times what is stored
    (10**6, 0, 0, False),  # turned off
])
def test_an_import_sets_the_indexes_aside_from_a_size_and_four_times_what_is_stored(expected, stored, threshold,
                                                                                     pays):
    assert set_aside.pays(expected, stored, threshold) is pays


@pytest.fixture
def bulk_loads(app, monkeypatch):
    config = app.config["REGISTRY"]
    monkeypatch.setattr(config, "IMPORT_BATCH_ROWS", BATCH)
    monkeypatch.setattr(config, "IMPORT_BULK_LOAD_ROWS", BULK_LOAD_ROWS)


def run_job(department: dict, path) -> tuple:
    """The job, and after each of its batches the records' indexes missing (as its own transaction sees)."""
    missing = []
    sender = db.session.scalar(select(Department).where(Department.uscc == department["uscc"]))
    job = services.start_job(sender, path, path.name, {})
    job = services.run_job(job.id, progress=lambda _: missing.append(set_aside.missing(db.session.connection())))
    return job, missing


def penalties(tmp_path, department, count: int, name: str = "penalties.csv", **overrides):
    rows = [factories.penalty(department, **overrides) for _ in range(count)]
    write_csv(tmp_path / name, rows)
    return tmp_path / name, rows


def test_a_large_import_loads_without_the_records_indexes_and_makes_them_again(app, client, tmp_path, department,
                                                                              bulk_loads):
    path, rows = penalties(tmp_path, department, 5 * BATCH)
    with app.app_context():
        job, missing = run_job(department, path)
        assert (job.state, job.inserted) == ("done", 5 * BATCH)
        assert set_aside.missing(db.session.connection()) == []
        names = set_aside_names()
    # Set aside from the batch that shows the file large enough (a small file's first batch reads it
    # whole: its size is known from the rows read), until the end.
    assert missing == sorted(missing, key=len) and missing[-1] == names
    assert set(map(tuple, missing)) <= {(), tuple(names)}
    page = client.get(f"/api/v1/enterprises/{rows[-1]['uscc']}/records").json
    assert [record["decision_no"] for record in page["items"]] == [rows[-1]["decision_no"]]


def test_an_import_small_against_the_records_stored_keeps_the_indexes(app, tmp_path, department, bulk_loads):
    first, _ = penalties(tmp_path, department, BULK_LOAD_ROWS, "first.csv")
    second, _ = penalties(tmp_path, department, 3 * BULK_LOAD_ROWS, "second.csv")  # 4x the stored would be 800
    with app.app_context():
        run_job(department, first)
        job, missing = run_job(department, second)
        assert job.inserted == 3 * BULK_LOAD_ROWS
        assert db.session.scalar(select(func.count(Record.id))) == 4 * BULK_LOAD_ROWS
    assert missing == [[]] * (3 * BULK_LOAD_ROWS // BATCH)


def test_an_import_stopped_by_its_rejections_makes_the_indexes_again(app, tmp_path, department, bulk_loads,
                                                                    monkeypatch):
    monkeypatch.setattr(app.config["REGISTRY"], "IMPORT_MAX_REJECTED_ROWS", 10)
    rows = [factories.penalty(department) for _ in range(5 * BATCH)]
    for position in range(3 * BATCH, 3 * BATCH + 20):  # the fourth batch: past the limit
        rows[position]["uscc"] = rows[position]["uscc"][:17] + "?"
    write_csv(tmp_path / "rejected.csv", rows)
    with app.app_context():
        job, missing = run_job(department, tmp_path / "rejected.csv")
        assert (job.state, job.inserted) == ("stopped", 3 * BATCH)
        assert set_aside.missing(db.session.connection()) == []
        names = set_aside_names()
    assert missing[1:] == [names] * 2  # from the second batch: 200 rows


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # SQLite's foreign keys stay
def test_a_record_naming_a_missing_entity_fails_the_import_that_adds_the_foreign_keys_again(app, tmp_path, department,
                                                                                           bulk_loads):
    """The foreign keys are checked once, for every record, when they are added again: a record that
    breaks one (only a change made outside the registry can) fails the job that finds it, the other
    indexes and keys come back, and that key stays missing until an import finds the records whole."""
    first, _ = penalties(tmp_path, department, 5 * BATCH, "first.csv")
    with app.app_context():
        assert run_job(department, first)[0].state == "done"
        connection = db.session.connection()
        set_aside.set_aside(connection)  # as a bulk load killed midway leaves them
        assert set_aside.missing(connection) == SECONDARY + FOREIGN_KEYS
        broken, entity = connection.execute(text("SELECT id, entity_id FROM records ORDER BY id LIMIT 1")).one()
        connection.execute(text("UPDATE records SET entity_id = -1 WHERE id = :id"), {"id": broken})
        db.session.commit()

        job, _ = run_job(department, penalties(tmp_path, department, BATCH, "second.csv")[0])
        assert (job.state, job.inserted) == ("failed", BATCH)
        assert "fk_records_entity_id_entities" in job.message_en and "外键" in job.message_zh
        assert set_aside.missing(db.session.connection()) == ["fk_records_entity_id_entities"]

        db.session.execute(text("UPDATE records SET entity_id = :entity WHERE id = :id"),
                           {"entity": entity, "id": broken})
        db.session.commit()
        job, _ = run_job(department, penalties(tmp_path, department, BATCH, "third.csv")[0])
        assert job.state == "done"
        assert set_aside.missing(db.session.connection()) == []
