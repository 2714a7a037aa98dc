"""List entries and commitments: display windows and early removal at their boundaries, from the rule book."""

from datetime import date, timedelta

import pytest

from registry.domain.lists import ListRule, assess_entry, read_list_rules
from registry.domain.rule_data import RuleDataError, RuleReader
from registry.domain.rulebook import RuleBook

D = date.fromisoformat


def window(kind, listed, valid_to=None, removed_on=None):
    return assess_entry(RuleBook.default().lists[kind], listed_on=D(listed), valid_to=valid_to and D(valid_to),
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
    lists = RuleBook.default().lists
    assert lists["dishonesty"].is_negative(None, "未履约") and lists["abnormal"].is_negative(None, "未履约")
    assert not lists["honour"].is_negative(None, "未履约")
    commitment = lists["commitment"]
    assert commitment.is_negative("未履约", "未履约")
    assert not commitment.is_negative("已履约", "未履约") and not commitment.is_negative(None, "未履约")


@pytest.mark.parametrize("section, message", [
    ({"kinds": {"dishonesty": {"negative": "sometimes"}}},
     "$.lists.kinds.dishonesty.negative: expected always, when_broken or never"),
    ({"kinds": {"dishonesty": {"negative": "always", "max": "3 years"}}},
     "$.lists.kinds.dishonesty.max: bad period '3 years'"),
    ({"kinds": {"dishonesty": {"negative": "always", "repair_after": "P1"}}},
     "$.lists.kinds.dishonesty.repair_after: bad period 'P1'"),
    ({"kinds": {"dishonesty": {"negative": "always", "severity": "grave"}}},
     "$.lists.kinds.dishonesty.severity: unknown severity 'grave'"),
    ({"kinds": {"dishonesty": {"negative": "always", "min": "P1Y"}}}, "$.lists.kinds.dishonesty: unknown key 'min'"),
    ({"kinds": {"dishonesty": {}}}, "$.lists.kinds.dishonesty: missing key 'negative'"),
    ({"kinds": []}, "$.lists.kinds: expected an object"),
    ({}, "$.lists: missing key 'kinds'"),
])
def test_malformed_list_rules_name_the_place(section, message):
    with pytest.raises(RuleDataError) as refused:
        read_list_rules(RuleReader("test rules"), section)
    assert str(refused.value).startswith(f"test rules: {message}")


def test_a_list_rule_reads_back_as_written_and_what_it_leaves_out_is_none():
    rules = read_list_rules(RuleReader("test rules"), {"kinds": {
        "pledge": {"negative": "when_broken", "severity": "serious", "repair_after": "P0M", "max": "P3Y"},
        "praise": {"negative": "never"}}})
    assert rules == {"pledge": ListRule("pledge", "when_broken", "serious", 0, 36),
                     "praise": ListRule("praise", "never", None, None, None)}


def test_every_day_of_a_window_is_displayed_and_no_day_after():
    entry = window("dishonesty", "2025-12-31", valid_to="2026-03-01")
    days = [entry.publicity_start + timedelta(days=n) for n in range(70)]
    assert [d for d in days if displayed(entry, d.isoformat())][-1] == D("2026-03-01")
