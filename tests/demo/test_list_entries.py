"""The demo city's list entries and commitments: every kind, valid rows, and the proportions a city reports."""

from collections import Counter
from datetime import date

from registry.demo.generator import generate_entities, load_departments
from registry.demo.lists import generate_list_entries
from registry.records.validation import validate_record

TODAY = date(2026, 11, 27)


def entries(count=5000, seed=20261127):
    departments = [{**d, "domain": d["domain"]} for d in load_departments()]
    return list(generate_list_entries(generate_entities(count, seed), departments, seed, TODAY))


def test_every_row_is_valid_in_the_layout_and_keys_are_unique():
    rows = entries()
    problems = [(row["kind"], errors) for row in rows if (errors := validate_record(row, today=TODAY)[1])]
    assert problems == []
    keys = [(row["source_unit_uscc"], row["decision_no"], row["uscc"]) for row in rows]
    assert len(set(keys)) == len(keys)


def test_the_kinds_come_in_the_proportions_of_a_city():
    rows = entries()
    legal = sum(1 for e in generate_entities(5000, 20261127) if e["party_category"] != "natural_person")
    share = {kind: n / legal for kind, n in Counter(row["kind"] for row in rows).items()}
    assert 0.03 < share["abnormal"] < 0.05 and 0.002 < share["dishonesty"] < 0.007
    assert 0.01 < share["honour"] < 0.02 and 0.05 < share["commitment"] < 0.07
    abnormal = [row for row in rows if row["kind"] == "abnormal"]
    removed = sum(1 for row in abnormal if row.get("removed_on")) / len(abnormal)
    assert 0.2 < removed < 0.45  # removed once the annual report is filed, the address fixed ...
    states = Counter(row["commitment_state"] for row in rows if row["kind"] == "commitment")
    assert 0 < states["未履约"] < states["已履约"] < states["履约中"]


def test_abnormal_operation_entries_come_from_market_supervision():
    by_uscc = {d["uscc"]: d["domain"] for d in load_departments()}
    assert {by_uscc[row["source_unit_uscc"]] for row in entries() if row["kind"] == "abnormal"} == {
        "market_supervision"}


def test_the_same_seed_gives_the_same_entries():
    assert entries(800, 7) == entries(800, 7) != entries(800, 8)
