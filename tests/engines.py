"""Both search engines behind one test: the session app (built-in engine) or the same database searched
through a real OpenSearch node, and what the public finds once the engine has caught up."""

from uuid import uuid4

import pytest

from registry import create_app
from registry.extensions import db
from registry.publicsearch.engines import configured_engine, sync_search
from tests.services import opensearch_url


@pytest.fixture(params=["builtin", "opensearch"])
def engine_app(request, app):
    """The session app (built-in engine), or one on the same database searching a real OpenSearch node."""
    if request.param == "builtin":
        yield app
        return
    config = app.config["REGISTRY"]
    searching = create_app({"DATABASE_URL": config.DATABASE_URL, "INSTANCE_DIR": config.INSTANCE_DIR,
                            "SEARCH_URL": opensearch_url(), "SEARCH_INDEX_PREFIX": f"test-engines-{uuid4().hex[:8]}"})
    with searching.app_context():
        configured_engine().ensure_index()
    yield searching
    with searching.app_context():
        engine = configured_engine()
        for index in engine.aliased_indices():
            engine.client.indices.delete(index=index)
        db.engine.dispose()


def publicly_found(engine_app, name: str) -> set:
    """Record ids the public finds by name, once the search engine has caught up with the outbox."""
    with engine_app.app_context():
        sync_search()  # the drain worker's job; a no-op when the built-in engine already synced
        engine = configured_engine()
        if engine.name != "builtin":
            engine.client.indices.refresh(index=engine.alias)
    hits = engine_app.test_client().get("/api/v1/search", query_string={"q": name, "kind": "record"}).json
    return {hit["record"]["id"] for hit in hits["items"]}
