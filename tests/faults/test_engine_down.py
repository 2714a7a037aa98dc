"""The search engine down for the length of an import: the import finishes, the outbox keeps every change,
the public gets 503 with Retry-After (look-ups by credit code still work), and once the engine is back
the drain catches up until the index holds exactly what the database says it should."""

from uuid import uuid4

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.outbox import SearchOutbox
from registry.publicsearch.engines import configured_engine, sync_search
from registry.runtime import settings
from search.drain import document_batches
from search.engine import SearchUnavailable
from tests import factories
from tests.conftest import initialised_app
from tests.faults.opensearch import OwnOpenSearch
from tests.imports.files import write_csv
from tests.imports.test_import_jobs import wait_for_job
from tests.search.test_cluster import drained

pytestmark = pytest.mark.opensearch

ROWS = 400
SAMPLE_EVERY = 23


@pytest.fixture(scope="session")
def own_opensearch():
    node = OwnOpenSearch()
    yield node
    node.stop()


@pytest.fixture
def searching_app(own_opensearch, tmp_path_factory):
    """An app with its queue's workers on its own SQLite file, searching the drill's own node."""
    generator = initialised_app("sqlite", tmp_path_factory, {"SEARCH_URL": own_opensearch.url,
                                                             "SEARCH_INDEX_PREFIX": f"drill-{uuid4().hex[:8]}"})
    app = next(generator)
    with app.app_context():
        configured_engine().ensure_index()
    yield app
    with app.app_context():
        engine = configured_engine()
        for index in engine.aliased_indices():
            engine.client.indices.delete(index=index)
    next(generator, None)


def pending(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SearchOutbox))


def index_and_database(app) -> tuple[dict, dict]:
    """(documents the database says the index should hold, by id; the engine and its index)."""
    with app.app_context():
        engine = configured_engine()
        expected = {doc["id"]: doc for doc in document_batches(db.session, settings().PUBLISH_NATURAL_PERSONS)}
    (index,) = engine.aliased_indices()
    engine.client.indices.refresh(index=index)
    return expected, {"client": engine.client, "index": index}


def test_an_import_while_the_engine_is_down_is_all_searchable_once_it_is_back(searching_app, own_opensearch,
                                                                              tmp_path):
    app, client = searching_app, searching_app.test_client()
    with app.app_context():
        department = factories.department("market_supervision")
    headers = factories.auth(factories.key_for(app, "department", department_uscc=department["uscc"]))
    assert client.post("/api/v1/records", json=[factories.penalty(department) for _ in range(5)],
                       headers=headers).status_code == 200
    drained(app)
    rows = [factories.penalty(department) for _ in range(ROWS)]
    path = tmp_path / "penalties.csv"
    write_csv(path, rows)

    own_opensearch.stop()
    try:
        with open(path, "rb") as stream:
            answer = client.post("/api/v1/imports", data={"file": (stream, path.name)}, headers=headers,
                                 content_type="multipart/form-data")
        job = wait_for_job(client, answer.headers["Location"], headers)
        assert (job["state"], job["inserted"]) == ("done", ROWS)
        grown = pending(app)
        assert grown >= 2 * ROWS  # each record and its enterprise wait in the outbox

        name = rows[0]["party_name"]
        down = client.get("/api/v1/search", query_string={"q": name})
        assert (down.status_code, down.json["code"]) == (503, "search_unavailable")
        assert int(down.headers["Retry-After"]) > 0
        page = client.get("/", query_string={"q": name})
        assert page.status_code == 503 and "搜索服务暂时不可用" in page.get_data(as_text=True)
        assert client.get(f"/api/v1/enterprises/{rows[0]['uscc']}").status_code == 200
        with app.app_context(), pytest.raises(SearchUnavailable):
            sync_search()
        assert pending(app) == grown  # a drain that found no engine took nothing out
    finally:
        own_opensearch.start()

    drained(app, within=120)
    assert pending(app) == 0
    expected, engine = index_and_database(app)
    assert engine["client"].count(index=engine["index"])["count"] == len(expected) >= 2 * (ROWS + 5)
    for doc_id in sorted(expected)[::SAMPLE_EVERY]:
        assert engine["client"].get(index=engine["index"], id=doc_id)["_source"] == expected[doc_id]
    found = client.get("/api/v1/search", query_string={"q": name, "kind": "record"}).json["items"]
    assert rows[0]["uscc"] in {item["record"]["uscc"] for item in found}
