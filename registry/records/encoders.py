"""How an import's workers turn prepared records into what a writer takes, a batch at a time: SQLite's
statement parameters (RowParameters) or PostgreSQL's COPY text (CopyEncoder).

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
from operator import itemgetter

from ..db import sqlite_timestamp
from ..domain import uscc as uscc_rules
from ..domain.names import normalise_name
from ..domain.values import iso_date
from .prepare import PREPARED_COLUMNS, position

# The columns of an entity the writers take from a batch, in the order its values travel.
ENTITY_COLUMNS = ("uscc", "name", "name_normalised", "name_as_of", "party_category", "district_code", "legal_rep",
                  "legal_rep_id_type", "legal_rep_id_no")
# What a prepared record says of its entity: (uscc, party name, decision date, party category,
# legal representative, their ID type and number).
_ENTITY_OF = itemgetter(*map(position, ("uscc", "party_name", "decision_date", "party_category", "legal_rep",
                                         "legal_rep_id_type", "legal_rep_id_no")))
_USCC, _DECISION_NO, _PARTY_KEY = map(position, ("uscc", "decision_no", "party_key"))


def natural_key(record: list) -> tuple:
    """A prepared record's natural key within its department."""
    return record[_DECISION_NO], record[_PARTY_KEY]


class BatchEncoder:
    """Turns a batch's prepared records into a writer's form one at a time (`encode_row`), so that
    an import worker holds an encoded row rather than the record: the last occurrence of a natural
    key wins, in its place. `finish` makes what the writer's `write_encoded` takes."""

    columns = PREPARED_COLUMNS

    def __init__(self):
        self.rows = 0  # records given, later duplicates of a natural key included
        self.kept = {}  # natural key -> (encoded row, what the record says of its entity, if it names one)

    def add(self, record: list) -> None:
        key = natural_key(record)
        self.kept.pop(key, None)
        self.kept[key] = (self.encode_row(record, self.rows), _ENTITY_OF(record) if record[_USCC] else None)
        self.rows += 1

    def encode_row(self, values: list, index: int):
        raise NotImplementedError

    def entities(self) -> list[list]:
        """The ENTITY_COLUMNS of each entity the batch names, from its newest record."""
        newest = {}
        for named in (entity for _, entity in self.kept.values() if entity):
            code = named[0]
            if code not in newest or named[2] >= newest[code][2]:
                newest[code] = named
        return [
            [code, name, normalise_name(name), as_of, category, uscc_rules.division(code), *representative]
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
    """RecordWriter's encoder: a row becomes the tuple its insert takes, so the writer only runs
    statements (no row dicts to unpickle and turn into parameters)."""

    def encode_row(self, values: list, index: int) -> tuple:
        return tuple([value if value.__class__ in _STORED_AS_IS else _SQLITE_VALUE[value.__class__](value)
                      for value in values])

    def finish(self) -> ParameterBatch:
        entities = [self.encode_row(entity, 0) for entity in self.entities()]
        return ParameterBatch(self.rows, [encoded for encoded, _ in self.kept.values()], entities)


@lru_cache(maxsize=4096)
def json_text(items: tuple) -> str:
    """A list as JSON text, cached: penalty types come in a few combinations, over and over."""
    return json.dumps(list(items), ensure_ascii=False)


# How a prepared row's values are stored in SQLite, by their class (as SQLAlchemy stores them).
_STORED_AS_IS = frozenset({str, int, type(None)})
_SQLITE_VALUE = {date: iso_date, datetime: sqlite_timestamp, Decimal: str, list: lambda v: json_text(tuple(v))}


@dataclass
class EncodedBatch:
    """Prepared rows as COPY text (PostgreSQL's text format) for the two staging tables."""

    rows: int  # rows given, later duplicates of a natural key included
    columns: tuple  # of the record staging text, row_index (the row's position in the batch) last
    records: bytes
    entities: bytes  # the newest row's view of each entity the batch names, ENTITY_COLUMNS


class CopyEncoder(BatchEncoder):
    """CopyRecordWriter's encoder: a row becomes its line of COPY text, its position in the batch last."""

    def encode_row(self, values: list, index: int) -> str:
        return _copy_line([*values, index])

    def finish(self) -> EncodedBatch:
        entities = "".join(map(_copy_line, self.entities()))
        records = "".join([line for line, _ in self.kept.values()])
        return EncodedBatch(self.rows, (*self.columns, "row_index"), records.encode(), entities.encode())


def encode_batch(records: list[list]) -> EncodedBatch:
    """COPY text of a batch of prepared records."""
    encoder = CopyEncoder()
    for record in records:
        encoder.add(record)
    return encoder.finish()


def _copy_line(values: list) -> str:
    line = "\t".join([value if value.__class__ is str else "\\N" if value is None
                      else _PLAIN_TEXT.get(value.__class__, _copy_value)(value) for value in values])
    # The common case: no value needed escaping (the only tabs separate values, the only
    # backslashes start the NULLs), so the line made in one pass stands.
    if line.count("\t") == len(values) - 1 and line.count("\\") == values.count(None) \
            and "\n" not in line and "\r" not in line:
        return line + "\n"
    return "\t".join(map(_copy_value, values)) + "\n"


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value.__class__ is not str:
        # JSON lists (penalty types) as JSON text; dates, amounts and numbers in their str() form.
        value = json_text(tuple(value)) if isinstance(value, list) else str(value)
    return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value


# The text of the typed values a prepared row holds, unescaped: a value that needs escaping
# (a JSON list could) makes _copy_line's check fail, and the line is then made by _copy_value.
_PLAIN_TEXT = {date: iso_date, int: int.__str__, Decimal: Decimal.__str__,
               list: lambda value: json_text(tuple(value))}
