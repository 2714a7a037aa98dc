"""How an import's workers turn a prepared batch into what a writer takes: SQLite's statement
parameters (RowParameters) or PostgreSQL's COPY text (CopyEncoder), a column at a time.

A module of its own, apart from the writers, so that a worker process imports only this and what
preparing a row needs, not the writers' unit of work, audit trail and the application's extensions
(alembic, flask-smorest, mako, pygments: 18.6 MB a worker).
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from ..db import sqlite_timestamp
from ..domain import uscc as uscc_rules
from ..domain.names import normalise_name
from ..domain.values import iso_date
from .prepare import PREPARED_COLUMNS, PreparedBatch, position

# The columns of an entity the writers take from a batch, in the order its values travel.
ENTITY_COLUMNS = ("uscc", "name", "name_normalised", "name_as_of", "party_category", "district_code", "legal_rep",
                  "legal_rep_id_type", "legal_rep_id_no")
# What a record says of its entity: (uscc, party name, decision date, party category, legal
# representative, their ID type and number).
_ENTITY_OF = ("uscc", "party_name", "decision_date", "party_category", "legal_rep", "legal_rep_id_type",
              "legal_rep_id_no")


def natural_key(record: tuple) -> tuple:
    """An encoded record's natural key within its department."""
    return record[_DECISION_NO], record[_PARTY_KEY]


_DECISION_NO, _PARTY_KEY = map(position, ("decision_no", "party_key"))


def kept_rows(batch: PreparedBatch) -> list[int]:
    """The rows a batch writes: the last of each natural key, in its place."""
    last = {key: index for index, key in enumerate(batch.natural_keys())}
    return sorted(last.values()) if len(last) < batch.size else list(range(batch.size))


def entities(batch: PreparedBatch, rows: list[int]) -> list[tuple]:
    """The ENTITY_COLUMNS of each entity these rows name, from its newest record (the later of two
    decided the same day)."""
    codes, names, decided, categories, *representatives = (batch.columns[column] for column in _ENTITY_OF)
    newest = {}
    for index in rows:
        code = codes[index]
        if code and (code not in newest or decided[index] >= decided[newest[code]]):
            newest[code] = index
    return [
        (code, names[i], normalise_name(names[i]), decided[i], categories[i], uscc_rules.division(code),
         *(values[i] for values in representatives))
        for code, i in newest.items()
    ]


def _taken(values: list, rows: list[int], size: int) -> list:
    return values if len(rows) == size else [values[index] for index in rows]


class BatchEncoder:
    """Turns a prepared batch into a writer's form (`encode`): the last occurrence of each natural
    key is written, in its place, and the batch's entities from their newest records."""

    columns = PREPARED_COLUMNS

    def encode(self, batch: PreparedBatch):
        raise NotImplementedError


@dataclass
class ParameterBatch:
    """A batch as SQLite statement parameters: one tuple per record (the last of each natural key)
    and per entity, values encoded as SQLite stores them."""

    rows: int  # rows given, later duplicates of a natural key included
    records: list  # of PREPARED_COLUMNS
    entities: list  # ENTITY_COLUMNS of each entity the batch names


class RowParameters(BatchEncoder):
    """RecordWriter's encoder: each record becomes the tuple its insert takes, so the writer only
    runs statements (no row dicts to unpickle and turn into parameters)."""

    def encode(self, batch: PreparedBatch) -> ParameterBatch:
        rows = kept_rows(batch)
        columns = [_stored(_taken(values, rows, batch.size)) for values in batch.columns.values()]
        named = map(_stored, zip(*entities(batch, rows)))
        return ParameterBatch(batch.size, list(zip(*columns)), list(zip(*named)))


@lru_cache(maxsize=4096)
def json_text(items: tuple) -> str:
    """A list as JSON text, cached: penalty types come in a few combinations, over and over."""
    return json.dumps(list(items), ensure_ascii=False)


# How a prepared row's values are stored in SQLite, by their class (as SQLAlchemy stores them).
_STORED_AS_IS = frozenset({str, int, type(None)})
_SQLITE_VALUE = {date: iso_date, datetime: sqlite_timestamp, Decimal: str, list: lambda v: json_text(tuple(v))}


def _stored(values) -> list:
    """A column's values as SQLite stores them."""
    if set(map(type, values)) <= _STORED_AS_IS:
        return values
    return [value if value.__class__ in _STORED_AS_IS else _SQLITE_VALUE[value.__class__](value) for value in values]


@dataclass
class EncodedBatch:
    """Prepared rows as COPY text (PostgreSQL's text format) for the two staging tables."""

    rows: int  # rows given, later duplicates of a natural key included
    columns: tuple  # of the record staging text, row_index (the row's position in the batch) last
    records: bytes
    entities: bytes  # the newest row's view of each entity the batch names, ENTITY_COLUMNS


class CopyEncoder(BatchEncoder):
    """CopyRecordWriter's encoder: each record becomes its line of COPY text, its position in the
    batch last."""

    def encode(self, batch: PreparedBatch) -> EncodedBatch:
        rows = kept_rows(batch)
        columns = [_taken(values, rows, batch.size) for values in batch.columns.values()]
        return EncodedBatch(batch.size, (*self.columns, "row_index"), copy_text([*columns, rows]),
                            copy_text(list(zip(*entities(batch, rows)))))


def copy_text(columns: list) -> bytes:
    """COPY text of rows given as columns."""
    if not columns or not columns[0]:
        return b""
    lines = map("\t".join, zip(*map(_copy_column, columns)))
    return ("\n".join(lines) + "\n").encode()


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_TEXT_OR_NULL = frozenset({str, type(None)})


def _copy_column(values) -> list[str]:
    """A column's values as fields of COPY's text format: NULL as \\N, JSON lists (penalty types) as
    JSON text, dates, amounts and numbers in their text form, and special characters escaped."""
    classes = set(map(type, values))
    if not classes <= _TEXT_OR_NULL:
        values = [value if value.__class__ in _TEXT_OR_NULL else _text_of(value) for value in values]
    # Most columns hold nothing to escape: one search over all their text says so.
    if _COPY_SPECIAL.search("".join(filter(None, values))):
        values = [value.translate(_COPY_ESCAPES) if value and _COPY_SPECIAL.search(value) else value
                  for value in values]
    return ["\\N" if value is None else value for value in values] if type(None) in classes else values


def _text_of(value) -> str:
    """A value's text in COPY: JSON for lists, the ISO form for dates, str() for the rest."""
    if value.__class__ is list:
        return json_text(tuple(value))
    return _PLAIN_TEXT.get(value.__class__, str)(value)


_PLAIN_TEXT = {date: iso_date, int: int.__str__, Decimal: Decimal.__str__}
