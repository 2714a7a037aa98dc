"""The built-in engine's near matches: a name typed with one character wrong, or with its legal form
misremembered, still finds the entity when nothing holds the text whole (SQLite and PostgreSQL)."""

import pytest

from registry.extensions import db
from search.engine import analyse_query
from search.sql import BuiltinEngine
from search.sql_query import near_rules
from tests.search.corpus import CORPUS, FORMER_NAME, SIMILAR, TARGET, TARGET_AND_RECORDS, TARGET_NAME, ids, search

KAILU = SIMILAR[3]  # 开鲁县鑫源建材有限公司


@pytest.fixture
def loaded(app_context):
    engine = BuiltinEngine(db)
    engine.write(CORPUS, [])
    db.session.commit()
    return engine


def test_one_wrong_character_finds_the_entity_first(loaded):
    result = search(loaded, "通辽市鑫源商贸有隈公司")
    assert ids(result)[0] == TARGET["id"]
    assert set(ids(result)[:4]) == TARGET_AND_RECORDS  # its records are as near as it is
    assert result.hits[0].matched == ("name",)


@pytest.mark.parametrize(
    ("q", "meant"),
    [
        ("开鲁县鑫源建材有限责任公司", KAILU),  # 有限责任公司 for 有限公司
        ("通辽市鑫源商贸有限貴任公司", SIMILAR[0]),  # a wrong character in traditional script
        ("鑫源商贸(通辽)有限責任公司", SIMILAR[2]),
    ],
)
def test_the_nearest_name_ranks_first(loaded, q, meant):
    assert ids(search(loaded, q))[0] == meant["id"]


def test_a_former_name_with_a_wrong_character(loaded):
    misspelt = FORMER_NAME[:5] + "样" + FORMER_NAME[6:]
    result = search(loaded, misspelt)
    assert ids(result)[0] == TARGET["id"]
    assert "former_name" in result.hits[0].matched


@pytest.mark.parametrize("q", [TARGET_NAME, KAILU["name"]])
def test_near_matches_only_when_nothing_holds_the_whole_text(loaded, q):
    names = {document["id"]: document["name"] for document in CORPUS}
    found = ids(search(loaded, q))
    assert found and all(q in names[doc_id] for doc_id in found)


def test_near_matches_are_counted_and_paged_like_any_other(loaded):
    q = "通辽市鑫源商贸有隈公司"
    everything = search(loaded, q)
    seen, cursor = [], None
    while True:
        page = search(loaded, q, size=3, cursor=cursor)
        seen += ids(page)
        assert page.total == everything.total
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids(everything)
    assert sum(everything.facets["kind"].values()) == everything.total


def test_a_text_unlike_any_name_still_finds_nothing(loaded):
    assert search(loaded, "完全不同的企业名称").total == 0


@pytest.mark.parametrize("q", ["鑫源商贸有", "通辽 鑫源", "tongliao", "91150521TLXY00001A"])
def test_short_texts_codes_and_spellings_have_no_near_rules(q):
    assert near_rules(analyse_query(q)) == []
