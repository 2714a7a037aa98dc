"""Loading a new index on the real OpenSearch node: the reindex waits as long as a busy node needs for each
bulk request, while searches and drains keep the short timeout that tells an outage at once."""

import pytest

from search.elastic import LOAD_TIMEOUT

pytestmark = pytest.mark.opensearch


def request_timeout(client) -> float:
    (connection,) = client.transport.connection_pool.connections
    return connection.timeout


def test_a_reindex_loads_with_the_long_timeout_and_searches_keep_the_short_one(make_engine):
    engine = make_engine()
    assert request_timeout(engine.flavour.loader) == LOAD_TIMEOUT
    assert request_timeout(engine.client) == 10
    assert engine.reindex([]) == 0
