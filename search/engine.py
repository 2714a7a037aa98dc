"""The interface both search engines implement, and the query and result values they share."""

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, runtime_checkable

from registry.domain.names import normalise_name
from registry.domain.text import fold_width
from registry.records import layout

from .connection import SearchUnavailable

__all__ = [
    "COUNT_LIMIT",
    "FACETS",
    "FACET_SIZES",
    "KINDS",
    "LIST_KINDS",
    "RECORD_KINDS",
    "MATCH_REASONS",
    "Hit",
    "IndexingError",
    "InvalidCursor",
    "QueryText",
    "SearchEngine",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "analyse_query",
    "cursor_number",
    "decode_cursor",
    "encode_cursor",
    "finds_decision_prefix",
]

KINDS = ("entity", "record")
RECORD_KINDS = layout.KINDS  # penalty, licence, the list entries' kinds, commitment
LIST_KINDS = layout.LIST_KINDS  # an entity's list status: the lists it is on today
# Why a hit matched, in the order they are reported.
MATCH_REASONS = ("uscc", "name", "former_name", "pinyin", "initials", "text", "decision_no")
# Facet name -> counts by value. "domain" counts records of the domain and entities with records in it;
# "district" is the entity's district or the record's department's district; "record_kind" counts
# records only (RECORD_KINDS); "list_status" counts entities on each list on the query's day.
FACETS = ("kind", "domain", "district", "severity", "record_kind", "list_status")
# Buckets returned per facet, the same for both engines.
FACET_SIZES = {"kind": 10, "domain": 100, "district": 100, "severity": 10, "record_kind": 10, "list_status": 10}
MAX_SIZE = 1000
# Totals and facets count matches up to about this many: counting every one of the hundreds of
# thousands of documents a generic text (有限公司, two characters) matches is what made such searches
# slow, and nobody reads those counts exactly. Beyond it a total is a lower bound (total_exact False).
COUNT_LIMIT = 10_000

_USCC_PREFIX = re.compile(r"[0-9A-Z]{2,18}")
_LATIN = re.compile(r"[a-z0-9' ]*[a-z][a-z0-9' ]*")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidCursor(ValueError):
    """A cursor this engine did not hand out (or one of another query shape)."""


class IndexingError(Exception):
    """The engine answered but refused some documents (other than "already newer")."""

    def __init__(self, failures: list[tuple[str, str]]):
        self.failures = failures  # (document id, reason)
        shown = "; ".join(f"{doc_id}: {reason}" for doc_id, reason in failures[:5])
        super().__init__(f"{len(failures)} document(s) refused: {shown}")


@dataclass(frozen=True)
class SearchQuery:
    """One search request. Date bounds are inclusive and apply to records only (entities have no date).
    `today` is the day list status is read for: an entity is on a list while an entry of it has not
    reached its publicity end on that day."""

    q: str = ""
    kind: str | None = None  # "entity" | "record" | None (both)
    record_kind: str | None = None  # one of RECORD_KINDS: records of that kind only
    list_status: str | None = None  # one of LIST_KINDS: entities on that list on `today` only
    domain: str | None = None
    department: int | None = None
    district: str | None = None
    severity: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    size: int = 20
    cursor: str | None = None
    today: date = field(default_factory=date.today)

    def __post_init__(self):
        if self.kind not in (None, *KINDS):
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.record_kind not in (None, *RECORD_KINDS):
            raise ValueError(f"record_kind must be one of {RECORD_KINDS}, not {self.record_kind!r}")
        if self.list_status not in (None, *LIST_KINDS):
            raise ValueError(f"list_status must be one of {LIST_KINDS}, not {self.list_status!r}")
        if not 1 <= self.size <= MAX_SIZE:
            raise ValueError(f"size must be between 1 and {MAX_SIZE}")


@dataclass(frozen=True)
class Hit:
    id: str  # the document id: "entity-<uscc>" or "record-<id>"
    kind: str
    score: float
    matched: tuple[str, ...]  # from MATCH_REASONS
    highlights: dict[str, list[str]] = field(default_factory=dict)  # field -> fragments with <em> tags


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int  # exact, or a lower bound when total_exact is False
    facets: dict[str, dict[str, int]]  # every name in FACETS -> value -> count, over the counted hits
    next_cursor: str | None  # None on the last page
    engine: str
    total_exact: bool = True  # False: more than COUNT_LIMIT hits, and only some of them were counted


@runtime_checkable
class SearchEngine(Protocol):
    """What the application needs from a search engine. Every method raises SearchUnavailable when the
    engine does not answer; none of them ever turns an outage into an empty result."""

    name: str
    # Writes go through the application's database session (the built-in engine): never from another thread.
    in_session: bool

    def ensure_index(self) -> None:
        """Create the index (behind its alias) unless it exists. Idempotent."""

    def write(self, documents: list[dict], deletions: list[tuple[str, int]], *, refresh: bool = False) -> None:
        """Index `documents` and delete `deletions` ((doc id, version)) in bulk. A document older than the
        one indexed is skipped silently ("already newer"); other refusals raise IndexingError. With
        `refresh`, the changes are searchable when this returns."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Hits by relevance (then id), with highlights, facets and a cursor for the next page."""

    def reindex(self, documents: Iterable[dict], expected: int = 0) -> int:
        """Build a new index from `documents` (about `expected` of them, which may size the index),
        swap the alias to it atomically and drop the old one; return the number of documents. On
        failure the old index keeps serving."""


@dataclass(frozen=True)
class QueryText:
    """The user's text read every way the engines match it."""

    raw: str
    name: str  # normalise_name(raw): width, brackets, spaces and traditional script folded; "" if blank
    uscc: str | None  # upper-cased code (prefix) when the text can be one
    latin: str | None  # lower-case letters and digits when the text can be pinyin or initials


def analyse_query(q: str) -> QueryText:
    q = _CONTROL.sub(" ", q or "")  # nobody types them; SQLite's full-text syntax fails on a NUL
    folded = fold_width(q).strip()
    compact = "".join(folded.split())
    uscc = compact.upper() if _USCC_PREFIX.fullmatch(compact.upper()) else None
    lower = folded.lower()
    latin = _NOT_ALNUM.sub("", lower) if _LATIN.fullmatch(lower) else None
    return QueryText(raw=q, name=normalise_name(folded) if folded else "", uscc=uscc, latin=latin or None)


def finds_decision_prefix(raw: str) -> bool:
    """Whether a text also finds the decision numbers (文书号) starting with it, not only the one it
    equals: when it holds a digit (a number's year or serial). A name rarely does, so a search for
    通辽市鑫源 is not flooded with the records of every department whose numbers start 通辽市."""
    return any(char.isdigit() for char in fold_width(raw or ""))


def encode_cursor(sort_values: list) -> str:
    """An opaque cursor for search_after-style paging: URL-safe base64 of the last hit's sort values."""
    raw = json.dumps(sort_values, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this search handed out") from exc
    if not isinstance(values, list) or not values:
        raise InvalidCursor("the cursor is not one this search handed out")
    return values


def cursor_number(value, integral: bool = False) -> bool:
    """Whether a cursor's number can be a sort value a search handed out: not a bool, finite and
    within 64 bits (a larger one would overflow the database or make the engine refuse the request)."""
    if isinstance(value, bool) or not isinstance(value, int if integral else int | float):
        return False
    return -(2**63) <= value < 2**63  # false for infinities and NaN too
