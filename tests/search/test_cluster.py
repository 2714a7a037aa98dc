"""The external engine on a three-node OpenSearch cluster (deploy/opensearch-cluster.sh) losing a node to
kill -9 while people search and the drain writes: searches keep answering, writes hold and resume, and
once the node is back the cluster is green with every document in it."""

import os
import signal
import threading
import time
from uuid import uuid4

import pytest

from search.connection import SearchUnavailable
from search.elastic import ExternalEngine
from tests.search.corpus import entity, search
from tests.services import cluster_node_pid, opensearch_cluster_url, restart_cluster_nodes

pytestmark = pytest.mark.opensearch

KILLED = 3  # not node 1, whose HTTP port the engine talks to
BATCHES, BATCH = 30, 20
UNAVAILABLE_WINDOW = 30.0  # seconds of 503 answers the loss of a node may cost, at most
DEADLINE = 240.0  # the whole drill, searches and writes included, stops by then


@pytest.fixture
def cluster_engine():
    engine = ExternalEngine(opensearch_cluster_url(), prefix=f"cluster-{uuid4().hex[:8]}")
    engine.ensure_index()
    yield engine
    for index in engine.client.indices.get(index=f"{engine.alias}-*"):
        engine.client.indices.delete(index=index)


def documents(batch: int) -> list[dict]:
    return [entity(f"通辽市集群{batch:02d}号{n:02d}商贸有限公司") for n in range(BATCH)]


class Searches(threading.Thread):
    """Searches in a loop until told to stop, timing the answers that were 503 (SearchUnavailable)."""

    def __init__(self, engine):
        super().__init__(daemon=True)
        self.engine, self.stop, self.answered, self.unavailable, self.errors = engine, threading.Event(), 0, [], []

    def run(self):
        start = time.monotonic()
        while not self.stop.is_set() and time.monotonic() - start < DEADLINE:
            began = time.monotonic()
            try:
                search(self.engine, "集群")
                self.answered += 1
            except SearchUnavailable:
                self.unavailable.append(time.monotonic() - began + 0.2)
                time.sleep(0.2)
            except Exception as exc:  # anything else is a failure the test reports
                self.errors.append(exc)


def drain(engine, batches: range, held: list) -> list[dict]:
    """Write batches as the drain does, holding a batch that met SearchUnavailable and retrying it."""
    written, start = [], time.monotonic()
    for batch in batches:
        docs = documents(batch)
        while True:
            assert time.monotonic() - start < DEADLINE, "the drain did not resume"
            try:
                engine.write(docs, [])
                break
            except SearchUnavailable:
                held.append(batch)
                time.sleep(0.5)
        written += docs
    return written


def green(client, index: str, within: float = 120.0) -> dict:
    """The index's health once green (the replicas on the node that came back recovered), or the last
    health seen when `within` seconds ran out."""
    deadline = time.monotonic() + within
    while True:
        health = client.cluster.health(index=index, wait_for_status="green")  # the server waits 30 s at most
        if health["status"] == "green" or time.monotonic() > deadline:
            return health


def test_a_node_killed_mid_traffic_costs_no_search_and_no_document(cluster_engine):
    (index,) = cluster_engine.aliased_indices()
    settings = cluster_engine.client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert settings["number_of_replicas"] == "1"  # three data nodes: a copy on another node
    written = drain(cluster_engine, range(0, 5), [])
    assert green(cluster_engine.client, index)["status"] == "green"

    searches, held = Searches(cluster_engine), []
    searches.start()
    os.kill(cluster_node_pid(KILLED), signal.SIGKILL)
    written += drain(cluster_engine, range(5, BATCHES), held)
    restart_cluster_nodes()
    searches.stop.set()
    searches.join()

    assert searches.errors == [] and searches.answered > 0
    assert sum(searches.unavailable) <= UNAVAILABLE_WINDOW
    health = green(cluster_engine.client, index)
    assert health["status"] == "green" and health["number_of_nodes"] == 3
    cluster_engine.client.indices.refresh(index=index)
    assert cluster_engine.client.count(index=index)["count"] == len(written) == BATCHES * BATCH
    for doc in written[::37]:
        assert cluster_engine.client.get(index=index, id=doc["id"])["_source"] == doc
