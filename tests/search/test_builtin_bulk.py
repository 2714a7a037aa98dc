"""The built-in engine's bulk path (an import's batches, `registry reindex`) makes the very documents the
outbox drain makes one at a time, on SQLite and PostgreSQL, a killed and rerun import included."""

import json
import os
import signal
import time
from datetime import timedelta

import pytest
from sqlalchemy import String, cast, delete, func, inspect, select, text

from registry.demo.generator import generate_entities, generate_records
from registry.enterprises.models import Entity
from registry.extensions import db
from registry.outbox import SearchOutbox
from registry.publicsearch import engines
from registry.publicsearch.reindex import rebuild_index
from registry.records.models import Record
from registry.runtime import today
from registry.uow import unit_of_work
from search.drain import drain
from search.engine import LIST_KINDS, SearchQuery
from search.sql import BuiltinEngine
from search.sql_query import docs, texts
from tests import factories
from tests.imports.files import write_csv, write_ndjson
from tests.imports.test_crash_safety import BATCH, committed_rows, department_file, start_import

pytestmark = pytest.mark.committed  # the imports run in an app (or a process) of their own
QUERIES = ("有限公司", "通辽", "罚款", "tls", "旧名商贸", "新名商贸", "過期食品", "警告", "众程矿业", "zhongcheng")


def department_rows(department: dict, count: int) -> list[dict]:
    """Penalties of the department, and an entity renamed by a later decision (its earlier record keeps
    the name it was decided under: a party name unlike its entity's, folded by itself)."""
    shipped = {"uscc": department["uscc"], "name": department["name"], "domain": "market_supervision",
               "district": "150500", "code": "tl-scjg"}
    rows = [row for row in generate_records(generate_entities(200, seed=3), [shipped], count * 2, seed=4,
                                            today=factories.TODAY) if row["kind"] == "penalty"][:count]
    renamed = rows[0]
    for number, (name, days) in enumerate((("通辽市旧名商贸有限公司", 40), ("通辽市新名商贸有限公司", 20))):
        rows.append({**renamed, "party_name": name, "decision_no": f"通市监罚〔2026〕9{number}号",
                     "decision_date": (factories.TODAY - timedelta(days=days)).isoformat(),
                     "facts": "銷售過期食品（繁體）\n\n罚款５０００元"})
    return rows


def indexed(app) -> dict:
    """Every document of the built-in index by id: its row, its folded text and its document."""
    columns = [c for c in docs.columns if c.name != "seq"]
    query = select(*columns, texts.c.text, texts.c.document).join_from(docs, texts, texts.c.seq == docs.c.seq)
    with app.app_context():
        return {row.id: {**row._asdict(), "document": json.loads(row.document)} for row in db.session.execute(query)}


def answers(app) -> list:
    """The searches that count every match: which of more matches are counted follows the order the
    documents were indexed in, which the two paths need not share."""
    with app.app_context():
        engine = BuiltinEngine(db)
        return [result for q in QUERIES if (result := engine.search(SearchQuery(q=q, size=50))).total_exact]


def drained_one_by_one(app) -> dict:
    """The index made anew by the outbox drain (the path of a single write), from every record and
    entity the database holds."""
    with app.app_context():
        with unit_of_work() as uow:
            uow.session.execute(delete(texts))
            uow.session.execute(delete(docs))
            uow.session.execute(delete(SearchOutbox))
            uow.changed(records=uow.session.scalars(select(Record.id)).all(),
                        entities=uow.session.scalars(select(Entity.id)).all())
        drain(db.session, BuiltinEngine(db), False, today=today())
    return indexed(app)


def assert_index_is_the_drains(app) -> None:
    bulk, bulk_answers = indexed(app), answers(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0  # nothing left behind
    assert bulk == drained_one_by_one(app)
    assert answers(app) == bulk_answers
    assert sum(result.total > 0 for result in bulk_answers) >= 2


@pytest.mark.parametrize("bulk_load_rows", [0, 100], ids=["indexed", "bulk_load"])
def test_an_imported_file_is_indexed_as_the_drain_indexes_it(app, cli, tmp_path, department, push, monkeypatch,
                                                             bulk_load_rows):
    path = tmp_path / "penalties.csv"
    write_csv(path, department_rows(department, 600))
    monkeypatch.setenv("REGISTRY_IMPORT_BATCH_ROWS", "150")
    monkeypatch.setenv("REGISTRY_IMPORT_BULK_LOAD_ROWS", str(bulk_load_rows))
    synced = []
    monkeypatch.setattr(engines, "drain", lambda *args, **kwargs: synced.append(drain(*args, **kwargs)))
    schema = search_schema(app)
    assert cli("import", path, "--department", department["uscc"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Record.party_name == "通辽市旧名商贸有限公司")) == 1
    assert synced == [0]  # indexed in bulk, on both databases: nothing left for the sync after the commit
    assert search_schema(app) == schema
    assert_index_is_the_drains(app)
    pushed = factories.penalty(department, party_name="通辽市后来推送商贸有限公司", facts="推送之后的违法事实")
    assert push([pushed]).status_code == 200  # a single write after it: indexed by the triggers
    with app.app_context():
        engine = BuiltinEngine(db)
        assert [engine.search(SearchQuery(q=q)).total for q in ("后来推送商贸", "推送之后的违法事实")] == [2, 1]


def test_a_record_no_longer_public_leaves_the_index_with_its_text(app, cli, tmp_path, department):
    rows = department_rows(department, 30)
    write_csv(tmp_path / "penalties.csv", rows)
    assert cli("import", tmp_path / "penalties.csv", "--department", department["uscc"]).exit_code == 0
    with app.app_context():
        indexed_ids = select(func.substr(docs.c.id, len("record-") + 1)).where(docs.c.kind == "record")
        number = db.session.scalar(select(Record.decision_no).where(cast(Record.id, String).in_(indexed_ids)))
    position = next(position for position, row in enumerate(rows) if row["decision_no"] == number)
    ended = (factories.TODAY - timedelta(days=3650)).isoformat()  # decided ten years ago: its publicity is over
    rows[position] = {**rows[position], "decision_date": ended, "facts": "十年前的违法事实"}
    write_csv(tmp_path / "corrected.csv", rows)
    assert cli("import", tmp_path / "corrected.csv", "--department", department["uscc"]).exit_code == 0
    with app.app_context():
        record_id = db.session.scalar(select(Record.id).where(Record.decision_no == number))
        assert db.session.scalar(select(func.count()).where(docs.c.id == f"record-{record_id}")) == 0
        orphans = select(func.count()).select_from(texts).where(texts.c.seq.not_in(select(docs.c.seq)))
        assert db.session.scalar(orphans) == 0
        assert BuiltinEngine(db).search(SearchQuery(q="十年前的违法事实")).total == 0
    assert_index_is_the_drains(app)


def list_entries(department: dict, parties: list[dict]) -> list[dict]:
    """Entries of every list kind and a commitment for the parties of penalties: entities with records
    and lists, two lists on one of them, an entry that ends, one with no end, one removed already."""
    listed, ends = factories.TODAY - timedelta(days=30), factories.TODAY + timedelta(days=90)
    (first, second, third) = ({"party_name": row["party_name"], "uscc": row["uscc"]} for row in parties[:3])
    return [
        factories.entry(department, "dishonesty", **first, valid_to=ends.isoformat()),
        factories.entry(department, "abnormal", **first),
        factories.entry(department, "abnormal", **second, decision_date=listed.isoformat(),
                        removed_on=factories.TODAY.isoformat(), removal_reason="已补报年度报告"),
        factories.entry(department, "honour", **third),
        factories.entry(department, "commitment", **third),
    ]


def test_imported_list_entries_are_indexed_as_the_drain_indexes_them(app, cli, tmp_path, department):
    rows = department_rows(department, 20)
    write_csv(tmp_path / "penalties.csv", rows)
    files = [tmp_path / "penalties.csv"]
    entries = list_entries(department, rows)
    for kind in dict.fromkeys(entry["kind"] for entry in entries):  # a file holds one kind
        files.append(tmp_path / f"{kind}.ndjson")
        write_ndjson(files[-1], [entry for entry in entries if entry["kind"] == kind])
    for path in files:
        assert cli("import", path, "--department", department["uscc"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Record.kind.in_(LIST_KINDS))) == 4
        assert len(db.session.scalars(select(docs.c.list_until).where(docs.c.list_until.is_not(None))).all()) == 2
    assert_index_is_the_drains(app)


def test_a_reindex_makes_the_drains_documents(app, cli, tmp_path, department, push):
    path = tmp_path / "penalties.csv"
    rows = department_rows(department, 300)
    write_csv(path, rows)
    assert cli("import", path, "--department", department["uscc"]).exit_code == 0
    assert push(list_entries(department, rows)).status_code == 200
    drained = drained_one_by_one(app)
    on_lists = [json.loads(doc["list_until"]) for doc in drained.values() if doc["list_until"]]
    assert sorted(map(sorted, on_lists)) == [["abnormal", "dishonesty"], ["honour"]]
    with app.app_context():
        assert rebuild_index()["indexed"] == len(drained)
    assert indexed(app) == drained


def search_schema(app) -> dict:
    """The search tables' indexes, and on SQLite the FTS5 triggers, as the database states them."""
    with app.app_context():
        inspector = inspect(db.engine)
        schema = {table.name: sorted((index["name"], tuple(index["column_names"]), bool(index["unique"]))
                                     for index in inspector.get_indexes(table.name)) for table in (docs, texts)}
        if db.engine.dialect.name == "sqlite":
            triggers = text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'search%'")
            schema["triggers"] = sorted(db.session.execute(triggers).scalars())
        return schema


def test_a_reindex_leaves_the_search_tables_indexes_and_triggers_as_they_were(app, cli, tmp_path, department):
    path = tmp_path / "penalties.csv"
    write_csv(path, department_rows(department, 100))
    assert cli("import", path, "--department", department["uscc"]).exit_code == 0
    before = search_schema(app)
    with app.app_context():
        rebuild_index()
        db.session.commit()
    assert search_schema(app) == before
    assert len(before["search_documents"]) >= 4  # name, USCC, decision number, lists (and the id on SQLite)

@pytest.mark.parametrize("bulk_load_rows", [0, BATCH], ids=["indexed", "bulk_load"])
def test_an_import_killed_and_rerun_leaves_the_index_the_database_makes(app, tmp_path, department, bulk_load_rows):
    path = tmp_path / "big.csv"
    department_file(path, department, bad_rows=5)
    process = start_import(app, path, department, bulk_load_rows)
    deadline = time.monotonic() + 120
    while committed_rows(app) < 4 * BATCH and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    rerun = start_import(app, path, department, bulk_load_rows)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert_index_is_the_drains(app)
