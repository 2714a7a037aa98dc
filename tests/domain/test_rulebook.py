"""Publicity rule data: the shipped rules load, malformed data is refused naming the place, tracks are data."""

import copy
import json
from datetime import date
from decimal import Decimal

import pytest

from registry.domain.publicity import assess
from registry.domain.rule_data import RuleDataError
from registry.domain.rulebook import DEFAULT_RULES_PATH, RuleBook

D = date


def raw_rules():
    return json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def test_track_can_be_removed_from_a_rule_set():
    data = raw_rules()
    for rule_set in data["rule_sets"]:
        if rule_set["id"] == "gbf-2025-22":
            rule_set["tracks"] = []
    p = assess(
        RuleBook.from_dict(data),
        decision_date=D(2025, 8, 1),
        penalty_types="罚款",
        domain="market_supervision",
        violation_type="未按规定明码标价",
        fine_amount=Decimal("20"),
    )
    assert p.track is None
    assert (p.repairable_from, p.publicity_end) == (D(2025, 11, 1), D(2026, 8, 1))


def test_shipped_rules_load():
    book = RuleBook.load()
    assert [s.id for s in book.rule_sets] == ["legacy", "order-58", "gbf-2025-22"]
    assert RuleBook.default() is RuleBook.default()


def _mutate(change):
    data = raw_rules()
    change(data)
    return data


def _set_window(rule_set_id, severity, window):
    def change(data):
        for rule_set in data["rule_sets"]:
            if rule_set["id"] == rule_set_id:
                rule_set["windows"][severity] = window

    return change


BAD_DATA = {
    "gap between rule sets": (lambda d: d["rule_sets"][2].update(effective_from="2025-06-23"), "day after"),
    "overlapping rule sets": (lambda d: d["rule_sets"][1].update(effective_to="2025-06-22"), "day after"),
    "first rule set not open": (lambda d: d["rule_sets"][0].update(effective_from="2000-01-01"), "must be null"),
    "last rule set not open": (lambda d: d["rule_sets"][2].update(effective_to="2030-12-31"), "must be null"),
    "rule sets out of order": (lambda d: d["rule_sets"].reverse(), "rule_sets"),
    "bad date": (lambda d: d["rule_sets"][1].update(effective_from="2023-13-01"), "YYYY-MM-DD"),
    "bad period": (_set_window("gbf-2025-22", "general", {"min": "P3X", "max": "P1Y"}), "bad period"),
    "min longer than max": (_set_window("gbf-2025-22", "serious", {"min": "P4Y", "max": "P3Y"}), "longer than max"),
    "published without max": (_set_window("gbf-2025-22", "general", {"min": "P3M"}), "max"),
    "zero max": (_set_window("gbf-2025-22", "general", {"min": "P0M", "max": "P0M"}), "longer than zero"),
    "max on unpublished": (
        _set_window("gbf-2025-22", "minor", {"published": False, "min": "P0M", "max": "P3M"}),
        "not allowed",
    ),
    "unknown severity key": (_set_window("gbf-2025-22", "grave", {"min": "P3M", "max": "P1Y"}), "grave"),
    "missing window": (lambda d: d["rule_sets"][2]["windows"].pop("serious"), "no window"),
    "unknown severity value": (
        lambda d: d["severity"]["by_penalty_type"].update({"罚款": "heavy"}),
        "unknown severity",
    ),
    "missing penalty type": (lambda d: d["severity"]["by_penalty_type"].pop("行政拘留"), "行政拘留"),
    "unknown penalty type": (lambda d: d["severity"]["by_penalty_type"].update({"打板子": "minor"}), "打板子"),
    "unknown track": (lambda d: d["rule_sets"][1].update(tracks=["samr-99"]), "samr-99"),
    "misspelt key": (lambda d: d["rule_sets"][1].update(efective_to="2025-06-21"), "efective_to"),
    "duplicate id": (lambda d: d["rule_sets"][2].update(id="order-58"), "duplicate"),
    "schema": (lambda d: d.update(schema=2), "schema"),
    "unknown sector": (lambda d: d["rule_sets"][1].update(special_sectors=["tobacco"]), "tobacco"),
    "bad threshold": (
        lambda d: d["tracks"][0]["small_fine_below_wan"].update(default="five"),
        "small_fine_below_wan",
    ),
    "unknown field": (lambda d: d["non_repairable"].update(fields=["remarks"]), "remarks"),
}


@pytest.mark.parametrize("name", sorted(BAD_DATA))
def test_bad_rule_data_is_rejected(name):
    change, fragment = BAD_DATA[name]
    data = _mutate(change)
    with pytest.raises(RuleDataError) as info:
        RuleBook.from_dict(data)
    assert fragment in str(info.value)


def test_bad_rule_file_is_rejected(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(RuleDataError) as info:
        RuleBook.load(broken)
    assert "broken.json" in str(info.value)

    gap = tmp_path / "gap.json"
    data = raw_rules()
    data["rule_sets"][1]["effective_to"] = "2025-06-20"
    gap.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RuleDataError) as info:
        RuleBook.load(gap)
    assert "gap.json" in str(info.value) and "rule_sets[2]" in str(info.value)


def test_loaded_copy_is_independent_of_the_file():
    data = raw_rules()
    book = RuleBook.from_dict(copy.deepcopy(data))
    data["rule_sets"].clear()
    assert book.rule_set_for(D(2024, 1, 1)).id == "order-58"
