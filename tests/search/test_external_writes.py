"""The external engine on each real engine node (OpenSearch, Elasticsearch 8 and 9): versioned writes,
deletions, reindex and outages."""

import pytest

from search.elastic import DOCUMENTS_PER_SHARD, ExternalEngine, shard_count
from search.engine import IndexingError, SearchQuery, SearchUnavailable
from tests.search.corpus import R1, R2, TARGET, TARGET_NAME, TARGET_USCC, entity, ids, search, stored

BAD_DATE = {**R1, "decision_date": "not-a-date"}  # the mapping refuses it


def indices_of(engine) -> set[str]:
    return set(engine.client.indices.get(index=f"{engine.alias}-*"))


def test_an_older_version_never_overwrites_a_newer_one(fresh):
    newer = entity("通辽市新名称商贸有限公司", uscc=TARGET_USCC, version=2)
    older = entity("通辽市旧名称商贸有限公司", uscc=TARGET_USCC, version=1)
    fresh.write([newer], [], refresh=True)
    fresh.write([older], [], refresh=True)  # "already newer": no error
    fresh.write([newer], [], refresh=True)  # the same version again: accepted, no change
    answer = stored(fresh, newer["id"])
    assert answer["_version"] == 2 and answer["_source"]["name"] == newer["name"]
    assert ids(search(fresh, "旧名称")) == []


def test_deletion(fresh):
    doc = entity(TARGET_NAME, uscc=TARGET_USCC, version=3)
    fresh.write([doc], [], refresh=True)
    fresh.write([], [(doc["id"], 2)], refresh=True)  # older than the indexed document: it stays
    assert stored(fresh, doc["id"])
    fresh.write([], [(doc["id"], 4), ("record-999999", 1)], refresh=True)  # the second was never indexed
    assert stored(fresh, doc["id"]) is None
    assert ids(search(fresh, TARGET_NAME)) == []


def test_a_refused_document_raises_and_the_others_are_written(fresh):
    with pytest.raises(IndexingError) as caught:
        fresh.write([TARGET, BAD_DATE], [], refresh=True)
    assert [doc_id for doc_id, _ in caught.value.failures] == [BAD_DATE["id"]]
    assert stored(fresh, TARGET["id"])


def test_nothing_to_write_needs_no_engine():
    ExternalEngine("http://127.0.0.1:9").write([], [])


def test_reindex_swaps_the_alias(fresh):
    fresh.write([entity("通辽市旧数据有限公司")], [], refresh=True)
    old = fresh.aliased_indices()
    assert fresh.reindex(doc for doc in [TARGET, R1, R2]) == 3
    new = fresh.aliased_indices()
    assert len(new) == 1 and new != old
    assert indices_of(fresh) == set(new)  # the old index is gone
    assert set(ids(search(fresh))) == {TARGET["id"], R1["id"], R2["id"]}
    settings = fresh.client.indices.get_settings(index=new[0])[new[0]]["settings"]["index"]
    assert settings["refresh_interval"] == "1s"  # restored after the load


def shards_of(engine) -> int:
    (index,) = engine.aliased_indices()
    return int(engine.client.indices.get_settings(index=index)[index]["settings"]["index"]["number_of_shards"])


@pytest.mark.parametrize(("documents", "processors", "shards"), [
    (0, 2, 1), (2 * DOCUMENTS_PER_SHARD - 1, 2, 1), (2 * DOCUMENTS_PER_SHARD, 2, 2),
    (50 * DOCUMENTS_PER_SHARD, 2, 2), (50 * DOCUMENTS_PER_SHARD, 8, 8), (50 * DOCUMENTS_PER_SHARD, 0, 1),
])
def test_an_index_gets_a_shard_per_core_once_it_is_big_enough_to_split(documents, processors, shards):
    assert shard_count(documents, processors) == shards


def test_without_a_replica_count_an_index_on_one_node_has_no_replica_and_is_green(make_engine):
    engine = make_engine(replicas=None)
    engine.ensure_index()
    (index,) = engine.aliased_indices()
    settings = engine.client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert settings["number_of_replicas"] == "0"
    assert engine.client.cluster.health(index=index, wait_for_status="green")["status"] == "green"


def test_a_big_reindex_splits_the_index_and_still_finds_everything(fresh):
    nodes = fresh.client.nodes.info(metric="os")["nodes"].values()
    processors = sum(node["os"]["allocated_processors"] for node in nodes)
    fresh.reindex([TARGET, R1, R2], expected=10 * DOCUMENTS_PER_SHARD)
    assert shards_of(fresh) == min(processors, 10)
    assert set(ids(search(fresh))) == {TARGET["id"], R1["id"], R2["id"]}
    # Each shard scores by its own statistics, so with three documents the order follows where the id
    # hash puts them (Elasticsearch 9 routes these ids unlike OpenSearch and Elasticsearch 8): the
    # entity is found, and ranks first once the index is whole again.
    assert TARGET["id"] in ids(search(fresh, TARGET_NAME))
    fresh.reindex([TARGET, R1, R2])  # without a size: whole again
    assert shards_of(fresh) == 1
    assert ids(search(fresh, TARGET_NAME))[0] == TARGET["id"]


def test_failed_reindex_leaves_the_old_index_serving(fresh):
    fresh.write([TARGET], [], refresh=True)
    old = fresh.aliased_indices()
    with pytest.raises(IndexingError):
        fresh.reindex([entity("通辽市新数据有限公司"), BAD_DATE])
    assert fresh.aliased_indices() == old
    assert indices_of(fresh) == set(old)  # the half-built index was dropped
    assert ids(search(fresh, TARGET_NAME)) == [TARGET["id"]]


def test_reindex_without_an_index_creates_the_alias(make_engine):
    engine = make_engine()
    assert engine.reindex([TARGET]) == 1
    assert ids(search(engine)) == [TARGET["id"]]


def test_missing_index_is_unavailable_not_empty(make_engine):
    with pytest.raises(SearchUnavailable):
        search(make_engine(), "鑫源")


@pytest.mark.parametrize("deletions", [[], [(TARGET["id"], 1)]], ids=["document", "deletion"])
def test_a_write_never_creates_an_index_in_place_of_the_alias(make_engine, deletions):
    engine = make_engine()
    with pytest.raises(SearchUnavailable):
        engine.write([] if deletions else [TARGET], deletions)
    assert not engine.client.indices.exists(index=engine.alias)
    engine.ensure_index()  # and the alias can still be created
    assert engine.aliased_indices()


@pytest.mark.parametrize(
    "call",
    [
        lambda engine: engine.search(SearchQuery(q="鑫源")),
        lambda engine: engine.write([TARGET], []),
        lambda engine: engine.ensure_index(),
        lambda engine: engine.reindex([TARGET]),
    ],
    ids=["search", "write", "ensure_index", "reindex"],
)
def test_unreachable_engine_raises_search_unavailable(call):
    with pytest.raises(SearchUnavailable):
        call(ExternalEngine("http://127.0.0.1:9"))
