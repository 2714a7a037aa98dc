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
from .prepare import PREPARED_COLUMNS, TEXT_OR_EMPTY, PreparedBatch, position, spelled

# The columns of an entity the writers take from a batch, in the order its values travel.
ENTITY_COLUMNS = ("uscc", "name", "name_normalised", "name_as_of", "party_category", "district_code", "legal_rep",
                  "legal_rep_id_type", "legal_rep_id_no")
# What a record says of its entity: (uscc, party name, decision date, party category, legal
# representative, their ID type and number).
_ENTITY_OF = ("uscc", "party_name", "decision_date", "party_category", "legal_rep", "legal_rep_id_type",
              "legal_rep_id_no")


_DECISION_NO, _PARTY_KEY = map(position, ("decision_no", "party_key"))


def natural_key(record: tuple) -> tuple:
    """An encoded record's natural key within its department."""
    return record[_DECISION_NO], record[_PARTY_KEY]


class BatchEncoder:
    """Turns a batch's prepared records into a writer's form, a prepared part at a time (`add`), so
    that an import worker holds encoded records rather than their values: the last occurrence of a
    natural key wins, in its place. `finish` makes what the writer's `write_encoded` takes."""

    columns = PREPARED_COLUMNS

    def __init__(self):
        self.rows = 0  # records given, later duplicates of a natural key included
        self.kept = {}  # natural key -> (encoded record, what the record says of its entity, if it names one)

    @classmethod
    def encode(cls, batch: PreparedBatch):
        """A whole batch in the writer's form."""
        encoder = cls()
        encoder.add(batch)
        return encoder.finish()

    def add(self, batch: PreparedBatch) -> None:
        encoded = self.encode_records(batch, self.rows)
        views = zip(*(batch.columns[column] for column in _ENTITY_OF))
        for key, record, view in zip(batch.natural_keys(), encoded, views, strict=True):
            self.kept.pop(key, None)
            self.kept[key] = (record, view if view[0] else None)
        self.rows += batch.size

    def encode_records(self, batch: PreparedBatch, first_index: int) -> list:
        """Each record of the batch in the writer's form; `first_index`: the first one's position."""
        raise NotImplementedError

    def entities(self) -> list[tuple]:
        """The ENTITY_COLUMNS of each entity the kept records name, from its newest record (the later
        of two decided the same day)."""
        newest = {}
        for view in (view for _, view in self.kept.values() if view):
            code = view[0]
            if code not in newest or view[2] >= newest[code][2]:
                newest[code] = view
        return [
            (code, name, normalise_name(name), as_of, category, uscc_rules.division(code), *representative)
            for code, name, as_of, category, *representative in newest.values()
        ]


@dataclass
class ParameterBatch:
    """A batch as SQLite statement parameters: one tuple per record (the last of each natural key)
    and per entity, values encoded as SQLite stores them."""

    rows: int  # rows given, later duplicates of a natural key included
    records: list  # of PREPARED_COLUMNS
    entities: list  # ENTITY_COLUMNS of each entity the batch names


class RowParameters(BatchEncoder):
    """RecordWriter's encoder: a record becomes the tuple its insert takes, so the writer only runs
    statements (no row dicts to unpickle and turn into parameters)."""

    def encode_records(self, batch: PreparedBatch, first_index: int) -> list[tuple]:
        return list(zip(*map(_stored, batch.columns.values())))

    def finish(self) -> ParameterBatch:
        entities = list(zip(*map(_stored, zip(*self.entities()))))
        return ParameterBatch(self.rows, [record for record, _ in self.kept.values()], entities)


@lru_cache(maxsize=4096)
def json_text(items: tuple) -> str:
    """A list as JSON text, cached: penalty types come in a few combinations, over and over."""
    return json.dumps(list(items), ensure_ascii=False)


def json_list(values: list) -> str:
    """A list as JSON text (penalty types)."""
    return json_text(tuple(values))


# The text of a typed value, by its class, in SQLite and in COPY alike.
_TEXT_OF = {date: iso_date, Decimal: Decimal.__str__, list: json_list}
# How a prepared row's values are stored in SQLite, by their class (as SQLAlchemy stores them).
_STORED_AS_IS = frozenset({str, int, type(None)})
_SQLITE_VALUE = {**_TEXT_OF, datetime: sqlite_timestamp}


def _stored(values) -> list:
    """A column's values as SQLite stores them."""
    return spelled(values, _STORED_AS_IS, _SQLITE_VALUE)


@dataclass
class EncodedBatch:
    """Prepared rows as COPY text (PostgreSQL's text format) for the two staging tables."""

    rows: int  # rows given, later duplicates of a natural key included
    columns: tuple  # of the record staging text, row_index (the row's position in the batch) last
    records: bytes
    entities: bytes  # the newest row's view of each entity the batch names, ENTITY_COLUMNS


class CopyEncoder(BatchEncoder):
    """CopyRecordWriter's encoder: a record becomes its line of COPY text, its position in the batch last."""

    def encode_records(self, batch: PreparedBatch, first_index: int) -> list[str]:
        return copy_lines([*batch.columns.values(), range(first_index, first_index + batch.size)])

    def finish(self) -> EncodedBatch:
        records = [line for line, _ in self.kept.values()]
        return EncodedBatch(self.rows, (*self.columns, "row_index"), _copy_text(records),
                            _copy_text(copy_lines(list(zip(*self.entities())))))


def copy_lines(columns: list) -> list[str]:
    """Lines of COPY text (without their ends) of rows given as columns."""
    return list(map("\t".join, zip(*map(_copy_column, columns))))


def _copy_text(lines: list[str]) -> bytes:
    return "\n".join([*lines, ""]).encode() if lines else b""  # each line ended, the text made once


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_NULL = "\\N"
_COPY_TEXT = {**_TEXT_OF, int: int.__str__}


def _copy_column(values) -> list[str]:
    """A column's values as fields of COPY's text format: NULL as \\N, JSON lists (penalty types) as
    JSON text, dates, amounts and numbers in their text form, and special characters escaped."""
    empty = values.count(None)
    if empty == len(values):
        return [_COPY_NULL] * len(values)
    values = spelled(values, TEXT_OR_EMPTY, _COPY_TEXT)
    # Most columns hold nothing to escape: one search over all their text says so.
    if _COPY_SPECIAL.search("".join(filter(None, values))):
        values = [value.translate(_COPY_ESCAPES) if value and _COPY_SPECIAL.search(value) else value
                  for value in values]
    return [_COPY_NULL if value is None else value for value in values] if empty else values
