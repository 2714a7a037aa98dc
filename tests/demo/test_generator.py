"""Tests of the demo data generator: determinism, identifiers, layout completeness and spread."""

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from registry.demo.generator import (
    DEFECTS,
    PENALTY_TYPES,
    generate_bad_rows,
    generate_entities,
    generate_records,
    id_check_digit,
    load_departments,
    load_districts,
    load_domains,
)
from registry.domain import uscc
from registry.records.layout import (
    FIELDS_BY_KEY,
    KIND_FIELDS,
    LICENCE,
    LICENCE_CATEGORIES,
    PARTY_CATEGORIES,
    PENALTY,
)

TODAY = date(2026, 11, 27)
FOUR_YEARS_AGO = date(2022, 11, 27)
ROOT = Path(__file__).resolve().parents[2]
SPEC_DOMAINS = (
    "market_supervision",
    "tax",
    "ecology_environment",
    "emergency_management",
    "fire",
    "human_resources",
    "housing_construction",
    "transport",
    "natural_resources",
    "health",
    "medical_insurance",
    "culture_tourism",
    "agriculture",
    "water",
    "statistics",
    "public_resource_trading",
    "court_enforcement",
    "public_security",
    "finance",
    "education",
    "commerce",
    "forestry_grassland",
    "urban_management",
    "drug_regulation",
    "housing_provident_fund",
    "civil_affairs",
    "justice",
    "audit",
    "energy",
    "telecom",
)


@pytest.fixture(scope="module")
def departments():
    return load_departments()


@pytest.fixture(scope="module")
def entities():
    return generate_entities(4000, seed=11)


@pytest.fixture(scope="module")
def records(entities, departments):
    return list(generate_records(entities, departments, 20000, seed=12, today=TODAY))


def valid_id_number(value: str) -> bool:
    return bool(re.fullmatch(r"\d{17}[\dX]", value)) and id_check_digit(value[:17]) == value[17]


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


# --------------------------------------------------------------------------- reference data


def test_departments_file(departments):
    districts, domains = load_districts(), load_domains()["domains"]
    assert len(departments) >= 24
    assert len({d["domain"] for d in departments}) >= 14
    assert len({d["uscc"] for d in departments}) == len({d["code"] for d in departments}) == len(departments)
    for dept in departments:
        assert uscc.validate(dept["uscc"]) == dept["uscc"]
        assert dept["uscc"][:2] == "11"
        assert uscc.division(dept["uscc"]) == dept["district"]
        assert dept["district"] in districts
        assert dept["domain"] in domains
        assert re.fullmatch(r"[a-z]+-[a-z]+", dept["code"])
        assert dept["name"] and dept["abbr"]
    assert {d["district"] for d in departments} == set(districts)  # city, eight counties and the zone


def test_districts_and_domains_files():
    districts = load_districts()
    assert districts["150500"] == "通辽市"
    assert districts["150571"] == "通辽经济技术开发区"
    assert len(districts) == 10
    data = load_domains()
    assert set(SPEC_DOMAINS) <= set(data["domains"])
    special = {k for k, v in data["domains"].items() if v["special_sector"]}
    assert special == {"drug_regulation", "emergency_management", "fire"}


def test_id_check_digit_matches_the_standard_example():
    assert id_check_digit("11010519491231002") == "X"


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_output(departments):
    first = generate_entities(300, seed=5)
    assert first == generate_entities(300, seed=5)
    assert first != generate_entities(300, seed=6)
    rows = list(generate_records(first, departments, 3000, seed=7, today=TODAY))
    assert rows == list(generate_records(first, departments, 3000, seed=7, today=TODAY))
    assert rows != list(generate_records(first, departments, 3000, seed=8, today=TODAY))
    bad = list(generate_bad_rows(rows, 0.2, seed=9))
    assert bad == list(generate_bad_rows(rows, 0.2, seed=9))


def test_output_does_not_depend_on_hash_randomisation():
    script = (
        "import hashlib, json, datetime\n"
        "from registry.demo.generator import *\n"
        "e = generate_entities(500, seed=3)\n"
        "r = list(generate_records(e, load_departments(), 2000, seed=4, today=datetime.date(2026, 11, 27)))\n"
        "b = list(generate_bad_rows(r, 0.1, seed=5))\n"
        "print(hashlib.sha256(json.dumps([e, r, b], ensure_ascii=False).encode()).hexdigest())\n"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


# --------------------------------------------------------------------------- entities


def test_entities_have_valid_unique_codes_and_names(entities):
    districts = load_districts()
    assert entities
    assert len({e["uscc"] for e in entities}) == len(entities)
    names = [e["name"] for e in entities] + [n for e in entities for n in e["former_names"]]
    assert len(set(names)) == len(names)
    for e in entities:
        assert uscc.validate(e["uscc"]) == e["uscc"]
        assert uscc.division(e["uscc"]) == e["district"] in districts
        expected = "individual_business" if e["uscc"][:2] == "92" else "legal_person"
        assert e["party_category"] == expected
        assert re.fullmatch(r"[\u4e00-\u9fffA-Z（）]{6,40}", e["name"])
        assert e["legal_rep_id_type"] == "身份证"
        assert valid_id_number(e["legal_rep_id_no"])
        assert e["legal_rep_id_no"].startswith("1505")
        assert 1955 <= int(e["legal_rep_id_no"][6:10]) <= 2000
        assert 2 <= len(e["legal_rep"]) <= 6
        assert len(e["former_names"]) <= 1


def test_entity_mix(entities):
    prefixes = Counter(e["uscc"][:2] for e in entities)
    n = len(entities)
    assert set(prefixes) == {"91", "92", "93"}
    assert 0.75 < prefixes["91"] / n < 0.85
    assert 0.11 < prefixes["92"] / n < 0.19
    assert 0.02 < prefixes["93"] / n < 0.08
    assert 0.02 < sum(bool(e["former_names"]) for e in entities) / n < 0.08
    assert 0.4 < sum(e["uscc"][8:10] == "MA" for e in entities) / n < 0.95
    assert len({e["district"] for e in entities}) == 10
    coops = [e["name"] for e in entities if e["uscc"][:2] == "93"]
    assert all(name.endswith("专业合作社") for name in coops)


# --------------------------------------------------------------------------- records


def test_every_code_and_id_number_is_valid(records, departments):
    by_uscc = {d["uscc"]: d for d in departments}
    assert records
    for row in records:
        if row["uscc"]:
            assert uscc.validate(row["uscc"]) == row["uscc"]
        assert row["authority_uscc"] == row["source_unit_uscc"] in by_uscc
        assert row["authority"] == row["source_unit"] == by_uscc[row["source_unit_uscc"]]["name"]
        for key in ("legal_rep_id_no", "id_no"):
            if row[key]:
                assert valid_id_number(row[key]), row[key]


def test_required_fields_are_filled_for_each_kind(records):
    assert records
    for row in records:
        kind = row["kind"]
        fields = KIND_FIELDS[kind]
        assert set(row) == {"kind"} | {f.key for f in fields}
        for field in fields:
            value = row[field.key]
            assert isinstance(value, str)
            assert len(value) <= field.max_length
            if kind in field.required:
                assert value.strip(), (kind, field.key)
        assert row["party_category"] in PARTY_CATEGORIES
        if row["party_category"] == "natural_person":
            assert not row["uscc"] and row["id_type"] == "身份证" and row["id_no"]
        else:
            assert row["uscc"] and not row["id_no"]
        if kind == PENALTY:
            types = row["penalty_types"].split(";")
            assert set(types) <= set(PENALTY_TYPES)
            assert types == sorted(types, key=PENALTY_TYPES.index)
        else:
            assert row["license_category"] in LICENCE_CATEGORIES


def test_records_spread_over_domains_departments_and_kinds(records, departments):
    domain_of = {d["uscc"]: d["domain"] for d in departments}
    assert len({domain_of[r["source_unit_uscc"]] for r in records}) >= 12
    assert len({r["source_unit_uscc"] for r in records}) >= 20
    kinds = Counter(r["kind"] for r in records)
    assert 0.70 < kinds[PENALTY] / len(records) < 0.80
    penalties = [r for r in records if r["kind"] == PENALTY]
    natural = sum(r["party_category"] == "natural_person" for r in penalties)
    assert 0.01 < natural / len(penalties) < 0.035
    types = Counter(t for r in penalties for t in r["penalty_types"].split(";"))
    assert types.most_common(1)[0][0] == "罚款"
    assert {"警告", "没收违法所得", "吊销许可证件", "责令停产停业"} <= set(types)


def test_dates_fall_in_the_last_four_years(records):
    years = Counter()
    for row in records:
        decided = date.fromisoformat(row["decision_date"])
        assert FOUR_YEARS_AGO < decided <= TODAY
        years[(TODAY - decided).days // 365] += 1
        if row["kind"] == LICENCE:
            assert row["valid_from"] == row["decision_date"]
            ends = date.fromisoformat(row["valid_to"])
            assert ends in {add_years(decided, 3) - timedelta(days=1), add_years(decided, 5) - timedelta(days=1)}
            assert row["status"] in {"有效", "已注销"} if ends >= TODAY else row["status"] == "已过期"
    assert years[0] > years[1] > years[2] > years[3]  # recent decisions are more frequent


def test_amounts_match_types_and_content(records):
    penalties = [r for r in records if r["kind"] == PENALTY]
    assert penalties
    for row in penalties:
        types = row["penalty_types"].split(";")
        if "罚款" in types:
            fine = Decimal(row["fine_amount"])
            assert fine > 0 and -fine.as_tuple().exponent <= 6
            assert f"罚款人民币{int(fine * 10000)}元" in row["penalty_content"]
        else:
            assert row["fine_amount"] == ""
        if "没收违法所得" in types or "没收非法财物" in types:
            confiscated = Decimal(row["confiscated_amount"])
            assert confiscated > 0 and -confiscated.as_tuple().exponent <= 6
        else:
            assert row["confiscated_amount"] == ""
        if "吊销许可证件" in types:
            assert row["license_affected"]


def test_facts_mention_the_party(records):
    penalties = [r for r in records if r["kind"] == PENALTY]
    assert penalties
    for row in penalties:
        assert 60 <= len(row["facts"]) <= 300, row["facts"]
        assert row["party_name"] in row["facts"]
        assert row["legal_basis"].startswith("《")


def test_natural_keys_are_unique(records):
    keys = [(r["source_unit_uscc"], r["decision_no"], r["uscc"] or r["id_no"]) for r in records]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r".+〔20\d\d〕\d+号", r["decision_no"]) for r in records)


def test_records_per_entity_are_skewed(entities, records):
    counts = Counter(r["uscc"] for r in records if r["uscc"])
    per_entity = [counts.get(e["uscc"], 0) for e in entities]
    assert sum(c <= 3 for c in per_entity) / len(entities) > 0.6
    assert sum(c >= 20 for c in per_entity) >= 10


def test_older_records_of_renamed_entities_use_the_former_name(entities, records):
    former = {e["uscc"]: e["former_names"][0] for e in entities if e["former_names"]}
    current = {e["uscc"]: e["name"] for e in entities}
    names_used = {r["party_name"] for r in records if r["uscc"] in former}
    assert names_used & set(former.values())
    assert names_used & {current[code] for code in former}


def test_departments_outside_the_catalogue_still_get_records(entities):
    extra = {
        "uscc": uscc.make("11", "150502", "MB1234567"),
        "code": "kq-sj",
        "name": "科尔沁区审计局",
        "domain": "audit",
        "district": "150502",
    }
    rows = list(generate_records(entities, [extra], 200, seed=1, today=TODAY))
    assert len(rows) == 200
    assert {r["source_unit"] for r in rows} == {"科尔沁区审计局"}
    assert len({r["decision_no"] for r in rows}) == 200


def test_generate_records_rejects_empty_inputs(entities, departments):
    with pytest.raises(ValueError):
        next(generate_records([], departments, 1, seed=1, today=TODAY))
    with pytest.raises(ValueError):
        next(generate_records(entities, [], 1, seed=1, today=TODAY))


# --------------------------------------------------------------------------- bad rows


def is_defective(row: dict, defect: str) -> bool:
    if defect == "uscc_check":
        try:
            uscc.validate(row["uscc"])
        except uscc.InvalidUSCC as exc:
            return exc.code == "uscc_check"
        return False
    if defect == "missing_required":
        return any(not row[f.key] for f in KIND_FIELDS[row["kind"]] if row["kind"] in f.required)
    if defect == "bad_date":
        try:
            date.fromisoformat(row["decision_date"])
        except ValueError:
            return True
        return False
    if defect == "bad_amount":
        try:
            return Decimal(row["fine_amount"]) < 0
        except InvalidOperation:
            return True
    if defect == "unknown_penalty_type":
        return not set(row["penalty_types"].split(";")) <= set(PENALTY_TYPES)
    if defect == "too_long":
        return any(len(row[k]) > FIELDS_BY_KEY[k].max_length for k in row if k in FIELDS_BY_KEY)
    if defect == "unknown_party_category":
        return row["party_category"] not in PARTY_CATEGORIES and row["party_category"] not in PARTY_CATEGORIES.values()
    raise AssertionError(defect)


def test_rows_pass_the_record_validator_and_bad_rows_fail_it(records):
    from registry.records.validation import validate_record  # the contract `registry demo` relies on

    pairs = list(generate_bad_rows(records[:5000], 0.2, seed=4))
    assert pairs
    for row, defect in pairs:
        clean, errors = validate_record(row, today=TODAY)
        assert bool(errors) == (defect is not None), (defect, errors)


def test_bad_rows_carry_one_realistic_defect_each(records):
    originals = json.dumps(records, ensure_ascii=False)
    pairs = list(generate_bad_rows(records, 0.1, seed=3))
    assert len(pairs) == len(records)
    defects = Counter(defect for _, defect in pairs)
    assert set(defects) == set(DEFECTS) | {None}
    assert 0.08 < (len(records) - defects[None]) / len(records) < 0.12
    for (row, defect), original in zip(pairs, records, strict=True):
        if defect is None:
            assert row == original
        else:
            assert is_defective(row, defect), (defect, row)
            assert set(row) == set(original)
            assert "defect" not in json.dumps(row, ensure_ascii=False)
            if defect in ("bad_amount", "unknown_penalty_type"):
                assert row["kind"] == PENALTY
    assert json.dumps(records, ensure_ascii=False) == originals  # the input rows are not modified
    digest = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).hexdigest()
    assert (
        digest
        == hashlib.sha256(
            json.dumps(list(generate_bad_rows(records, 0.1, seed=3)), ensure_ascii=False).encode()
        ).hexdigest()
    )
