"""The external engine on each real engine node (OpenSearch, Elasticsearch 8 and 9): the engine contract,
and what it does beyond it."""

import pytest

from search.connection import client_for, server_info
from search.engine import SearchEngine
from tests.search.corpus import (
    CORPUS,
    SIMILAR,
    TARGET,
    TARGET_NAME,
    entity,
    hit_for,
    ids,
    new_uscc,
    record,
    search,
)
from tests.search.engine_contract import *  # noqa: F403 (the tests every engine passes)


@pytest.fixture(scope="module")
def loaded(make_engine):
    engine = make_engine("corpus")
    engine.ensure_index()
    engine.write(CORPUS, [], refresh=True)
    return engine


def test_the_node_names_its_engine_and_answers_a_ping(search_node, request):
    # On Elasticsearch GET / and HEAD / come from the test nodes' plugin (deploy/es-plugin).
    info = server_info(search_node)
    engine = request.node.callspec.params["search_node"]  # opensearch, elasticsearch8 or elasticsearch9
    assert f"{info.distribution}{info.version.split('.')[0]}".startswith(engine)
    assert client_for(search_node, info).ping()


def test_is_a_search_engine(loaded):
    assert isinstance(loaded, SearchEngine)
    assert loaded.name == "external"


def test_ensure_index_is_idempotent(loaded):
    before = loaded.aliased_indices()
    loaded.ensure_index()
    assert loaded.aliased_indices() == before and len(before) == 1


def test_similar_names_follow_the_full_name(loaded):
    # Unlike the built-in engine, a name need not contain the whole text: ...有限责任公司 is a hit too.
    assert {SIMILAR[0]["id"], SIMILAR[1]["id"]} <= set(ids(search(loaded, TARGET_NAME)))


@pytest.mark.parametrize(
    "q",
    [
        "开鲁县鑫源建材有限责任公司",  # 7 of its 11 trigrams are in the name: seven tenths, just enough
        "开鲁县鑫源建材有限公司第二分店",  # 9 of 13
        "开鲁县鑫源建树有限公司",  # one character wrong: 6 of 9, three fifths of ten or fewer
        "开鲁县鑫源建材有限公",
    ],
)
def test_a_long_text_finds_a_name_it_nearly_is(fresh, q):
    meant = entity("开鲁县鑫源建材有限公司")
    fresh.write([meant, entity("开鲁县鑫源商贸有限责任公司"), entity("通辽市建材有限责任公司")], [], refresh=True)
    assert ids(search(fresh, q))[0] == meant["id"]


def test_a_long_text_with_less_than_seven_tenths_of_a_name_in_it_does_not_find_it(fresh):
    fresh.write([entity("开鲁县鑫源建材有限公司")], [], refresh=True)
    assert ids(search(fresh, "鲁县鑫源建材有限公司第二分店门")) == []  # 8 of 13 trigrams


@pytest.mark.parametrize("q", ["ruixiang", "keqqrx"])  # 科尔沁区瑞祥农牧业专业合作社
def test_pinyin_and_initials_of_former_names(loaded, q):
    assert "former_name" in hit_for(search(loaded, q), TARGET["id"]).matched


def test_highlights_escape_the_text_and_mark_only_the_match(fresh):
    hostile = record(41, "通辽市<b>华丰</b>商贸有限公司", new_uscc(), facts="印有<script>alert(1)</script>字样")
    fresh.write([hostile], [], refresh=True)
    [fragment] = hit_for(search(fresh, "alert(1)"), hostile["id"]).highlights["text"]
    assert "<script>" not in fragment and "&lt;script&gt;" in fragment and "<em>" in fragment
    name = hit_for(search(fresh, "华丰"), hostile["id"]).highlights.get("name") or []
    assert all("<b>" not in shown for shown in name)
