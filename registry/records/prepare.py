"""Validated rows turned into the columns of their records: pure, so bulk imports run it in a worker.

A batch is prepared column by column (a list of values per column of PREPARED_COLUMNS): the
writers' encoders turn whole columns into what a database takes, and the per-row Python left is
the rule book's assessment and the digest. The API's rows are a batch like any other.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from ..domain.values import iso_date
from . import layout
from .models import COLUMN_FOR_KEY
from .publicity import PUBLICITY_COLUMNS, PublicityRules

_LAYOUT_COLUMNS = tuple((f.key, COLUMN_FOR_KEY.get(f.key, f.key)) for f in layout.FIELDS)
PREPARED_COLUMNS = (*(column for _, column in _LAYOUT_COLUMNS), *PUBLICITY_COLUMNS, "kind", "department_id",
                    "domain_key", "party_key", "content_hash")


@dataclass(frozen=True)
class DepartmentRef:
    """What preparing a row needs of its department, free of the database session."""

    id: int
    uscc: str
    domain_key: str
    severity_overrides: dict | None = None

    @classmethod
    def of(cls, department) -> "DepartmentRef":
        return cls(department.id, department.uscc, department.domain_key, department.severity_overrides)


@dataclass
class PreparedBatch:
    """Records' columns (all but entity, version and timestamps): each of PREPARED_COLUMNS, in that
    order, to a list of one value per row, rows in the order given."""

    columns: dict
    size: int

    def natural_keys(self) -> list[tuple]:
        """Each row's natural key within its department."""
        return list(zip(self.columns["decision_no"], self.columns["party_key"]))


def prepare_batch(clean_rows: list[dict], department: DepartmentRef, rules: PublicityRules,
                  today: date) -> PreparedBatch:
    """The records' columns of validated rows (validate_record's clean dicts)."""
    size = len(clean_rows)
    fields = {column: [row.get(key) for row in clean_rows] for key, column in _LAYOUT_COLUMNS}
    assessed = [rules.values_for(row, department, today) for row in clean_rows]
    publicity = {column: [values[i] for values in assessed] for i, column in enumerate(PUBLICITY_COLUMNS)}
    kinds = [row["kind"] for row in clean_rows]
    columns = {**fields, **publicity, "kind": kinds, "department_id": [department.id] * size,
               "domain_key": [department.domain_key] * size, "party_key": [row["party_key"] for row in clean_rows],
               "content_hash": content_hashes(kinds, list(fields.values()))}
    return PreparedBatch(columns, size)


@lru_cache(maxsize=16384)
def _amount_part(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 0.5 and 0.50 are the same amount (and equal keys here)


# How the typed values of a clean row enter the digest (anything else: its str()).
_HASH_PARTS = {list: ";".join, Decimal: _amount_part, date: iso_date}


def spelled(values, keep: frozenset, spelling: dict):
    """A column's values, those of a class outside `keep` spelled by `spelling` (by their class;
    str() for a class it does not name). One pass in C says when none needs it, as in most columns."""
    if set(map(type, values)) <= keep:
        return values
    spell = spelling.get
    return [value if value.__class__ in keep else spell(value.__class__, str)(value) for value in values]


def _digest_parts(values: list) -> list[str]:
    """A column's values as the digest spells them; an empty cell is an empty string."""
    empty = values.count(None)
    if empty == len(values):
        return [""] * len(values)
    values = spelled(values, TEXT_OR_EMPTY, _HASH_PARTS)
    return [value or "" for value in values] if empty else values


TEXT_OR_EMPTY = frozenset({str, type(None)})


def content_hashes(kinds: list[str], fields: list[list]) -> list[str]:
    """Each row's digest of its content (its kind, then the values of the layout's fields in layout
    order, but for the trailing empty ones among the list entries' fields): equal digests mean
    re-sending a record changes nothing. `fields`: the layout's columns, in layout order."""
    parts = [_digest_parts(values) for values in fields]
    heads = map("\x1f".join, zip(*parts[:layout.FIELDS_BEFORE_LISTS]))
    tails = map("\x1f".join, zip(*parts[layout.FIELDS_BEFORE_LISTS:]))
    digests = []
    for kind, head, tail in zip(kinds, heads, tails, strict=True):
        # A clean value never ends in U+001F (trimming removes it): only the empty cells do.
        tail = tail.rstrip("\x1f")
        content = f"{kind}\x1f{head}\x1f{tail}" if tail else f"{kind}\x1f{head}"
        digests.append(hashlib.blake2b(content.encode(), digest_size=16).hexdigest())
    return digests


def position(column: str) -> int:
    """Where a column's value is in a prepared record."""
    return PREPARED_COLUMNS.index(column)
