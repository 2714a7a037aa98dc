"""Publicity at intake: the rule book applied to a validated row of a department (SPEC §4)."""

from datetime import date
from functools import lru_cache

import polars as pl

from ..departments.models import Department
from ..domain.lists import assess_entry
from ..domain.publicity import assess, is_displayed
from ..domain.publicity_columns import INPUT_SCHEMA, PublicityColumns
from ..domain.rulebook import RuleBook
from . import layout
from .models import EXPIRED, NOT_PUBLISHED, PUBLISHED

LONG_TERM_ZH = "长期"
_TYPE_SEPARATOR = "、"  # in no statutory penalty type's name
# The publicity columns of a record, in the order PublicityRules.values_for gives them.
PUBLICITY_COLUMNS = ("status", "severity", "rule_set", "publicity_start", "repairable_from", "publicity_end")


class PublicityRules:
    """Computes the publicity columns of a record: penalties by the rule sets, list entries and
    commitments by the rule book's lists, licences published without an end."""

    def __init__(self, rulebook: RuleBook):
        self.rulebook = rulebook
        self.columns = PublicityColumns(rulebook)

    def values_for(self, row: dict, department: Department, today: date) -> tuple:
        """The PUBLICITY_COLUMNS of a validated row."""
        kind = row["kind"]
        if kind in self.rulebook.lists:
            return self._entry_values(row, today)
        if kind != layout.PENALTY:
            return PUBLISHED, None, None, row["decision_date"], None, None
        publicity = assess(
            self.rulebook,
            decision_date=row["decision_date"],
            penalty_types=row["penalty_types"],
            domain=department.domain_key,
            violation_type=row.get("violation_type") or "",
            facts=row.get("facts") or "",
            explicit_severity=row.get("severity"),
            fine_amount=row.get("fine_amount"),
            department_overrides=department.severity_overrides,
            party_category=row.get("party_category"),
        )
        return (
            status_on(publicity, today),
            publicity.severity,
            publicity.rule_set,
            publicity.publicity_start,
            publicity.repairable_from,
            publicity.publicity_end,
        )

    def values_for_rows(self, rows: list[dict], department: Department, today: date) -> list[tuple]:
        """values_for() of each validated row, the penalties assessed together on columns."""
        values = [None if row["kind"] == layout.PENALTY else self.values_for(row, department, today) for row in rows]
        penalties = [row for row in rows if row["kind"] == layout.PENALTY]
        if penalties:
            assessed = iter(self._penalty_values(penalties, department, today))
            values = [next(assessed) if value is None else value for value in values]
        return values

    def _penalty_values(self, rows: list[dict], department: Department, today: date) -> list[tuple]:
        frame = _penalty_frame(rows, department.domain_key)
        assessed = self.columns.assess(frame, department.severity_overrides)
        start, end = pl.col("publicity_start"), pl.col("publicity_end")
        status = (pl.when(~pl.col("published")).then(pl.lit(NOT_PUBLISHED))
                  .when((start <= today) & (today < end)).then(pl.lit(PUBLISHED)).otherwise(pl.lit(EXPIRED)))
        return assessed.select(status, *PUBLICITY_COLUMNS[1:]).rows()

    def _entry_values(self, row: dict, today: date) -> tuple:
        entry = assess_entry(self.rulebook.lists[row["kind"]], listed_on=row["decision_date"],
                             valid_to=row.get("valid_to"), removed_on=row.get("removed_on"))
        end = entry.publicity_end
        status = PUBLISHED if end is None or today < end else EXPIRED
        return status, entry.severity, "lists", entry.publicity_start, entry.repairable_from, end

    def is_negative(self, record) -> bool:
        """Whether a record counts against its party: every penalty, negative lists, broken commitments."""
        rule = self.rulebook.lists.get(record.kind)
        if rule is None:
            return record.kind == layout.PENALTY
        return rule.is_negative(record.commitment_state, layout.COMMITMENT_BROKEN)


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


def status_on(publicity, today: date) -> str:
    if not publicity.published:
        return NOT_PUBLISHED
    return PUBLISHED if is_displayed(publicity, today) else EXPIRED


def valid_until_text(valid_until: date | None) -> str | None:
    """处罚有效期 as pages and reports show it: 长期 for the layout's sentinel, else the ISO date."""
    if valid_until is None:
        return None
    return LONG_TERM_ZH if rules().rulebook.is_long_term(valid_until) else valid_until.isoformat()


@lru_cache(maxsize=1)
def rules() -> PublicityRules:
    """The shipped rule book, loaded once per process."""
    return PublicityRules(RuleBook.load())
