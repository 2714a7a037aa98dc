"""`registry reindex` on the real OpenSearch node while departments keep writing: nothing is lost, nothing
withdrawn comes back, and the old index serves until the swap."""

import threading
import time

from sqlalchemy import func, select

from registry.extensions import db
from registry.publicsearch import reindex as reindex_module
from registry.publicsearch.engines import configured_engine, sync_search
from registry.publicsearch.reindex import rebuild_index
from registry.records.models import PUBLISHED, Record
from tests import factories

EXISTING = 3000
BATCH = 1000


def push(client, headers, records) -> list[int]:
    response = client.post("/api/v1/records", json=records, headers=headers)
    assert response.status_code == 200, response.json
    return [result["id"] for result in response.json["results"]]


def wait_for_a_second_index(app, seconds: float = 60) -> None:
    """The rebuild has begun once the new physical index exists beside the serving one."""
    with app.app_context():
        engine = configured_engine()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(engine.client.indices.get(index=f"{engine.alias}-*")) > 1:
                return
            time.sleep(0.02)
    raise AssertionError("the reindex did not start")


def indexed_records(app) -> set[int]:
    with app.app_context():
        engine = configured_engine()
        engine.client.indices.refresh(index=engine.alias)
        hits = engine.client.search(index=engine.alias, body={"query": {"term": {"kind": "record"}}, "size": 10000,
                                                              "_source": False})["hits"]["hits"]
        return {int(hit["_id"].removeprefix("record-")) for hit in hits}


def test_writes_during_a_reindex_all_reach_the_new_index(external_app, monkeypatch):
    client = external_app.test_client()
    with external_app.app_context():
        department = factories.department("market_supervision")
    headers = factories.auth(factories.key_for(external_app, "department", department_uscc=department["uscc"]))
    existing = []
    for _ in range(EXISTING // BATCH):
        existing += push(client, headers, [factories.penalty(department) for _ in range(BATCH)])
    with external_app.app_context():
        sync_search()

    # The rebuild holds after its first batch of documents until the writes below are done, so they
    # happen while it runs however fast this machine is.
    writes_done = threading.Event()
    batches_of = reindex_module.document_batches

    def held_batches(*args, **kwargs):
        for number, batch in enumerate(batches_of(*args, **kwargs)):
            yield batch
            if number == 0:
                writes_done.wait(120)

    monkeypatch.setattr(reindex_module, "document_batches", held_batches)
    outcome = {}

    def reindex():
        with external_app.app_context():
            outcome.update(rebuild_index())

    rebuild = threading.Thread(target=reindex)
    rebuild.start()
    wait_for_a_second_index(external_app)
    added = push(client, headers, [factories.penalty(department, party_name=f"通辽市润泽化工有限公司{n}")
                                   for n in range(40)])
    withdrawn = existing[:10]
    for record_id in withdrawn:
        assert client.delete(f"/api/v1/records/{record_id}?reason=duplicate", headers=headers).status_code == 200
    with external_app.app_context():
        sync_search()  # the drainer keeps running during the rebuild, into the index still serving
    assert rebuild.is_alive()
    writes_done.set()
    rebuild.join()
    assert outcome["indexed"] >= EXISTING

    with external_app.app_context():
        sync_search()  # what the rebuild re-queued after the swap
        public = set(db.session.scalars(select(Record.id).where(Record.status == PUBLISHED)))
        assert db.session.scalar(select(func.count()).select_from(Record)) == EXISTING + len(added)
    assert indexed_records(external_app) == public == (set(existing) - set(withdrawn)) | set(added)
