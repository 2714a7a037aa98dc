"""A batch of validated rows whose penalties' publicity is assessed together, on columns.

For the columnar import (issue 25): not in the batch path yet, since fed row dicts it saves little and
polars costs an import's workers ~100 MB (docs: performance). Only this module loads polars, so a
web server never does.
"""

from datetime import date
from functools import lru_cache

import polars as pl

from ..domain.publicity_columns import INPUT_SCHEMA, PublicityColumns
from . import layout
from .models import EXPIRED, NOT_PUBLISHED, PUBLISHED
from .prepare import DepartmentRef
from .publicity import PUBLICITY_COLUMNS, PublicityRules

_TYPE_SEPARATOR = "、"  # in no statutory penalty type's name


def values_for_rows(rows: list[dict], department: DepartmentRef, rules: PublicityRules, today: date) -> list[tuple]:
    """PublicityRules.values_for() of each row, the penalties assessed together on columns."""
    values = [None if row["kind"] == layout.PENALTY else rules.values_for(row, department, today) for row in rows]
    penalties = [row for row in rows if row["kind"] == layout.PENALTY]
    if penalties:
        assessed = iter(_penalty_values(penalties, department, rules, today))
        values = [next(assessed) if value is None else value for value in values]
    return values


@lru_cache(maxsize=4)
def columns_of(rules: PublicityRules) -> PublicityColumns:
    """The rule book of `rules` compiled for columns (once per book)."""
    return PublicityColumns(rules.rulebook)


def _penalty_values(rows: list[dict], department: DepartmentRef, rules: PublicityRules, today: date) -> list[tuple]:
    assessed = columns_of(rules).assess(_penalty_frame(rows, department.domain_key), department.severity_overrides)
    start, end = pl.col("publicity_start"), pl.col("publicity_end")
    status = (pl.when(~pl.col("published")).then(pl.lit(NOT_PUBLISHED))
              .when((start <= today) & (today < end)).then(pl.lit(PUBLISHED)).otherwise(pl.lit(EXPIRED)))
    return assessed.select(status, *PUBLICITY_COLUMNS[1:]).rows()


def _penalty_frame(rows: list[dict], domain: str) -> pl.DataFrame:
    """The typed columns PublicityColumns reads, from validated rows. Lists of types and decimals
    cross into polars as text (a few times faster than as Python lists and Decimals)."""
    amounts = [row.get("fine_amount") for row in rows]
    frame = pl.DataFrame({
        "decision_date": [row["decision_date"] for row in rows],
        "penalty_types": [_TYPE_SEPARATOR.join(row["penalty_types"]) for row in rows],
        "domain": [domain] * len(rows),
        "violation_type": [row.get("violation_type") or "" for row in rows],
        "facts": [row.get("facts") or "" for row in rows],
        "explicit_severity": [row.get("severity") for row in rows],
        "fine_amount": [None if amount is None else format(amount, "f") for amount in amounts],
        "party_category": [row.get("party_category") for row in rows],
    }, schema={**INPUT_SCHEMA, "penalty_types": pl.String, "fine_amount": pl.String})
    return frame.with_columns(pl.col("penalty_types").str.split(_TYPE_SEPARATOR),
                              pl.col("fine_amount").cast(INPUT_SCHEMA["fine_amount"]))
