"""List entries (名单) and credit commitments: how long they are displayed and when removal may be asked for.

Pure rules over the rule book's `lists` section (SPEC §1, §4, §5). An entry is displayed from its
listing date until the first of: its removal date (移出日期: the listing authority's removal takes it
off at once, so the 3 working days SPEC §5 allows for taking it off are never used), the day after its planned end
(有效期至), and the listing date plus the list's maximum period. Early removal from a list that the
rule book marks repairable is a repair mode of its own (移出), open from the listing date plus the
list's minimum period.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .periods import add_months
from .rule_data import RuleReader

NEGATIVE_ALWAYS, NEGATIVE_WHEN_BROKEN, NEVER_NEGATIVE = "always", "when_broken", "never"


@dataclass(frozen=True)
class ListRule:
    """How one kind of list entry is displayed and repaired."""

    kind: str
    negative: str  # always, when_broken (a commitment not kept), never (honours)
    severity: str | None = None
    repair_after_months: int | None = None  # None: no early removal through the repair workflow
    max_months: int | None = None  # None: displayed until removed or its planned end

    def is_negative(self, kept_state: str | None, broken_state: str) -> bool:
        """Whether an entry in this state counts against its party (reports, badges)."""
        return self.negative == NEGATIVE_ALWAYS or (self.negative == NEGATIVE_WHEN_BROKEN and kept_state == broken_state)


@dataclass(frozen=True)
class EntryPublicity:
    severity: str | None
    publicity_start: date
    repairable_from: date | None
    publicity_end: date | None  # the first day not displayed; None while nothing ends it


def assess_entry(rule: ListRule, *, listed_on: date, valid_to: date | None, removed_on: date | None) -> EntryPublicity:
    """The display window of a list entry or commitment listed on `listed_on`."""
    ends = [day for day in (
        removed_on,
        valid_to + timedelta(days=1) if valid_to else None,
        add_months(listed_on, rule.max_months) if rule.max_months is not None else None,
    ) if day is not None]
    repairable_from = add_months(listed_on, rule.repair_after_months) if rule.repair_after_months is not None else None
    return EntryPublicity(rule.severity, listed_on, repairable_from, min(ends) if ends else None)


def read_list_rules(r: RuleReader, raw, path: str = "$.lists") -> dict:
    """The `lists` section: a ListRule per kind."""
    section = r.obj(raw, path, required=("kinds",))
    rules = {}
    for kind, spec in r.mapping(section["kinds"], f"{path}.kinds").items():
        where = f"{path}.kinds.{kind}"
        r.obj(spec, where, required=("negative",), optional=("severity", "repair_after", "max"))
        if spec["negative"] not in (NEGATIVE_ALWAYS, NEGATIVE_WHEN_BROKEN, NEVER_NEGATIVE):
            r.fail(f"{where}.negative", f"expected {NEGATIVE_ALWAYS}, {NEGATIVE_WHEN_BROKEN} or {NEVER_NEGATIVE}")
        rules[kind] = ListRule(
            kind, spec["negative"],
            severity=r.severity(spec["severity"], f"{where}.severity") if spec.get("severity") else None,
            repair_after_months=r.period(spec["repair_after"], f"{where}.repair_after") if "repair_after" in spec
            else None,
            max_months=r.period(spec["max"], f"{where}.max") if spec.get("max") else None,
        )
    return rules
