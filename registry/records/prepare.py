"""A validated row turned into the columns of its record: pure, so bulk imports run it in a worker.

A prepared record is a list of values in PREPARED_COLUMNS order, not a dict: the writers only
ever pass the values on, and an import prepares millions of them.
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
_KEYS, _COLUMNS = zip(*_LAYOUT_COLUMNS, strict=True)
PREPARED_COLUMNS = (*_COLUMNS, *PUBLICITY_COLUMNS, "kind", "department_id", "domain_key", "party_key", "content_hash")


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


@lru_cache(maxsize=16384)
def _amount_part(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 0.5 and 0.50 are the same amount (and equal keys here)


# How the typed values of a clean row enter the digest (anything else: its str()).
_HASH_PARTS = {list: ";".join, Decimal: _amount_part, date: iso_date}


def content_hash(kind: str, fields: list) -> str:
    """A digest of a record's content (its kind, then the values of the layout's fields in layout
    order): equal digests mean re-sending it changes nothing."""
    end = len(fields)
    while end > layout.FIELDS_BEFORE_LISTS and fields[end - 1] is None:
        end -= 1
    if end < len(fields):
        fields = fields[:end]
    part = _HASH_PARTS.get
    payload = "\x1f".join([value if value.__class__ is str else "" if value is None
                           else part(value.__class__, str)(value) for value in fields])
    return hashlib.blake2b(f"{kind}\x1f{payload}".encode(), digest_size=16).hexdigest()


def prepare(clean: dict, department: DepartmentRef, rules: PublicityRules, today: date) -> list:
    """The record's columns (all but entity, version and timestamps) for a validated row, in
    PREPARED_COLUMNS order."""
    fields = [*map(clean.get, _KEYS)]
    return [
        *fields,
        *rules.values_for(clean, department, today),
        clean["kind"],
        department.id,
        department.domain_key,
        clean["party_key"],
        content_hash(clean["kind"], fields),
    ]


def position(column: str) -> int:
    """Where a column's value is in a prepared record."""
    return PREPARED_COLUMNS.index(column)
