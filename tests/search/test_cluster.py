"""The registry on a three-node OpenSearch cluster (deploy/opensearch-cluster.sh) losing a node to kill -9
while people search and departments push records: searches keep answering (503 at worst, for a bounded
while), the drain holds and resumes, and once the node is back the cluster is green and the index holds
exactly what the database says it should."""

import os
import signal
import threading
import time

import pytest

from registry.extensions import db
from registry.publicsearch.engines import configured_engine, sync_search
from registry.runtime import settings
from search.connection import SearchUnavailable
from search.drain import document_batches
from tests import factories
from tests.conftest import app_searching
from tests.search.corpus import search
from tests.services import cluster_node_pid, opensearch_cluster_url, restart_cluster_nodes

pytestmark = pytest.mark.opensearch

KILLED = 3  # not node 1, whose HTTP port the registry talks to
PUSHES = 40
UNAVAILABLE_WINDOW = 30.0  # seconds of 503 answers the loss of a node may cost, at most
DEADLINE = 240.0  # the drill stops by then whatever happens


@pytest.fixture
def cluster_app(tmp_path):
    yield from app_searching(opensearch_cluster_url(), tmp_path)


class Searches(threading.Thread):
    """Searches the engine in a loop until told to stop, timing the answers that were 503."""

    def __init__(self, engine):
        super().__init__(daemon=True)
        self.engine, self.stop, self.answered, self.unavailable, self.errors = engine, threading.Event(), 0, [], []

    def run(self):
        start = time.monotonic()
        while not self.stop.is_set() and time.monotonic() - start < DEADLINE:
            began = time.monotonic()
            try:
                search(self.engine, "商贸")
                self.answered += 1
            except SearchUnavailable:
                self.unavailable.append(time.monotonic() - began + 0.2)
                time.sleep(0.2)
            except Exception as exc:  # anything else is a failure the test reports
                self.errors.append(exc)


def drained(app, within: float = 60.0) -> None:
    """Run the drain until nothing is pending, holding while the engine says SearchUnavailable."""
    deadline = time.monotonic() + within
    with app.app_context():
        while True:
            try:
                sync_search()
                return
            except SearchUnavailable:
                assert time.monotonic() < deadline, "the drain did not resume"
                db.session.rollback()
                time.sleep(0.5)


def green(client, index: str, within: float = 120.0) -> dict:
    """The index's health once green (the copies on the node that came back recovered), or the last
    health seen when `within` seconds ran out."""
    deadline = time.monotonic() + within
    while True:
        health = client.cluster.health(index=index, wait_for_status="green")  # the server waits 30 s at most
        if health["status"] == "green" or time.monotonic() > deadline:
            return health


def test_a_node_killed_mid_traffic_costs_no_search_and_no_document(cluster_app):
    client = cluster_app.test_client()
    with cluster_app.app_context():
        department = factories.department("market_supervision")
        engine = configured_engine()
    headers = factories.auth(factories.key_for(cluster_app, "department", department_uscc=department["uscc"]))
    (index,) = engine.aliased_indices()
    assert engine.client.indices.get_settings(index=index)[index]["settings"]["index"]["number_of_replicas"] == "1"

    def push(n: int) -> None:
        record = factories.penalty(department, party_name=f"通辽市集群{n:02d}商贸有限公司")
        assert client.post("/api/v1/records", json=record, headers=headers).status_code == 200

    for n in range(5):
        push(n)
    drained(cluster_app)
    assert green(engine.client, index)["status"] == "green"

    searches, statuses = Searches(engine), set()
    searches.start()
    os.kill(cluster_node_pid(KILLED), signal.SIGKILL)
    for n in range(5, PUSHES):
        push(n)  # the write commits; its own sync may find the engine busy and leave it to the drain
        statuses.add(client.get("/api/v1/search", query_string={"q": "集群"}).status_code)
    drained(cluster_app)
    restart_cluster_nodes()
    searches.stop.set()
    searches.join()

    assert searches.errors == [] and searches.answered > 0 and statuses <= {200, 503}
    assert sum(searches.unavailable) <= UNAVAILABLE_WINDOW
    health = green(engine.client, index)
    assert health["status"] == "green" and health["number_of_nodes"] == 3
    with cluster_app.app_context():
        expected = {doc["id"]: doc for doc in document_batches(db.session, settings().PUBLISH_NATURAL_PERSONS)}
    engine.client.indices.refresh(index=index)
    assert engine.client.count(index=index)["count"] == len(expected) >= 2 * PUSHES  # a record and its enterprise
    for doc_id in sorted(expected)[::7]:
        assert engine.client.get(index=index, id=doc_id)["_source"] == expected[doc_id]
