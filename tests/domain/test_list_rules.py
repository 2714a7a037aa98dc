"""List entries and commitments: display windows and early removal at their boundaries, from the rule book."""

from datetime import date, timedelta

import pytest

from registry.domain.lists import assess_entry, read_list_rules
from registry.domain.rule_data import RuleDataError, RuleReader
from registry.domain.rulebook import RuleBook

D = date.fromisoformat
BOOK = RuleBook.default()


def window(kind, listed, valid_to=None, removed_on=None):
    return assess_entry(BOOK.lists[kind], listed_on=D(listed), valid_to=valid_to and D(valid_to),
                        removed_on=removed_on and D(removed_on))


def displayed(entry, day):
    return entry.publicity_start <= D(day) and (entry.publicity_end is None or D(day) < entry.publicity_end)


def test_a_dishonesty_entry_leaves_display_three_years_after_listing_clamped_to_the_month_end():
    entry = window("dishonesty", "2024-02-29")
    assert entry.publicity_end == D("2027-02-28")
    assert displayed(entry, "2027-02-27") and not displayed(entry, "2027-02-28")
    assert not displayed(entry, "2024-02-28") and displayed(entry, "2024-02-29")


def test_early_removal_from_the_dishonesty_list_opens_one_year_after_listing():
    assert window("dishonesty", "2024-02-29").repairable_from == D("2025-02-28")
    assert window("dishonesty", "2025-06-30").repairable_from == D("2026-06-30")


def test_an_abnormal_operations_entry_stays_until_removed_and_may_be_removed_at_once():
    entry = window("abnormal", "2020-05-06")
    assert (entry.publicity_end, entry.repairable_from, entry.severity) == (None, D("2020-05-06"), "general")
    assert displayed(entry, "2035-01-01")


@pytest.mark.parametrize("kind", ["dishonesty", "abnormal", "honour"])
def test_a_removal_takes_the_entry_off_display_on_its_removal_date(kind):
    entry = window(kind, "2025-03-10", removed_on="2026-01-05")
    assert displayed(entry, "2026-01-04") and not displayed(entry, "2026-01-05")


@pytest.mark.parametrize("kind", ["dishonesty", "honour", "commitment"])
def test_the_planned_end_is_the_last_day_displayed(kind):
    entry = window(kind, "2025-03-10", valid_to="2026-06-30")
    assert displayed(entry, "2026-06-30") and not displayed(entry, "2026-07-01")


def test_the_first_of_removal_planned_end_and_maximum_ends_display():
    assert window("dishonesty", "2025-03-10", valid_to="2030-01-01").publicity_end == D("2028-03-10")
    assert window("dishonesty", "2025-03-10", valid_to="2026-01-01", removed_on="2025-12-01"
                  ).publicity_end == D("2025-12-01")


def test_honours_and_commitments_are_not_repaired_and_only_broken_commitments_count_against():
    assert window("honour", "2025-03-10").repairable_from is None
    assert window("commitment", "2025-03-10").repairable_from is None
    assert BOOK.lists["dishonesty"].is_negative(None, "未履约") and BOOK.lists["abnormal"].is_negative(None, "未履约")
    assert not BOOK.lists["honour"].is_negative(None, "未履约")
    commitment = BOOK.lists["commitment"]
    assert commitment.is_negative("未履约", "未履约")
    assert not commitment.is_negative("已履约", "未履约") and not commitment.is_negative(None, "未履约")


@pytest.mark.parametrize("section, message", [
    ({"kinds": {"dishonesty": {"negative": "sometimes"}}}, "negative"),
    ({"kinds": {"dishonesty": {"negative": "always", "max": "3 years"}}}, "period"),
    ({"kinds": {"dishonesty": {"negative": "always", "min": "P1Y"}}}, "unknown key"),
    ({}, "missing key"),
])
def test_malformed_list_rules_name_the_place(section, message):
    with pytest.raises(RuleDataError, match=message):
        read_list_rules(RuleReader("test rules"), section)


def test_every_day_of_a_window_is_displayed_and_no_day_after():
    entry = window("dishonesty", "2025-12-31", valid_to="2026-03-01")
    days = [entry.publicity_start + timedelta(days=n) for n in range(70)]
    assert [d for d in days if displayed(entry, d.isoformat())][-1] == D("2026-03-01")
