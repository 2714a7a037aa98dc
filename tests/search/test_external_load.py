"""Loading a new index on each real engine node (OpenSearch, Elasticsearch 8 and 9): the reindex waits as
long as a busy node needs for each bulk request, while searches and drains keep the short timeout that
tells an outage at once."""

from search.elastic import LOAD_TIMEOUT


def request_timeout(client) -> float:
    """The timeout each request of this client gets: opensearch-py keeps it on its connection, the
    elasticsearch client on itself (as the default of every call)."""
    if hasattr(client.transport, "connection_pool"):
        (connection,) = client.transport.connection_pool.connections
        return connection.timeout
    return client._request_timeout


def test_a_reindex_loads_with_the_long_timeout_and_searches_keep_the_short_one(make_engine):
    engine = make_engine()
    assert request_timeout(engine.flavour.loader) == LOAD_TIMEOUT
    assert request_timeout(engine.client) == 10
    assert engine.reindex([]) == 0
