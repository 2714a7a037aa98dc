"""Publicity at intake: the rule book applied to a validated row of a department (SPEC §4)."""

from datetime import date
from functools import lru_cache

from ..departments.models import Department
from ..domain.lists import assess_entry
from ..domain.publicity import assess, is_displayed
from ..domain.rulebook import RuleBook
from . import layout
from .models import EXPIRED, NOT_PUBLISHED, PUBLISHED

LONG_TERM_ZH = "长期"
# The publicity columns of a record, in the order PublicityRules.values_for gives them.
PUBLICITY_COLUMNS = ("status", "severity", "rule_set", "publicity_start", "repairable_from", "publicity_end")


class PublicityRules:
    """Computes the publicity columns of a record: penalties by the rule sets, list entries and
    commitments by the rule book's lists, licences published without an end."""

    def __init__(self, rulebook: RuleBook):
        self.rulebook = rulebook

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
