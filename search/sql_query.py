"""SQL of the built-in engine: which documents match the user's text, how they rank, and why.

Every way of matching is a rule (reason, tier, column, test, needle). The rules that filter find
the candidates, each through its index and a bounded number of them (plus the names starting with
the text, from the name index); all rules, best tier first, score the candidates; the same rules
evaluated in Python on a hit's columns give its `matched` reasons, so the three can never disagree.
Matches beyond the candidates follow them, unranked, when a cursor pages on (the tail).

The tests are exact, case-sensitive substring tests on normalised columns. On SQLite, needles of
three characters or more are FTS5 phrase queries (a phrase of trigrams is a substring, and the
tokenizer folds nothing); PostgreSQL writes every test as LIKE, which its pg_trgm GIN indexes serve
from three characters on. Shorter needles have no trigram: both databases then scan (instr() on
SQLite) and still answer the same.

When nothing matches a name of six characters or more, the near rules look again for names holding
half of it, ranked by how many character pairs they share with it (a typo, a misremembered legal form).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union,
    union_all,
)
from sqlalchemy import text as sql_text

from .engine import (
    FACET_SIZES,
    FACETS,
    LIST_KINDS,
    InvalidCursor,
    QueryText,
    SearchQuery,
    cursor_number,
    decode_cursor,
    finds_decision_prefix,
)
from .sql_documents import normalise_text
from .sql_models import DOMAIN_DELIMITER, FTS_TABLES, SEPARATOR, SearchDocument, SearchDocumentText

docs = SearchDocument.__table__
texts = SearchDocumentText.__table__
NAME_FTS, TEXT_FTS = FTS_TABLES

# Columns whose rules find their documents each through a part of their own (see _parts).
OWN_PARTS = ("uscc", "text", "decision_no")
TRIGRAM = 3  # the shortest needle a trigram index can look up
NEAR_NAME_LENGTH = 2 * TRIGRAM  # each half of a text looked up by the trigram index
NAME_LENGTH_CAP = 999
# Sorts after every character a name can hold (byte order of UTF-8): name < needle + this is a prefix range.
PAST_EVERY_CHARACTER = "\U0010ffff"
# With filters, each way of finding documents reads this many times the count limit of its index's
# entries at most: a filter that few of a generic text's hits pass must not read the whole index.
SCAN_FACTOR = 5
PHRASE_WINDOW = 6  # characters of a long needle looked up in the trigram index (see _window)


@dataclass(frozen=True)
class Rule:
    reason: str  # from MATCH_REASONS
    tier: int  # higher ranks first
    column: str
    test: str  # "eq", "starts", "contains" or "line" (equals one of the SEPARATOR-joined values)
    needle: str
    filters: bool  # part of the WHERE clause (the others only rank what those found)

    def holds(self, row) -> bool:
        value = getattr(row, self.column) or ""
        if self.test == "eq":
            return value == self.needle
        if self.test == "starts":
            return value.startswith(self.needle)
        if self.test == "line":
            return self.needle in value.split(SEPARATOR)
        return self.needle in value


def rules_for(text: QueryText) -> list[Rule]:
    """Exact name, then name prefix, name fragment, former name, pinyin and initials, record text."""
    rules = []
    if name := text.name:
        rules += [
            Rule("name", 100, "name_normalised", "eq", name, False),
            Rule("name", 90, "name_normalised", "starts", name, False),
            Rule("name", 80, "name_normalised", "contains", name, True),
            Rule("former_name", 70, "former", "line", name, False),
            Rule("former_name", 65, "former", "contains", name, True),
        ]
        if len(name) >= TRIGRAM:  # record text has no index for shorter needles: scanning it takes seconds
            rules.append(Rule("text", 20, "text", "contains", name, True))
    if code := text.uscc:
        rules += [Rule("uscc", 100, "uscc", "eq", code, False), Rule("uscc", 85, "uscc", "starts", code, True)]
    if latin := text.latin:
        infix = len(latin) >= TRIGRAM  # as the external engine: letters inside a spelling from three on
        rules += [
            Rule("pinyin", 60, "pinyin", "eq", latin, False),
            Rule("initials", 58, "initials", "eq", latin, False),
            Rule("pinyin", 55, "pinyin", "starts", latin, not infix),
            Rule("initials", 52, "initials", "starts", latin, not infix),
        ]
        if infix:
            rules += [
                Rule("pinyin", 45, "pinyin", "contains", latin, True),
                Rule("initials", 42, "initials", "contains", latin, True),
                Rule("former_name", 40, "former_pinyin", "contains", latin, True),
            ]
        else:  # a former spelling starting with the letters: each is stored after a space
            rules.append(Rule("former_name", 40, "former_pinyin", "contains", " " + latin, True))
    return sorted(rules + _decision_no_rules(text.raw), key=lambda rule: -rule.tier)


def _decision_no_rules(raw: str) -> list[Rule]:
    """A record's decision number (文书号), whole, or starting with the text when it holds a digit."""
    needle = normalise_text(raw)
    if not needle:
        return []
    if not finds_decision_prefix(raw):
        return [Rule("decision_no", 95, "decision_no", "eq", needle, True)]
    return [Rule("decision_no", 95, "decision_no", "eq", needle, False),
            Rule("decision_no", 88, "decision_no", "starts", needle, True)]


def near_rules(text: QueryText) -> list[Rule]:
    """Names (current or former) holding either half of the text, for when none holds all of it: one
    character typed wrong, or a legal form misremembered (有限公司 for 有限责任公司), leaves one half
    whole. Texts shorter than two trigrams have none, nor codes and spellings (letters and digits)."""
    name = text.name
    if len(name) < NEAR_NAME_LENGTH or text.latin or text.uscc:
        return []
    middle = len(name) // 2
    return [
        Rule(reason, tier, column, "contains", half, True)
        for half in (name[:middle], name[middle:])
        for reason, tier, column in (("name", 30, "name_normalised"), ("former_name", 25, "former"))
    ]


def near_score(name: str, dialect: str) -> ColumnElement:
    """How alike a document's name is to the text: 1000 times the Dice coefficient of their character
    pairs, so the name sharing most of the text's pairs, and adding fewest of its own, ranks first."""
    pairs = sorted({name[at : at + 2] for at in range(len(name) - 1)})
    column = docs.c.name_normalised
    shared = sum((case((_contains(column, pair, dialect), 1), else_=0) for pair in pairs), literal(0))
    return (2000 * shared) // (len(pairs) + func.length(column) - 1)


def reasons(rules: list[Rule], row) -> set[str]:
    return {rule.reason for rule in rules if rule.filters and rule.holds(row)}


# -- SQL of one rule, per database ----------------------------------------------------------------


def _like_literal(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phrase(column: str, needle: str) -> str:
    return f'{{{column}}} : "{needle.replace(chr(34), chr(34) * 2)}"'


def _sql(rule: Rule, dialect: str) -> ColumnElement[bool]:
    """The rule on a search_documents row (record text lives in the side table: see _text_part)."""
    column = docs.c[rule.column]
    if rule.test == "eq":
        return column == rule.needle
    if rule.test == "line":
        column, needle = literal(SEPARATOR) + column + literal(SEPARATOR), SEPARATOR + rule.needle + SEPARATOR
        return _contains(column, needle, dialect)
    if rule.test == "starts":
        if rule.column == "uscc" and dialect == "sqlite":
            # GLOB is case-sensitive, so SQLite serves the prefix from the B-tree index on uscc; a
            # code prefix is letters and digits, never a GLOB wildcard.
            return column.op("GLOB")(rule.needle + "*")
        if dialect == "postgresql":
            return column.like(_like_literal(rule.needle) + "%")
        return func.substr(column, 1, len(rule.needle)) == rule.needle
    return _contains(column, rule.needle, dialect)


def _contains(column, needle: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":  # LIKE (backslash escapes by default) is what gin_trgm_ops indexes
        return column.like("%" + _like_literal(needle) + "%")
    return func.instr(column, needle) > 0


def _name_rules(filtering: list[Rule]) -> list[Rule] | None:
    """The filtering rules on the name columns, which one FTS5 query serves, or None when one of them
    cannot use the trigram index (a needle of one or two characters, a prefix test)."""
    rules = [rule for rule in filtering if rule.column not in OWN_PARTS]
    if any(rule.test != "contains" or len(rule.needle) < TRIGRAM for rule in rules):
        return None
    return rules


def _window(needle: str) -> str:
    """The middle PHRASE_WINDOW characters of a long needle. A phrase of a whole company name holds
    trigrams that nearly every name has (通辽市, 有限公司), and FTS5 reads all their entries: 100 ms a
    column at a million names. The middle, where the trade name stands, finds the few candidates
    that the whole needle is then checked on. Spellings stay whole: six letters of one (youxian) are in
    nearly every name's."""
    if len(needle) <= PHRASE_WINDOW or needle.isascii():
        return needle
    start = (len(needle) - PHRASE_WINDOW) // 2
    return needle[start : start + PHRASE_WINDOW]


@dataclass(frozen=True)
class Part:
    """One way the text's documents are found, served by one index (or a scan)."""

    found: Select  # the seqs of the documents it finds
    key: ColumnElement  # their seq as that index reads them in order (an FTS5 rowid, or seq itself)
    in_tail: bool = True  # False: every document it finds another part finds too


def _fts_part(table_name: str, expression: str, name: str) -> Part:
    """The documents an FTS5 query finds, joined by rowid, so that a LIMIT stops reading the index."""
    rowid = literal_column(f"{table_name}.rowid")
    found = (
        select(docs.c.seq)
        .select_from(table(table_name).join(docs, docs.c.seq == rowid))
        .where(sql_text(f"{table_name} MATCH :{name}").bindparams(**{name: expression}))
    )
    return Part(found, rowid)


def _name_part(rules: list[Rule]) -> Part:
    """The names holding a needle, by one FTS5 query of their windows, each checked whole if shortened."""
    windows = [_window(rule.needle) for rule in rules]
    phrases = " OR ".join(_phrase(rule.column, window) for rule, window in zip(rules, windows, strict=True))
    part = _fts_part(NAME_FTS, phrases, "name_query")
    if windows == [rule.needle for rule in rules]:
        return part
    return Part(part.found.where(or_(*(_sql(rule, "sqlite") for rule in rules))), part.key)


def _name_prefix_part(needle: str, dialect: str) -> Part:
    """Names starting with the needle, as a range of the name index (exact names included); the part
    finding names that contain the needle finds them too."""
    column = docs.c.name_normalised.collate("C") if dialect == "postgresql" else docs.c.name_normalised
    found = select(docs.c.seq).where(column >= needle, column < needle + PAST_EVERY_CHARACTER)
    return Part(found, docs.c.seq, in_tail=False)


def _decision_no_part(rule: Rule, dialect: str) -> Part:
    """Decision numbers equal to the needle, or starting with it as a range of their index."""
    column = docs.c.decision_no.collate("C") if dialect == "postgresql" else docs.c.decision_no
    if rule.test == "eq":
        return Part(select(docs.c.seq).where(column == rule.needle), docs.c.seq)
    found = select(docs.c.seq).where(column >= rule.needle, column < rule.needle + PAST_EVERY_CHARACTER)
    return Part(found, docs.c.seq)


def _text_part(rule: Rule, dialect: str) -> Part:
    if dialect == "sqlite" and len(rule.needle) >= TRIGRAM:
        return _fts_part(TEXT_FTS, _phrase("text", rule.needle), "text_query")
    found = select(docs.c.seq).join_from(docs, texts, texts.c.seq == docs.c.seq)
    return Part(found.where(_contains(texts.c.text, rule.needle, dialect)), docs.c.seq)


def _parts(rules: list[Rule], query: SearchQuery, dialect: str) -> list[Part]:
    """Each way the text's documents are found; a blank text finds every document (only those on some
    list when the query asks for a list status: few, read through their own partial index)."""
    filtering = [rule for rule in rules if rule.filters]
    if not filtering:
        every = select(docs.c.seq)
        return [Part(every.where(docs.c.list_until.is_not(None)) if query.list_status else every, docs.c.seq)]
    parts = [_name_prefix_part(rule.needle, dialect) for rule in rules
             if rule.column == "name_normalised" and rule.test == "starts"]
    name_rules = _name_rules(filtering) if dialect == "sqlite" else None
    if name_rules:
        # The uscc prefix has its own B-tree index; the name columns are one FTS5 query.
        parts.append(_name_part(name_rules))
        on_columns = [rule for rule in filtering if rule.column == "uscc"]
    else:  # PostgreSQL ORs the trigram indexes into one bitmap; a short needle is a scan anyway
        on_columns = [rule for rule in filtering if rule.column not in ("text", "decision_no")]
    if on_columns:
        parts.append(Part(select(docs.c.seq).where(or_(*(_sql(rule, dialect) for rule in on_columns))), docs.c.seq))
    parts += [_decision_no_part(rule, dialect) for rule in filtering if rule.column == "decision_no"]
    return parts + [_text_part(rule, dialect) for rule in filtering if rule.column == "text"]


@dataclass(frozen=True)
class Candidates:
    seqs: list[int]  # the documents to rank and count
    complete: bool  # False: some part found more than it read or yields, and the tail holds the rest


def candidates(rules: list[Rule], query: SearchQuery, dialect: str, limit: int):
    """The statement finding the documents the text and the filters find, as far as they are ranked and
    counted: each part reads at most SCAN_FACTOR * `limit` entries of its index and yields at most
    `limit` of them that pass the filters, so a generic text, or a filter few of its hits pass, costs
    what a distinctive text does. One row per part, read by `read_candidates`: its seqs as a
    comma-separated string (thousands of rows would cost more to fetch than to find), how many
    entries it read and how many it yields."""
    conditions = filter_conditions(query, dialect)
    passes = func.coalesce(and_(*conditions), False, type_=Boolean) if conditions else literal(True)
    scan = limit * SCAN_FACTOR if conditions else limit
    found = []
    for part in _parts(rules, query, dialect):
        read = part.found.add_columns(passes.label("passes")).limit(scan + 1).subquery()
        counted = select(read.c.seq, read.c.passes, func.count().over().label("scanned")).subquery()
        # Those that pass first; one that does not still tells how many entries were read.
        kept = select(counted).order_by(counted.c.passes.desc()).limit(limit).subquery()
        found.append(select(
            func.aggregate_strings(case((kept.c.passes, cast(kept.c.seq, String))), ","),
            func.max(kept.c.scanned),
            func.count(case((kept.c.passes, 1))),
        ))
    return union_all(*found), scan


def read_candidates(rows, limit: int, scan: int) -> Candidates:
    seqs, complete = set(), True
    for listed, scanned, yielded in rows:
        complete = complete and (scanned or 0) <= scan and yielded < limit
        if listed:
            seqs.update(map(int, listed.split(",")))
    return Candidates(sorted(seqs), complete)


def tail_statement(rules: list[Rule], query: SearchQuery, dialect: str, not_ranked: ColumnElement[bool],
                   score: ColumnElement, after_seq: int, size: int):
    """One page of the matches beyond the candidates (when a part found more than it yields), by seq:
    each part reads on from `after_seq` in its index's order, leaving the candidates out
    (`not_ranked`), and stops after a page. So paging has no wall, though only candidates are ranked."""
    conditions = [*filter_conditions(query, dialect), not_ranked]
    pages = [part.found.where(*conditions, part.key > after_seq).order_by(part.key).limit(size + 1).subquery()
             for part in _parts(rules, query, dialect) if part.in_tail]
    found = union(*(select(page.c.seq) for page in pages))
    return (select(docs.c.seq, docs.c.id, score.label("score")).where(docs.c.seq.in_(found))
            .order_by(docs.c.seq).limit(size + 1))


def score_expression(rules: list[Rule], dialect: str) -> ColumnElement:
    """Tier * 1000, less the name's length: within a tier a shorter name is the closer match. A
    candidate that no name, code or spelling rule holds for was found by its text."""
    if not rules:
        return literal_column("0")
    by_text = max((rule.tier for rule in rules if rule.column == "text" and rule.filters), default=0)
    tier = case(*((_sql(rule, dialect), rule.tier) for rule in rules if rule.column != "text"), else_=by_text)
    length = func.length(docs.c.name_normalised)
    return tier * 1000 - case((length > NAME_LENGTH_CAP, NAME_LENGTH_CAP), else_=length)


# -- filters, paging, facets ----------------------------------------------------------------------


def filter_conditions(query: SearchQuery, dialect: str) -> list[ColumnElement[bool]]:
    conditions = []
    for column, value in (
        ("kind", query.kind),
        ("record_kind", query.record_kind),
        ("department", query.department),
        ("district", query.district),
        ("severity", query.severity),
    ):
        if value is not None:
            conditions.append(docs.c[column] == value)
    if query.domain is not None:
        conditions.append(_contains(docs.c.domains, f"{DOMAIN_DELIMITER}{query.domain}{DOMAIN_DELIMITER}", dialect))
    if query.list_status is not None:
        conditions.append(on_list(query.list_status, query.today, dialect))
    # Entities have no date: a bound leaves them out, as the external engine's range filter does.
    if isinstance(query.date_from, date):
        conditions.append(docs.c.decision_date >= query.date_from)
    if isinstance(query.date_to, date):
        conditions.append(docs.c.decision_date <= query.date_to)
    return conditions


def read_cursor(cursor: str | None) -> tuple[int, str] | tuple[int] | None:
    """(score, id) after a ranked hit, or (seq,) after a hit in the tail."""
    if cursor is None:
        return None
    values = decode_cursor(cursor)
    if len(values) == 1 and cursor_number(values[0], integral=True):
        return (values[0],)
    if len(values) != 2 or not cursor_number(values[0], integral=True) or not isinstance(values[1], str):
        raise InvalidCursor("the cursor is not one this search handed out")
    return values[0], values[1]


def page_statement(where: list, score: ColumnElement, after: tuple[int, str] | None, size: int):
    """Ids and scores of one page, plus one hit to tell whether another page follows. Keyset paging
    on (score, id): every page costs the same, however deep."""
    ranked = select(docs.c.seq, docs.c.id, score.label("score")).where(*where).subquery("ranked")
    statement = select(ranked.c.seq, ranked.c.id, ranked.c.score)
    if after is not None:
        last_score, last_id = after
        statement = statement.where(
            or_(ranked.c.score < last_score, and_(ranked.c.score == last_score, ranked.c.id > last_id))
        )
    return statement.order_by(ranked.c.score.desc(), ranked.c.id).limit(size + 1)


def on_list(kind: str, today: date, dialect: str) -> ColumnElement[bool]:
    """Entities on list `kind` on `today`: the end of their entries of that kind (list_until) is after
    it. Compared at search time, so an entry whose end has come leaves the list with no write."""
    if dialect == "postgresql":
        end = cast(func.json_extract_path_text(cast(docs.c.list_until, JSON), kind), Date)
        return end > today
    return func.json_extract(docs.c.list_until, f"$.{kind}") > today.isoformat()


def facet_statement(where: list, today: date, dialect: str):
    """Every facet in one pass over the hits: counts by (kind, district, severity, domains, record
    kind), with how many of each group are on each list on `today`, which read_facets adds up per
    facet (a few hundred groups at most)."""
    keys = (docs.c.kind, docs.c.district, docs.c.severity, docs.c.domains, docs.c.record_kind)
    listed = (func.count(case((on_list(kind, today, dialect), 1))) for kind in LIST_KINDS)
    return select(*keys, func.count(), *listed).where(*where).group_by(*keys)


def read_facets(rows) -> dict[str, dict[str, int]]:
    """The biggest buckets of each facet, biggest first."""
    counts = {facet: Counter() for facet in FACETS}
    for kind, district, severity, held, record_kind, count, *listed in rows:
        counts["kind"][kind] += count
        for list_kind, on in zip(LIST_KINDS, listed, strict=True):
            if on:
                counts["list_status"][list_kind] += on
        if record_kind is not None:
            counts["record_kind"][record_kind] += count
        if district is not None:
            counts["district"][district] += count
        if severity is not None:
            counts["severity"][severity] += count
        for domain in filter(None, held.split(DOMAIN_DELIMITER)):
            counts["domain"][domain] += count
    return {
        facet: dict(sorted(counter.items(), key=lambda bucket: (-bucket[1], bucket[0]))[: FACET_SIZES[facet]])
        for facet, counter in counts.items()
    }
