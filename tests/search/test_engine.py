"""Pure parts of the search package: reading the user's text, cursors, request bodies and answers."""

from datetime import date

import pytest

from search.elastic_query import clause_options, read_hit, read_page, search_bodies
from search.engine import InvalidCursor, QueryText, SearchQuery, analyse_query, decode_cursor, encode_cursor


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("通遼市（鑫源）", QueryText("通遼市（鑫源）", "通辽市(鑫源)", None, None)),
        ("xinyuan", QueryText("xinyuan", "XINYUAN", "XINYUAN", "xinyuan")),
        ("Xin Yuan", QueryText("Xin Yuan", "XINYUAN", "XINYUAN", "xinyuan")),
        ("ｔｌｓｘｙ", QueryText("ｔｌｓｘｙ", "TLSXY", "TLSXY", "tlsxy")),
        ("91150521tlxy", QueryText("91150521tlxy", "91150521TLXY", "91150521TLXY", "91150521tlxy")),
        ("９１", QueryText("９１", "91", "91", None)),  # digits alone are no pinyin
        ("x", QueryText("x", "X", None, "x")),  # one character is no code prefix
        ("鑫源abc", QueryText("鑫源abc", "鑫源ABC", None, None)),
        ("   ", QueryText("   ", "", None, None)),
    ],
)
def test_analyse_query(q, expected):
    assert analyse_query(q) == expected


def test_cursor_round_trip():
    values = [12.345678901234, "entity-91150521TLXY000018"]
    cursor = encode_cursor(values)
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert decode_cursor(cursor) == values


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "W10", "e30"])  # garbage, "not json", [], {}
def test_bad_cursors(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)


@pytest.mark.parametrize("bad", [{"kind": "person"}, {"record_kind": "list_entry"}, {"size": 0}, {"size": 1001},
                                 {"list_status": "penalty"}, {"list_status": "commitment"}])
def test_query_validation(bad):
    with pytest.raises(ValueError):
        SearchQuery(**bad)


def test_body_filters_and_paging():
    cursor = encode_cursor([3.5, "record-9"])
    query = SearchQuery(
        q="鑫源",
        kind="record",
        record_kind="penalty",
        domain="tax",
        department=2,
        district="150521",
        severity="minor",
        date_from=date(2024, 1, 1),
        date_to=date(2024, 12, 31),
        size=10,
        cursor=cursor,
    )
    page, counts = search_bodies(query, count_limit=500)
    assert page["size"] == 11 and page["track_total_hits"] is False and "aggs" not in page
    assert page["search_after"] == [3.5, "record-9"]
    assert page["sort"] == [{"_score": "desc"}, {"id": "asc"}]
    expected_filters = [
        {"term": {"kind": "record"}},
        {"term": {"record_kind": "penalty"}},
        {"term": {"domain_any": "tax"}},
        {"term": {"department": 2}},
        {"term": {"district": "150521"}},
        {"term": {"severity": "minor"}},
        {"range": {"decision_date": {"gte": "2024-01-01", "lte": "2024-12-31"}}},
    ]
    assert page["query"]["bool"]["filter"] == expected_filters
    # The counts match the same documents, unscored, and stop at the limit.
    assert counts["query"]["bool"]["filter"] == [page["query"]["bool"]["must"][0], *expected_filters]
    assert counts["size"] == 0 and counts["terminate_after"] == 500 and counts["track_total_hits"] is True
    assert set(counts["aggs"]) == {"kind", "domain", "district", "severity", "record_kind", "list_status"}


def test_list_status_compares_the_entries_end_with_the_querys_day():
    query = SearchQuery(list_status="dishonesty", today=date(2026, 12, 6))
    page, counts = search_bodies(query, count_limit=500)
    on_list = {"range": {"list_until.dishonesty": {"gt": "2026-12-06"}}}
    assert page["query"]["bool"]["filter"] == [on_list]
    assert counts["aggs"]["list_status"]["filters"]["filters"]["dishonesty"] == on_list
    assert set(counts["aggs"]["list_status"]["filters"]["filters"]) == {"dishonesty", "abnormal", "honour"}


def test_empty_text_matches_everything_without_highlights():
    page, counts = search_bodies(SearchQuery(), count_limit=500)
    assert page["query"]["bool"]["must"] == [{"match_all": {}}]
    assert counts["query"]["bool"]["filter"] == [{"match_all": {}}]
    assert "highlight" not in page


def named_clauses(body) -> set[str]:
    should = body["query"]["bool"]["must"][0]["bool"]["must"][0]["bool"]["should"]
    names = [clause_options(clause)["_name"] for clause in should]
    assert len(set(names)) == len(names)  # engines keep one query per name
    return {name.partition(":")[0] for name in names}


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("鑫源", {"name", "former_name", "text", "decision_no"}),
        ("xinyuan", {"name", "former_name", "text", "pinyin", "initials", "uscc", "decision_no"}),
        ("91150521", {"name", "former_name", "text", "uscc", "decision_no"}),
    ],
)
def test_clauses_by_kind_of_text(q, names):
    page, _ = search_bodies(SearchQuery(q=q), count_limit=500)
    assert named_clauses(page) == names


def raw_hit(doc_id, score, matched, highlight=None):
    hit = {"_id": doc_id, "_score": score, "_source": {"kind": "entity"}, "sort": [score, doc_id]}
    return {**hit, "matched_queries": matched, **({"highlight": highlight} if highlight else {})}


def test_read_hit_orders_reasons_and_merges_adjacent_highlights():
    hit = read_hit(
        raw_hit("entity-1", 2.0, ["text:9", "name:2", "name:0"], {"name": ["通辽市<em>鑫源</em><em>商</em>贸"]})
    )
    assert hit.matched == ("name", "text")
    assert hit.highlights == {"name": ["通辽市<em>鑫源商</em>贸"]}


def test_read_hit_accepts_named_query_scores():
    # Elasticsearch 8.8+ answers a dict when include_named_queries_score is set.
    assert read_hit(raw_hit("entity-1", 1.0, {"pinyin:7": 1.0, "uscc:20": 0.5})).matched == ("uscc", "pinyin")


def test_next_cursor_only_when_there_is_more():
    hits = [raw_hit(f"entity-{n}", 1.0, ["name"]) for n in range(3)]
    page, cursor = read_page({"hits": {"hits": hits}}, size=2)
    assert [hit.id for hit in page] == ["entity-0", "entity-1"]
    assert decode_cursor(cursor) == [1.0, "entity-1"]
    assert read_page({"hits": {"hits": hits}}, size=3)[1] is None
