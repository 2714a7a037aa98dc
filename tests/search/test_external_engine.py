"""The external engine on the real OpenSearch node: what matches, how it ranks, filters, facets, paging."""

from collections import Counter
from datetime import date

import pytest

from search.engine import InvalidCursor, SearchEngine, SearchQuery
from tests.search.corpus import (
    CORPUS,
    FORMER_NAME,
    PAGED,
    PAGED_COUNT,
    PAGED_NAME,
    R1,
    R2,
    R3,
    R4,
    SIMILAR,
    TARGET,
    TARGET_AND_RECORDS,
    TARGET_NAME,
    TARGET_USCC,
    ids,
    search,
)

pytestmark = pytest.mark.opensearch


@pytest.fixture(scope="module")
def engine(make_engine):
    engine = make_engine("corpus")
    engine.ensure_index()
    engine.write(CORPUS, [], refresh=True)
    return engine


def hit_for(result, doc_id):
    return next(hit for hit in result.hits if hit.id == doc_id)


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


def test_is_a_search_engine(engine):
    assert isinstance(engine, SearchEngine)
    assert engine.name == "external"


def test_ensure_index_is_idempotent(engine):
    before = engine.aliased_indices()
    engine.ensure_index()
    assert engine.aliased_indices() == before and len(before) == 1


@pytest.mark.parametrize("fragment", ["鑫", "鑫源", "鑫源商", "鑫源商贸有限"])
def test_name_fragments_find_the_entity(engine, fragment):
    result = search(engine, fragment)
    assert TARGET["id"] in ids(result)
    assert "name" in hit_for(result, TARGET["id"]).matched


def test_full_name_ranks_first_among_similar_names(engine):
    result = search(engine, TARGET_NAME)
    assert ids(result)[0] == TARGET["id"]
    assert {SIMILAR[0]["id"], SIMILAR[1]["id"]} <= set(ids(result))
    assert hit_for(result, TARGET["id"]).highlights["name"] == [f"<em>{TARGET_NAME}</em>"]


def test_entity_ranks_above_its_own_records(engine):
    found = ids(search(engine, TARGET_NAME))
    assert found.index(TARGET["id"]) < min(found.index(r["id"]) for r in (R1, R2, R3))


def test_fragment_is_highlighted_in_the_name(engine):
    hit = hit_for(search(engine, "鑫源"), TARGET["id"])
    assert hit.highlights["name"] == ["通辽市<em>鑫源</em>商贸有限公司"]


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("xinyuan", "pinyin"),
        ("tongliaoshixinyuan", "pinyin"),
        ("Xin Yuan", "pinyin"),
        (full_width("xinyuan"), "pinyin"),
        ("tlsxy", "initials"),
        ("TLSXYSMYXGS", "initials"),
        ("ruixiang", "former_name"),  # 科尔沁区瑞祥农牧业专业合作社
        ("keqqrx", "former_name"),
    ],
)
def test_pinyin_and_initials(engine, q, reason):
    result = search(engine, q)
    assert TARGET["id"] in ids(result)
    assert reason in hit_for(result, TARGET["id"]).matched


def test_pinyin_prefix_ranks_names_starting_with_it_first(engine):
    assert ids(search(engine, "tongliaoshixinyuanshangmaoyouxian"))[0] == TARGET["id"]


@pytest.mark.parametrize("q", [TARGET_USCC, TARGET_USCC.lower(), full_width(TARGET_USCC), f" {TARGET_USCC} "])
def test_full_uscc_in_any_case_or_width(engine, q):
    result = search(engine, q)
    assert ids(result)[0] == TARGET["id"]
    assert set(ids(result)) == TARGET_AND_RECORDS
    assert result.hits[0].matched == ("uscc",)


@pytest.mark.parametrize("length", [2, 8, 12, 17])
def test_uscc_prefix(engine, length):
    result = search(engine, TARGET_USCC[:length].lower())
    assert TARGET["id"] in ids(result)
    if length >= 12:  # "91150521TLXY" begins the target's code alone
        assert set(ids(result)) == TARGET_AND_RECORDS


@pytest.mark.parametrize("q", ["通遼市鑫源", "通遼市鑫源商貿有限公司", " 通辽市鑫源商贸有限公司 ", "鑫源　商贸"])
def test_traditional_script_and_spaces_are_folded(engine, q):
    assert TARGET["id"] in ids(search(engine, q))


def test_full_width_brackets_are_folded(engine):
    assert ids(search(engine, "鑫源商贸（通辽）有限公司"))[0] == SIMILAR[2]["id"]


def test_former_name(engine):
    hit = hit_for(search(engine, FORMER_NAME), TARGET["id"])
    assert hit.matched == ("former_name",)
    assert hit.highlights == {"former_names": [f"<em>{FORMER_NAME}</em>"]}


def test_record_text(engine):
    result = search(engine, "过期食品")
    assert ids(result) == [R1["id"]]
    assert result.hits[0].matched == ("text",)
    assert "<em>过期食品</em>" in result.hits[0].highlights["text"][0]


@pytest.mark.parametrize("q", [R3["decision_no"], R3["decision_no"].replace("2024", full_width("2024"))])
def test_decision_number(engine, q):
    result = search(engine, q)
    assert ids(result)[0] == R3["id"]
    assert result.hits[0].matched == ("text",)


def test_nothing_matches(engine):
    result = search(engine, "不存在的企业名称")
    assert (result.hits, result.total, result.next_cursor) == ([], 0, None)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "record"}, {R1["id"], R2["id"], R3["id"], R4["id"]}),
        ({"kind": "entity", "district": "150521"}, {TARGET["id"]}),
        ({"domain": "tax"}, {TARGET["id"], R3["id"]}),  # an entity counts in the domains it has records in
        ({"domain": "housing_construction"}, {R4["id"]}),
        ({"department": 2}, {R3["id"]}),
        ({"district": "150500"}, {R1["id"], R2["id"]}),
        ({"severity": "serious"}, {R2["id"]}),
        ({"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}, {R1["id"], R4["id"]}),
        ({"date_from": date(2024, 3, 5), "date_to": date(2024, 3, 5)}, {R1["id"]}),
        ({"date_from": date(2025, 1, 1)}, {R2["id"]}),
    ],
)
def test_filters(engine, filters, expected):
    result = search(engine, **filters)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_filters_combine_with_text(engine):
    assert ids(search(engine, "鑫源", kind="record", severity="general")) == [R1["id"]]


def expected_facets(docs) -> dict[str, dict[str, int]]:
    facets = {"kind": Counter(), "domain": Counter(), "district": Counter(), "severity": Counter()}
    for doc in docs:
        facets["kind"][doc["kind"]] += 1
        facets["district"][doc["district"]] += 1
        facets["domain"].update([doc["domain"]] if doc.get("domain") else doc.get("domains", []))
        if doc.get("severity"):
            facets["severity"][doc["severity"]] += 1
    return {name: dict(counter) for name, counter in facets.items()}


def test_facets_count_every_hit(engine):
    result = search(engine)
    assert result.total == len(CORPUS)
    assert result.facets == expected_facets(CORPUS)


def test_facets_of_a_filtered_search(engine):
    assert search(engine, "鑫源", kind="record").facets == expected_facets([R1, R2, R3, R4])


@pytest.mark.parametrize("q", [PAGED_NAME, "华丰", ""])
def test_cursor_pages_through_every_hit_once(engine, q):
    seen, cursor, pages = [], None, 0
    while True:
        result = engine.search(SearchQuery(q=q, district="150525", size=10, cursor=cursor))
        assert result.total == PAGED_COUNT
        seen += ids(result)
        pages += 1
        cursor = result.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(doc["id"] for doc in PAGED)


@pytest.mark.parametrize("cursor", ["not a cursor", "W10", "WyJhIl0"])  # garbage, [], ["a"]
def test_a_foreign_cursor_is_refused(engine, cursor):
    with pytest.raises(InvalidCursor):
        engine.search(SearchQuery(q="鑫源", cursor=cursor))
