"""What both engines must do with the corpus: matching, ranking, folding, filters, facets and paging.

Each engine's test module imports these tests and provides `loaded`, an engine holding the corpus; what
only one engine does (its stricter ranking, its writes, its index plans) stays in that module.
"""

from collections import Counter
from datetime import date, timedelta

import pytest

from search.documents import on_list
from search.engine import LIST_KINDS, InvalidCursor, SearchQuery, encode_cursor
from tests.search.corpus import (
    C1,
    CORPUS,
    FORMER_NAME,
    L1,
    LISTED,
    LISTED_NAME,
    LISTED_UNTIL,
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
    TODAY,
    full_width,
    hit_for,
    ids,
    search,
)

# -- matching and ranking ----------------------------------------------------------------------------


@pytest.mark.parametrize("fragment", ["鑫", "鑫源", "鑫源商", "鑫源商贸有限"])
def test_name_fragments_find_the_entity(loaded, fragment):
    result = search(loaded, fragment)
    assert TARGET["id"] in ids(result)
    assert "name" in hit_for(result, TARGET["id"]).matched


def test_full_name_ranks_first_and_is_highlighted_whole(loaded):
    result = search(loaded, TARGET_NAME)
    assert ids(result)[0] == TARGET["id"]
    assert SIMILAR[1]["id"] in ids(result)  # ...分公司 contains the whole name
    assert hit_for(result, TARGET["id"]).highlights["name"] == [f"<em>{TARGET_NAME}</em>"]


def test_entity_ranks_above_its_own_records(loaded):
    found = ids(search(loaded, TARGET_NAME))
    assert found.index(TARGET["id"]) < min(found.index(r["id"]) for r in (R1, R2, R3))


def test_a_fragment_is_highlighted_in_the_name(loaded):
    hit = hit_for(search(loaded, "鑫源"), TARGET["id"])
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
    ],
)
def test_pinyin_and_initials(loaded, q, reason):
    result = search(loaded, q)
    assert TARGET["id"] in ids(result)
    assert reason in hit_for(result, TARGET["id"]).matched


def test_a_spelling_finds_the_entity_and_not_again_each_of_its_records(loaded):
    found = set(ids(search(loaded, "xinyuan")))
    assert TARGET["id"] in found and not found & (TARGET_AND_RECORDS - {TARGET["id"]})


def test_pinyin_prefix_ranks_names_starting_with_it_first(loaded):
    assert ids(search(loaded, "tongliaoshixinyuanshangmaoyouxian"))[0] == TARGET["id"]


@pytest.mark.parametrize("q", [TARGET_USCC, TARGET_USCC.lower(), full_width(TARGET_USCC), f" {TARGET_USCC} "])
def test_full_uscc_in_any_case_or_width(loaded, q):
    result = search(loaded, q)
    assert ids(result)[0] == TARGET["id"]
    assert set(ids(result)) == TARGET_AND_RECORDS
    assert result.hits[0].matched == ("uscc",)


@pytest.mark.parametrize("length", [2, 8, 12, 17])
def test_uscc_prefix(loaded, length):
    result = search(loaded, TARGET_USCC[:length].lower())
    assert TARGET["id"] in ids(result)
    assert "uscc" in hit_for(result, TARGET["id"]).matched
    if length >= 12:  # "91150521TLXY" begins the target's code alone
        assert set(ids(result)) == TARGET_AND_RECORDS


@pytest.mark.parametrize("q", ["通遼市鑫源", "通遼市鑫源商貿有限公司", " 通辽市鑫源商贸有限公司 ", "鑫源　商贸"])
def test_traditional_script_and_spaces_are_folded(loaded, q):
    assert TARGET["id"] in ids(search(loaded, q))


def test_full_width_brackets_are_folded(loaded):
    assert ids(search(loaded, "鑫源商贸（通辽）有限公司"))[0] == SIMILAR[2]["id"]


def test_former_name(loaded):
    hit = hit_for(search(loaded, FORMER_NAME), TARGET["id"])
    assert hit.matched == ("former_name",)
    assert hit.highlights == {"former_names": [f"<em>{FORMER_NAME}</em>"]}


def test_record_text(loaded):
    result = search(loaded, "过期食品")
    assert ids(result) == [R1["id"]]
    assert result.hits[0].matched == ("text",)
    assert "<em>过期食品</em>" in result.hits[0].highlights["text"][0]


def test_nothing_matches(loaded):
    result = search(loaded, "不存在的企业名称")
    assert (result.hits, result.total, result.next_cursor) == ([], 0, None)


# -- filters and facets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "record"}, {R1["id"], R2["id"], R3["id"], R4["id"], L1["id"], C1["id"]}),
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
def test_filters(loaded, filters, expected):
    result = search(loaded, **filters)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_filters_combine_with_text(loaded):
    assert ids(search(loaded, "鑫源", kind="record", severity="general")) == [R1["id"]]
    assert set(ids(search(loaded, "鑫源商贸", domain="tax"))) == {TARGET["id"], R3["id"]}


def expected_facets(docs, today: date = TODAY) -> dict[str, dict[str, int]]:
    facets = {"kind": Counter(), "domain": Counter(), "district": Counter(), "severity": Counter(),
              "record_kind": Counter(), "list_status": Counter()}
    for doc in docs:
        facets["kind"][doc["kind"]] += 1
        facets["list_status"].update(kind for kind in LIST_KINDS if on_list(doc, kind, today))
        if doc["kind"] == "record":
            facets["record_kind"][doc["record_kind"]] += 1
        facets["district"][doc["district"]] += 1
        facets["domain"].update([doc["domain"]] if doc.get("domain") else doc.get("domains", []))
        if doc.get("severity"):
            facets["severity"][doc["severity"]] += 1
    return {name: dict(counter) for name, counter in facets.items()}


def test_facets_count_every_hit(loaded):
    result = search(loaded)
    assert result.total == len(CORPUS)
    assert result.facets == expected_facets(CORPUS)
    assert list(result.facets["district"])[0] == "150525"  # biggest bucket first


def test_facets_of_a_filtered_search(loaded):
    assert search(loaded, "鑫源", kind="record").facets == expected_facets([R1, R2, R3, R4])
    assert search(loaded, "鑫源商贸", domain="tax").facets == expected_facets([TARGET, R3])


def test_facets_of_nothing(loaded):
    assert search(loaded, "不存在").facets == {"kind": {}, "domain": {}, "district": {}, "severity": {},
                                             "record_kind": {}, "list_status": {}}


# -- paging ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [PAGED_NAME, "华丰", "", "naimanqi"])
def test_cursor_pages_through_every_hit_once(loaded, q):
    seen, cursor, pages = [], None, 0
    while True:
        result = loaded.search(SearchQuery(q=q, district="150525", size=10, cursor=cursor, today=TODAY))
        assert result.total == PAGED_COUNT and result.total_exact
        seen += ids(result)
        pages += 1
        cursor = result.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == PAGED_COUNT
    assert set(seen) == {doc["id"] for doc in PAGED}


@pytest.mark.parametrize("q", [PAGED_NAME, "华丰", "", "naimanqi"])
def test_beyond_the_count_limit_the_total_is_a_lower_bound_and_paging_goes_on(loaded, q, monkeypatch):
    monkeypatch.setattr(loaded, "count_limit", 12)
    first = loaded.search(SearchQuery(q=q, district="150525", size=10))
    assert not first.total_exact and 12 <= first.total < PAGED_COUNT
    assert sum(first.facets["kind"].values()) == first.total  # the facets count what the total counts
    seen, cursor = ids(first), first.next_cursor
    while cursor is not None:
        result = loaded.search(SearchQuery(q=q, district="150525", size=10, cursor=cursor))
        seen += ids(result)
        cursor = result.next_cursor
    assert sorted(seen) == sorted(doc["id"] for doc in PAGED)  # every hit, once


def test_pages_follow_the_ranking(loaded):
    whole = ids(search(loaded, "鑫源"))
    first = loaded.search(SearchQuery(q="鑫源", size=3))
    second = loaded.search(SearchQuery(q="鑫源", size=3, cursor=first.next_cursor))
    assert ids(first) + ids(second) == whole[:6]


@pytest.mark.parametrize("cursor", ["not a cursor", "W10", "WyJhIl0",  # garbage, [], ["a"]
                                    # numbers no sort value can be: past 64 bits, infinite, a bool
                                    encode_cursor([10**30, "x"]), encode_cursor([2**63]),
                                    encode_cursor([float("inf"), "x"]), encode_cursor([True, "x"])])
def test_a_foreign_cursor_is_refused(loaded, cursor):
    with pytest.raises(InvalidCursor):
        loaded.search(SearchQuery(q="鑫源", cursor=cursor))


# -- decision numbers (文书号) and record kinds ---------------------------------------------------------


@pytest.mark.parametrize("q", [R3["decision_no"], R3["decision_no"].replace("2024", full_width("2024"))])
def test_a_decision_number_finds_its_record_first_without_a_highlight(loaded, q):
    result = search(loaded, q)
    assert ids(result)[0] == R3["id"]
    assert result.hits[0].matched == ("decision_no",)
    assert result.hits[0].highlights == {}  # the number is not in the name or the text shown


def test_the_beginning_of_a_decision_number_finds_the_records_it_starts(loaded):
    result = search(loaded, "通市监罚〔2024〕")
    assert set(ids(result)) == {R1["id"], R2["id"], R3["id"], R4["id"]}
    assert all(hit.matched == ("decision_no",) for hit in result.hits)
    assert ids(search(loaded, "通市监罚〔2024〕3")) == [R3["id"]]


def test_a_beginning_without_a_digit_is_not_a_decision_number(loaded):
    assert ids(search(loaded, "通市监罚")) == []  # the whole number, or up to a digit of it


def test_record_kind_filters_penalties_from_licences(loaded):
    assert set(ids(search(loaded, "鑫源", record_kind="licence"))) == {R4["id"]}
    assert set(ids(search(loaded, "鑫源", record_kind="penalty"))) == {R1["id"], R2["id"], R3["id"]}
    assert search(loaded, "鑫源", kind="record").facets["record_kind"] == {"penalty": 3, "licence": 1}


# -- list entries, commitments and an entity's list status -------------------------------------------


@pytest.mark.parametrize("q", ["拖欠农民工工资", "严重失信主体名单", "拒不支付"])
def test_an_entry_is_found_by_its_list_name_and_reason(loaded, q):
    result = search(loaded, q)
    assert ids(result) == [L1["id"]] and result.hits[0].matched == ("text",)
    assert f"<em>{q}</em>" in result.hits[0].highlights["text"][0]


@pytest.mark.parametrize("q", ["劳务派遣经营许可", "足额支付劳动者工资"])
def test_a_commitment_is_found_by_its_matter_and_content(loaded, q):
    assert ids(search(loaded, q)) == [C1["id"]]


def test_record_kind_takes_every_kind_of_the_layout(loaded):
    assert ids(search(loaded, LISTED_NAME, record_kind="dishonesty")) == [L1["id"]]
    assert ids(search(loaded, LISTED_NAME, record_kind="commitment")) == [C1["id"]]
    assert ids(search(loaded, LISTED_NAME, record_kind="abnormal")) == []
    assert search(loaded, kind="record").facets["record_kind"] == {"penalty": 3, "licence": 1, "dishonesty": 1,
                                                                  "commitment": 1}


@pytest.mark.parametrize(("today", "dishonesty"), [(LISTED_UNTIL - timedelta(days=1), True), (LISTED_UNTIL, False)])
def test_an_entity_is_on_a_list_until_its_entrys_end(loaded, today, dishonesty):
    assert ids(search(loaded, list_status="dishonesty", today=today)) == ([LISTED["id"]] if dishonesty else [])
    assert ids(search(loaded, list_status="abnormal", today=today)) == [LISTED["id"]]  # no end: on it until removed
    assert ids(search(loaded, "宏达", list_status="abnormal", today=today)) == [LISTED["id"]]
    assert ids(search(loaded, "鑫源", list_status="abnormal", today=today)) == []


@pytest.mark.parametrize(("today", "lists"), [
    (TODAY, {"dishonesty": 1, "abnormal": 1, "honour": 1}),
    (date(2027, 1, 1), {"dishonesty": 1, "abnormal": 1}),  # the red list's entry ended that day
    (LISTED_UNTIL, {"abnormal": 1}),
])
def test_list_status_facet_counts_the_entities_on_each_list_that_day(loaded, today, lists):
    assert search(loaded, today=today).facets["list_status"] == lists
    assert search(loaded, today=today).facets == expected_facets(CORPUS, today)
    assert search(loaded, "宏达", today=today).facets["list_status"] == {kind: 1 for kind in lists if kind != "honour"}
