"""Search test fixtures: the real engine nodes (OpenSearch 2, Elasticsearch 8 and 9) and engines on index
prefixes unique to this run. Every test that uses them runs once on each node."""

from itertools import count
from uuid import uuid4

import pytest

from search.connection import client_for
from search.elastic import ExternalEngine
from tests.services import elasticsearch_url, opensearch_url

PREFIX = f"test-{uuid4().hex[:8]}"
_serial = count(1)


NODES = {"opensearch": opensearch_url, "elasticsearch8": lambda: elasticsearch_url(8),
         "elasticsearch9": lambda: elasticsearch_url(9)}


@pytest.fixture(scope="session", params=list(NODES))
def search_node(request):
    """A node's URL, for each node in turn; every index of this run on it is deleted at the end."""
    url = NODES[request.param]()
    yield url
    client = client_for(url)
    for index in client.indices.get(index=f"{PREFIX}-*"):
        client.indices.delete(index=index)


@pytest.fixture(scope="session")
def make_engine(search_node):
    """ExternalEngine on a prefix of its own (no index is created), with no replica unless told."""

    def make(name: str | None = None, replicas: int | None = 0) -> ExternalEngine:
        return ExternalEngine(search_node, prefix=f"{PREFIX}-{name or next(_serial)}", replicas=replicas)

    return make


@pytest.fixture
def fresh(make_engine):
    """An empty index of its own, for a test that changes what is indexed."""
    engine = make_engine()
    engine.ensure_index()
    return engine
