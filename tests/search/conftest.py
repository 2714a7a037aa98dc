"""Search test fixtures: the real OpenSearch node and engines on index prefixes unique to this run."""

from itertools import count
from uuid import uuid4

import pytest

from search.connection import client_for
from search.elastic import ExternalEngine
from tests.services import opensearch_url

PREFIX = f"test-{uuid4().hex[:8]}"
_serial = count(1)


@pytest.fixture(scope="session")
def opensearch():
    """The node's URL; every index of this run is deleted at the end."""
    url = opensearch_url()
    yield url
    client = client_for(url)
    for index in client.indices.get(index=f"{PREFIX}-*"):
        client.indices.delete(index=index)


@pytest.fixture(scope="session")
def make_engine(opensearch):
    """ExternalEngine on a prefix of its own (no index is created)."""

    def make(name: str | None = None) -> ExternalEngine:
        return ExternalEngine(opensearch, prefix=f"{PREFIX}-{name or next(_serial)}", replicas=0)

    return make


@pytest.fixture
def fresh(make_engine):
    """An empty index of its own, for a test that changes what is indexed."""
    engine = make_engine()
    engine.ensure_index()
    return engine
