"""Publicity periods, severity and earliest repair dates of administrative penalties (SPEC §3-§5).

The rules are data (``rules/publicity.json``, read by rulebook.RuleBook), selected by the decision
date; this module assesses one record at a time. It is called for every imported row, so everything
that can be looked up is precomputed when the rule book is loaded.

Conventions (the same everywhere in the platform):

* Periods are whole calendar months or years added to the decision date. When the target month
  is shorter, the day is clamped to its last day: 2024-02-29 + 1 year = 2025-02-28,
  2023-11-30 + 3 months = 2024-02-29, 2024-01-31 + 1 month = 2024-02-29.
* The publicity window is half-open: ``publicity_start`` is the decision date and the record is
  displayed on every day ``d`` with ``publicity_start <= d < publicity_end``, where
  ``publicity_end = decision_date + max``. Publication stops ON ``publicity_end``; the last day on
  display is the day before (``Publicity.publicity_last_day``).
* ``repairable_from = decision_date + min`` is the first day on which a repair application may be
  filed (the minimum period has then run in full, in the same half-open sense).
* A record that is not published (``published`` is False) has no window; its ``repairable_from``
  still tells when the record could be repaired (for the special credit report, which lists
  unpublished penalties too). A record that cannot be repaired has ``repairable_from`` None.
* A decision with several penalty types takes the most severe severity among its types; with the
  default table that is the severity of its heaviest type. ``其他`` ranks below every named type
  when looking for the heaviest, since "other" says nothing about weight.
* An explicit severity sent by the department wins over the defaults and department overrides.
* A domain track (market supervision) replaces the date-selected rule set's window for records of
  its domains decided while it is in force; the severity is still computed and reported.
"""

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from .penalty_types import FINE, parse_types, parse_types_text
from .periods import add_months_cached, as_date
from .rule_data import Track, Window
from .rulebook import RuleBook
from .severity import PARTY_CATEGORY_ALIASES, normalise_severity
from .text import fold_width


def default_severity(types, overrides: Mapping | None = None, *, rulebook: RuleBook | None = None) -> str:
    """Severity of a decision from its penalty types.

    `overrides` maps penalty types to severities (a department's own table); other types use the
    rule book's defaults (the shipped rule book unless one is given).
    """
    book = rulebook if rulebook is not None else RuleBook.default()
    return book.severity_of(parse_types(types), overrides)


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Publicity:
    """The outcome of assessing one penalty record (see the module docstring for conventions)."""

    severity: str
    rule_set: str
    special_sector: bool
    published: bool
    publicity_start: date | None
    repairable_from: date | None
    publicity_end: date | None
    repairable: bool
    reasons: tuple = ()
    sector: str | None = None  # food, drugs, special_equipment, safety_production, fire
    track: str | None = None  # id of the domain track that chose the window, if any

    @property
    def publicity_last_day(self) -> date | None:
        """The last day on display (the day before publicity_end)."""
        return None if self.publicity_end is None else self.publicity_end - timedelta(days=1)


def is_displayed(publicity: Publicity, on: date) -> bool:
    """Whether the rules put the record on public display on day `on` (start <= on < end).

    Repair, withdrawal and objections are states of the record, not rules; callers apply them.
    """
    if not publicity.published:
        return False
    return publicity.publicity_start <= on < publicity.publicity_end


def min_period_passed(publicity: Publicity, on: date) -> bool:
    """Whether a repair application may be filed on day `on` as far as the rules go.

    True from `repairable_from` on, for repairable records; whether the obligations are
    performed, and the one-application and lock-out rules, are checked by the repair workflow.
    """
    return publicity.repairable and publicity.repairable_from <= on


def _track_window(track: Track, types: tuple, fine_amount, party_category, sector, reasons: list) -> Window:
    if track.not_published_if_only.issuperset(types):
        return track.not_published
    if track.short_if_only.issuperset(types):
        if FINE not in types:
            return track.short
        amount = _amount(fine_amount)
        if amount is None:
            reasons.append("fine_amount_unknown")
        else:
            category = PARTY_CATEGORY_ALIASES.get(party_category)
            limit = track.small_fine_below.get(category, track.small_fine_below["default"])
            if amount < limit:
                return track.short
    return track.long_special if sector in track.special_sectors else track.long


def _amount(value) -> Decimal | float | None:
    """A fine amount in 万元 for comparison, or None when not given."""
    if value is None:
        return None
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return value
    text = fold_width(str(value)).strip().replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"fine_amount {value!r} is not a number") from None
    return amount if amount.is_finite() else None


_new_publicity = object.__new__


def assess(
    rulebook: RuleBook,
    *,
    decision_date: date,
    penalty_types,
    domain: str,
    violation_type: str,
    facts: str = "",
    explicit_severity: str | None = None,
    fine_amount=None,
    department_overrides: Mapping | None = None,
    party_category: str | None = None,
) -> Publicity:
    """Assess one penalty record: severity, rule set, publicity window and repair date.

    `penalty_types` is text or a list (see parse_penalty_types); `fine_amount` is in 万元
    (Decimal, number or string); `department_overrides` maps penalty types to severities;
    `explicit_severity` (minor / general / serious or 轻微 / 一般 / 严重) wins when given;
    `party_category` (legal_person / natural_person / individual_business or the Chinese labels)
    chooses the market supervision track's small-fine threshold (unknown: the `default` one).
    Raises InvalidPenaltyType or InvalidSeverity for unreadable input.
    """
    day = decision_date if type(decision_date) is date else as_date(decision_date)
    types = parse_types_text(penalty_types) if type(penalty_types) is str else parse_types(penalty_types)
    rule_set = rulebook.rule_sets[bisect.bisect_right(rulebook._starts, day.toordinal())]

    if explicit_severity and (type(explicit_severity) is not str or explicit_severity.strip()):
        severity = normalise_severity(explicit_severity)
        reasons = ["explicit_severity"]
    else:
        severity = rulebook.severity_of(types, department_overrides)
        reasons = ["department_severity" if department_overrides else "default_severity"]

    sector = rulebook.sector_by_domain.get(domain)
    if sector is None and domain in rulebook.keyword_domains:
        sector = rulebook.sector_of(domain, violation_type, facts)
    if sector is not None:
        reasons.append("special_sector")

    window = track_id = None
    for track in rulebook._domain_tracks[rule_set.id].get(domain, ()):
        if track.in_force(day):
            reasons.append(track.reason)
            window = _track_window(track, types, fine_amount, party_category, sector, reasons)
            track_id = track.id
            break
    if window is None:
        window = rule_set.windows[severity, sector in rule_set.special_sectors]
    if window.reason is not None:
        reasons.append(window.reason)

    blocked = rulebook.non_repairable_match(violation_type, facts)
    if blocked is not None:
        reasons.append("non_repairable_keyword")

    # Built without the generated __init__ (one frozen setattr per field): this is the hot path.
    result = _new_publicity(Publicity)
    result.__dict__.update(
        severity=severity,
        rule_set=rule_set.id,
        special_sector=sector is not None,
        published=window.published,
        publicity_start=day if window.published else None,
        repairable_from=None if blocked is not None else add_months_cached(day, window.min_months),
        publicity_end=add_months_cached(day, window.max_months) if window.published else None,
        repairable=blocked is None,
        reasons=tuple(reasons),
        sector=sector,
        track=track_id,
    )
    return result
