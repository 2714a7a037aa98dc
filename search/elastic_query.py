"""Search request bodies for Elasticsearch/OpenSearch and the hits read back from their answers."""

from registry.domain.text import fold_width

from .engine import (
    FACET_SIZES,
    FACETS,
    LIST_KINDS,
    MATCH_REASONS,
    RECORD_KINDS,
    Hit,
    InvalidCursor,
    QueryText,
    SearchQuery,
    analyse_query,
    cursor_number,
    decode_cursor,
    encode_cursor,
    finds_decision_prefix,
)

# Facet name -> indexed field.
FACET_FIELDS = {"kind": "kind", "domain": "domain_any", "district": "district", "severity": "severity"}
# Facets counted by one filter per value: record_kind is indexed without doc values (mapping v2), and an
# entity's list status is a comparison of its entries' end with the query's day (see `_on_list`).
FILTER_FACETS = {"record_kind": RECORD_KINDS, "list_status": LIST_KINDS}
HIGHLIGHT_TAGS = ("<em>", "</em>")
# Of a short text's grams all must be in the name; of a longer text's trigrams, all up to three, then
# three fifths, and seven tenths of more than ten. One character typed wrong (three trigrams) or
# 有限责任公司 for 有限公司 (four) still finds the name, and fewer of a full name's common trigrams
# (通辽市, 有限公) lead the search for candidates: a full name's p99 at 1M went from 49 to 33 ms.
SHORT_GRAMS_TO_MATCH = "100%"
TRIGRAMS_TO_MATCH = "3<60% 10<70%"
TRIGRAM = 3
INFIX_SCORE = 2.0
# Entities rank above their own records when both match the same way.
ENTITY_BONUS = 1.0


def _match(field: str, text: str, name: str, boost: float = 1.0, **options) -> dict:
    return {"match": {field: {"query": text, "boost": boost, "_name": name, **options}}}


def _term(field: str, value: str, name: str, boost: float) -> dict:
    return {"term": {field: {"value": value, "boost": boost, "_name": name}}}


def _grams(field: str, text: str, name: str, boost: float = 1.0) -> dict:
    """Names holding most of the text's longest grams (the index holds grams of one to three
    characters): its trigrams from three characters on, else its bigram (or its character). The
    shorter grams of a text (有, 公司) are in nearly every name, and matching them too took most of a
    search's time while finding nothing more."""
    if len(text) >= TRIGRAM:
        return _match(field, text, name, boost, analyzer="trigram", minimum_should_match=TRIGRAMS_TO_MATCH)
    return _match(field, text, name, boost, analyzer="cjk_bigrams", minimum_should_match=SHORT_GRAMS_TO_MATCH)


def _name_clauses(text: str) -> list[dict]:
    """Exact name first, then names starting with the text, then names containing its fragments."""
    return [
        _term("name_normalised", text, "name", 20),
        # Indexed prefixes: a prefix query on the keyword itself visits every name starting with 通辽.
        {"prefix": {"name_normalised.prefix": {"value": text.lower(), "boost": 5, "_name": "name"}}},
        _grams("name_normalised.ngram", text, "name"),
        _term("former_names_normalised", text, "former_name", 12),
        _grams("former_names_normalised.ngram", text, "former_name", 0.8),
        {"match_phrase": {"text": {"query": text, "boost": 0.5, "_name": "text"}}},
    ]


def _infix(field: str, latin: str, name: str, weight: float) -> dict:
    """The letters somewhere inside (every trigram of them), worth a fixed score. Scoring each trigram
    of a common spelling (xiangongsi is in nearly every company's name) took most of a search, and
    ranked the names no better than the whole-value and prefix clauses do."""
    matched = {"match": {f"{field}.infix": {"query": latin, "operator": "and"}}}
    return {"constant_score": {"filter": matched, "boost": INFIX_SCORE * weight, "_name": name}}


def _spelling_clauses(field: str, latin: str, name: str, weight: float) -> list[dict]:
    """Whole value, prefix, and (from three letters on) the letters somewhere inside."""
    clauses = [
        _term(field, latin, name, 10 * weight),
        _match(f"{field}.prefix", latin, name, 4 * weight),
    ]
    if len(latin) >= 3 and field != "former_initials":
        clauses.append(_infix(field, latin, name, weight))
    return clauses


def _latin_clauses(latin: str) -> list[dict]:
    return [
        *_spelling_clauses("pinyin", latin, "pinyin", 1.0),
        *_spelling_clauses("initials", latin, "initials", 0.8),
        *_spelling_clauses("former_pinyin", latin, "former_name", 0.6),
        *_spelling_clauses("former_initials", latin, "former_name", 0.5),
    ]


def _uscc_clauses(code: str) -> list[dict]:
    return [_term("uscc", code, "uscc", 20), _match("uscc.prefix", code, "uscc", 5)]


def clause_options(clause: dict) -> dict:
    """The options of a clause: {"match": {field: options}} or {"constant_score": options}."""
    (query,) = clause.values()
    return query if "_name" in query else next(iter(query.values()))


def _uniquely_named(clauses: list[dict]) -> list[dict]:
    """Suffix every clause's name with its position: engines keep one query per name, so clauses
    sharing a name would hide each other's matches. The reason is the part before the colon."""
    for position, clause in enumerate(clauses):
        clause_options(clause)["_name"] += f":{position}"
    return clauses


def _decision_no_clauses(raw: str) -> list[dict]:
    """A record's decision number (文书号) whole, or starting with the text when it holds a digit."""
    number = raw.strip()
    clauses = [_term("decision_no", number, "decision_no", 10)]
    if finds_decision_prefix(number):  # a prefix query is not normalised: fold it as the normalizer does
        clauses.append({"prefix": {"decision_no": {"value": fold_width(number).lower(), "boost": 8,
                                                   "_name": "decision_no"}}})
    return clauses


def text_query(text: QueryText) -> dict:
    """At least one way of matching the text must hit; entities get a small bonus."""
    clauses = [*_name_clauses(text.name), *_decision_no_clauses(text.raw)]
    if text.latin:
        clauses += _latin_clauses(text.latin)
    if text.uscc:
        clauses += _uscc_clauses(text.uscc)
    return {
        "bool": {
            "must": [{"bool": {"should": _uniquely_named(clauses), "minimum_should_match": 1}}],
            "should": [{"constant_score": {"filter": {"term": {"kind": "entity"}}, "boost": ENTITY_BONUS}}],
        }
    }


def filters(query: SearchQuery) -> list[dict]:
    terms = {
        "kind": query.kind,
        "record_kind": query.record_kind,
        "domain_any": query.domain,
        "department": query.department,
        "district": query.district,
        "severity": query.severity,
    }
    clauses = [{"term": {field: value}} for field, value in terms.items() if value is not None]
    if query.list_status is not None:
        clauses.append(_on_list(query.list_status, query))
    bounds = {"gte": query.date_from, "lte": query.date_to}
    bounds = {op: day.isoformat() for op, day in bounds.items() if day is not None}
    if bounds:
        clauses.append({"range": {"decision_date": bounds}})
    return clauses


def _on_list(kind: str, query: SearchQuery) -> dict:
    """Entities on list `kind` on the query's day: the end of its entries (list_until.<kind>, a date
    mapped by the first document holding it) is after that day. Compared at search time, so an entry
    whose end has come leaves the list with no write to the index."""
    return {"range": {f"list_until.{kind}": {"gt": query.today.isoformat()}}}


def _highlight(text: QueryText) -> dict:
    def phrase(field: str, size: int, fragments: int) -> dict:
        return {
            "highlight_query": {"match_phrase": {field: text.name}},
            "fragment_size": size,
            "number_of_fragments": fragments,
        }

    return {
        "encoder": "html",  # the text escaped, so that the markers are the only markup in a highlight
        "pre_tags": [HIGHLIGHT_TAGS[0]],
        "post_tags": [HIGHLIGHT_TAGS[1]],
        "fields": {
            "name": phrase("name", 0, 0),
            "former_names": phrase("former_names", 0, 0),
            "text": phrase("text", 120, 3),
        },
    }


def _cursor(query: SearchQuery) -> list | None:
    if not query.cursor:
        return None
    after = decode_cursor(query.cursor)
    if len(after) != 2 or not cursor_number(after[0]) or not isinstance(after[1], str):
        raise InvalidCursor("the cursor is not one this search handed out")
    return after


def search_bodies(query: SearchQuery, count_limit: int) -> tuple[dict, dict]:
    """The two requests of one search, sent together (msearch). The page ranks and highlights without
    counting, so the engine may skip documents that cannot make the page; the counts (total and
    facets) stop at `count_limit` matches. One more hit than asked for tells whether a page follows."""
    text = analyse_query(query.q)
    matching = text_query(text) if text.name else {"match_all": {}}
    page = {
        "size": query.size + 1,
        "track_total_hits": False,
        "_source": ["kind"],
        "query": {"bool": {"must": [matching], "filter": filters(query)}},
        "sort": [{"_score": "desc"}, {"id": "asc"}],
    }
    if text.name:
        page["highlight"] = _highlight(text)
    if after := _cursor(query):
        page["search_after"] = after
    counts = {
        "size": 0,
        "track_total_hits": True,
        "terminate_after": count_limit,
        "query": {"bool": {"filter": [matching, *filters(query)]}},  # unscored
        "aggs": {name: _facet(name, query) for name in FACETS},
    }
    return page, counts


def _facet(name: str, query: SearchQuery) -> dict:
    if name == "list_status":
        return {"filters": {"filters": {kind: _on_list(kind, query) for kind in FILTER_FACETS[name]}}}
    if name in FILTER_FACETS:
        return {"filters": {"filters": {value: {"term": {name: value}} for value in FILTER_FACETS[name]}}}
    return {"terms": {"field": FACET_FIELDS[name], "size": FACET_SIZES[name]}}


def _buckets(aggregation: dict) -> dict[str, int]:
    """Counts by value from a terms aggregation (a list), or from a filters one (by name, zeros left out)."""
    buckets = aggregation.get("buckets", [])
    if isinstance(buckets, dict):
        counted = sorted(((key, bucket["doc_count"]) for key, bucket in buckets.items() if bucket["doc_count"]),
                         key=lambda item: (-item[1], item[0]))
        return dict(counted)
    return {str(bucket["key"]): bucket["doc_count"] for bucket in buckets}


def _matched(names) -> tuple[str, ...]:
    # Elasticsearch 8.8+ may answer a dict of name -> score, OpenSearch and older ones a list.
    found = {name.partition(":")[0] for name in names or ()}
    return tuple(reason for reason in MATCH_REASONS if reason in found)


def _merge_tags(fragment: str) -> str:
    # Unigrams and bigrams highlight separately: <em>过期</em><em>食</em> reads better as <em>过期食</em>.
    return fragment.replace(HIGHLIGHT_TAGS[1] + HIGHLIGHT_TAGS[0], "")


def read_hit(raw: dict) -> Hit:
    highlights = {name: [_merge_tags(f) for f in fragments] for name, fragments in (raw.get("highlight") or {}).items()}
    return Hit(
        id=raw["_id"],
        kind=raw["_source"]["kind"],
        score=float(raw["_score"] or 0.0),
        matched=_matched(raw.get("matched_queries")),
        highlights={name: fragments for name, fragments in highlights.items() if fragments},
    )


def read_page(answer: dict, size: int) -> tuple[list[Hit], str | None]:
    raw_hits = answer["hits"]["hits"]
    page = raw_hits[:size]
    next_cursor = encode_cursor(page[-1]["sort"]) if len(raw_hits) > size else None
    return [read_hit(raw) for raw in page], next_cursor


def read_facets(answer: dict) -> dict[str, dict[str, int]]:
    aggregations = answer.get("aggregations") or {}
    return {name: _buckets(aggregations.get(name, {})) for name in FACETS}
