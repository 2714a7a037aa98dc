"""The publicity and repair rules stated once, here, as the law reads (SPEC §3-§5), and checked
cell by cell: every default severity, every rule set × severity × special sector × party category
window on the day before, the day of and the day after each boundary, the market supervision track
(its small-fine thresholds per party category, and a track's end date), and the value limits.

Dates are worked out with a helper of this module (decision days are the 15th, so adding months
never needs clamping); the rule code's own period arithmetic is not used to make an expectation.
"""

import copy
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from registry.domain.masking import mask_id, mask_person_name
from registry.domain.publicity import assess, default_severity, is_displayed, min_period_passed
from registry.domain.rulebook import DEFAULT_RULES_PATH, RuleBook
from registry.domain.values import parse_amount, parse_date
from registry.records.validation import validate_record
from tests import factories

DAY = timedelta(days=1)

# Administrative Penalty Law art. 9: the default severity of each penalty type.
DEFAULT_SEVERITIES = {
    "警告": "minor", "通报批评": "minor",
    "罚款": "general", "没收违法所得": "general", "没收非法财物": "general", "其他": "general",
    "暂扣许可证件": "serious", "降低资质等级": "serious", "吊销许可证件": "serious", "限制开展生产经营活动": "serious",
    "责令停产停业": "serious", "责令关闭": "serious", "限制从业": "serious", "行政拘留": "serious",
}

# The windows in months, {min, max}; max None: not published. Keyed by rule set, then severity; a
# rule set that lengthens the minimum in special sectors says so in SPECIAL_MIN.
WINDOWS = {
    "legacy": {"minor": (3, 12), "general": (3, 12), "serious": (6, 36)},  # notice 527 (2019)
    "order-58": {"minor": (3, 36), "general": (3, 36), "serious": (3, 36)},  # NDRC Order 58 (2023)
    "gbf-2025-22": {"minor": (0, None), "general": (3, 12), "serious": (12, 36)},  # State Council plan (2025)
}
SPECIAL_MIN = {"order-58": 12}
DECIDED = {"legacy": date(2022, 3, 15), "order-58": date(2024, 3, 15), "gbf-2025-22": date(2025, 8, 15)}
# Domains and the special sector their department puts a record in (tax: none).
SECTOR_DOMAINS = {"tax": None, "fire": "fire", "emergency_management": "safety_production", "drug_regulation": "drugs"}
PARTY_CATEGORIES = ("法人及非法人组织", "自然人", "个体工商户")

# Market supervision's own track (SAMR Order 45), in force from 2021-09-01 under every rule set.
SMALL_FINE_BELOW_WAN = {"法人及非法人组织": Decimal("5"), "个体工商户": Decimal("0.5"), "自然人": Decimal("0.5"),
                        None: Decimal("5")}


def months_after(day: date, months: int) -> date:
    """`day` (the 15th) plus whole months."""
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1)


@pytest.fixture(scope="module")
def book():
    return RuleBook.load()


def assessed(book, day, types="罚款", domain="tax", **kwargs):
    kwargs.setdefault("violation_type", "未按规定申报纳税")
    return assess(book, decision_date=day, penalty_types=types, domain=domain, **kwargs)


def assert_repair_opens_on(result, first_day: date) -> None:
    assert result.repairable_from == first_day
    assert [min_period_passed(result, day) for day in (first_day - DAY, first_day, first_day + DAY)] == [
        False, True, True]


def assert_shown_from_to(result, decided: date, end: date) -> None:
    """Shown from the decision day; display stops ON `end` (the day before is the last one shown)."""
    assert (result.published, result.publicity_start, result.publicity_end) == (True, decided, end)
    days = (decided - DAY, decided, end - DAY, end, end + DAY)
    assert [is_displayed(result, day) for day in days] == [False, True, True, False, False]


def assert_not_shown(result, decided: date) -> None:
    assert (result.published, result.publicity_start, result.publicity_end) == (False, None, None)
    assert not any(is_displayed(result, decided + DAY * n) for n in (-1, 0, 1, 400))


# --------------------------------------------------------------------------- severities


@pytest.mark.parametrize("penalty_type, severity", sorted(DEFAULT_SEVERITIES.items()))
def test_each_penalty_type_has_its_default_severity(book, penalty_type, severity):
    result = assessed(book, DECIDED["gbf-2025-22"], penalty_type)
    assert (result.severity, result.reasons[0]) == (severity, "default_severity")


def test_a_given_rule_book_decides_the_default_severity():
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["severity"]["by_penalty_type"]["罚款"] = "serious"
    assert default_severity("罚款") == "general"
    assert default_severity("罚款", rulebook=RuleBook.from_dict(data)) == "serious"


def test_the_table_names_every_penalty_type(book):
    assert set(book.severity_by_type) == set(DEFAULT_SEVERITIES)


# --------------------------------------------------------------------------- windows


CELLS = [(rule_set, severity, domain, category)
         for rule_set, windows in WINDOWS.items() for severity in windows
         for domain in SECTOR_DOMAINS for category in PARTY_CATEGORIES]


@pytest.mark.parametrize("rule_set, severity, domain, category", CELLS)
def test_each_rule_set_severity_sector_and_party_category_has_its_window(book, rule_set, severity, domain, category):
    decided = DECIDED[rule_set]
    result = assessed(book, decided, domain=domain, explicit_severity=severity,
                      party_category=category)
    low, high = WINDOWS[rule_set][severity]
    if SECTOR_DOMAINS[domain] is not None:
        low = SPECIAL_MIN.get(rule_set, low)
    assert (result.rule_set, result.severity, result.sector) == (rule_set, severity, SECTOR_DOMAINS[domain])
    assert result.reasons[0] == "explicit_severity"
    assert ("special_sector" in result.reasons) is (SECTOR_DOMAINS[domain] is not None)
    assert_repair_opens_on(result, months_after(decided, low))
    if high is None:
        assert_not_shown(result, decided)
    else:
        assert_shown_from_to(result, decided, months_after(decided, high))


# --------------------------------------------------------------------------- market supervision track


@pytest.mark.parametrize("rule_set", sorted(DECIDED))
@pytest.mark.parametrize("types, facts, months", [
    ("警告", "", None),  # warning only: not published, repairable at once
    ("通报批评", "", (3, 3)),
    ("警告;通报批评", "", (3, 3)),
    ("吊销许可证件", "", (6, 36)),
    ("吊销许可证件", "销售过期食品", (12, 36)),  # food: a special sector found from the facts
    ("没收违法所得;罚款", "", (6, 36)),
])
def test_the_market_supervision_track_replaces_each_rule_sets_window(book, rule_set, types, facts, months):
    decided = DECIDED[rule_set]
    result = assessed(book, decided, types, domain="market_supervision", violation_type="违法行为", facts=facts,
                      fine_amount="100")
    assert result.track == "samr-45"
    if months is None:
        assert_repair_opens_on(result, decided)
        assert_not_shown(result, decided)
        return
    assert_repair_opens_on(result, months_after(decided, months[0]))
    assert_shown_from_to(result, decided, months_after(decided, months[1]))


@pytest.mark.parametrize("category, limit", SMALL_FINE_BELOW_WAN.items())
def test_a_fine_is_small_strictly_below_its_party_categorys_threshold(book, category, limit):
    decided = DECIDED["gbf-2025-22"]

    def window(amount):
        result = assessed(book, decided, "警告;罚款", domain="market_supervision", violation_type="违法行为",
                          fine_amount=str(amount), party_category=category)
        return result.publicity_end

    short, long = months_after(decided, 3), months_after(decided, 36)
    assert [window(limit - Decimal("0.0001")), window(limit), window(limit + 1)] == [short, long, long]


@pytest.mark.parametrize("amount, end_months", [("4.9999", 3), ("1,000", 36), ("NaN", 36), ("Infinity", 36)])
def test_a_fine_written_with_separators_or_as_no_number_is_read_as_a_department_means_it(book, amount, end_months):
    """1,000 (万元) is a thousand; a fine that is no finite number is not small."""
    decided = DECIDED["gbf-2025-22"]
    result = assessed(book, decided, "罚款", domain="market_supervision", violation_type="违法行为",
                      fine_amount=amount, party_category="法人及非法人组织")
    assert result.publicity_end == months_after(decided, end_months)


def test_a_fine_amount_that_is_not_a_number_is_refused_naming_it(book):
    with pytest.raises(ValueError, match="fine_amount '五千' is not a number"):
        assessed(book, DECIDED["gbf-2025-22"], "罚款", domain="market_supervision", violation_type="违法行为",
                 fine_amount="五千")


def test_a_track_applies_through_its_last_day_and_not_after(tmp_path):
    """A synthetic end date for the track (none is set in the shipped rules)."""
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    ended = copy.deepcopy(data)
    ended["tracks"][0]["effective_to"] = "2024-06-30"
    book = RuleBook.from_dict(ended)

    def track_on(day):
        return assessed(book, day, "通报批评", domain="market_supervision", violation_type="违法行为").track

    assert [track_on(date(2024, 6, 29)), track_on(date(2024, 6, 30)), track_on(date(2024, 7, 1))] == [
        "samr-45", "samr-45", None]
    after = assessed(book, date(2024, 7, 1), "通报批评", domain="market_supervision", violation_type="违法行为")
    assert_shown_from_to(after, date(2024, 7, 1), date(2027, 7, 1))  # Order 58's own window: 3 years


def test_the_track_starts_on_its_first_day(book):
    def track_on(day):
        return assessed(book, day, "通报批评", domain="market_supervision", violation_type="违法行为").track

    assert [track_on(date(2021, 8, 31)), track_on(date(2021, 9, 1))] == [None, "samr-45"]


def test_a_rule_book_that_searches_the_facts_finds_a_non_repairable_violation_there(book):
    """The shipped rules search the violation type only; a rule book may name the facts too."""
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["non_repairable"]["fields"] = ["violation_type", "facts"]
    decided = DECIDED["gbf-2025-22"]
    facts = "当事人以虚假材料骗取财政补贴"
    assert assessed(RuleBook.from_dict(data), decided, facts=facts).repairable_from is None
    assert assessed(book, decided, facts=facts).repairable_from == months_after(decided, 3)


# --------------------------------------------------------------------------- 29 February and month ends


@pytest.mark.parametrize("decided, repairable_from, end", [
    (date(2024, 2, 29), date(2024, 5, 29), date(2027, 2, 28)),  # order-58: 3 months, 3 years from a leap day
    (date(2023, 11, 30), date(2024, 2, 29), date(2026, 11, 30)),  # three months on: February of a leap year
    (date(2025, 8, 31), date(2025, 11, 30), date(2026, 8, 31)),  # gbf-2025-22, general: into a 30-day month
    (date(2022, 11, 30), date(2023, 2, 28), date(2023, 11, 30)),  # legacy, general: into a common February
])
def test_a_window_from_a_month_end_clamps_to_the_shorter_month(book, decided, repairable_from, end):
    result = assessed(book, decided)
    assert_repair_opens_on(result, repairable_from)
    assert_shown_from_to(result, decided, end)


def test_a_decision_dated_today_is_accepted_and_tomorrow_refused():
    department = {"name": "通辽市税务局", "uscc": "11150500011620002E"}
    today = date(2026, 3, 10)

    def codes(day):
        _, errors = validate_record(factories.penalty(department, decision_date=day.isoformat()), today=today)
        return [error.code for error in errors]

    assert codes(today) == []
    assert codes(today + DAY) == ["date_in_future"]


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("serial, day", [(32874, date(1990, 1, 1)), (73050, date(2099, 12, 31))])
def test_excel_serials_are_read_from_1990_to_2099(serial, day):
    assert parse_date(serial) == day
    assert parse_date(str(serial)) == day


@pytest.mark.parametrize("serial", [32873, 73051])
def test_a_number_just_outside_the_serial_range_is_no_date(serial):
    with pytest.raises(ValueError):
        parse_date(serial)


@pytest.mark.parametrize("text, ok", [("999999999999.999999", True), ("1000000000000", False),
                                      ("0.000001", True), ("0.0000001", False), ("-1", False)])
def test_amounts_have_at_most_twelve_integer_digits_and_six_decimals(text, ok):
    if ok:
        assert parse_amount(text) == Decimal(text)
    else:
        with pytest.raises(ValueError):
            parse_amount(text)


@pytest.mark.parametrize("number, masked", [("", ""), ("1234567", "*******"), ("12345678", "123*5678"),
                                            ("150502198003151234", "150***********1234")])
def test_an_id_number_keeps_its_first_three_and_last_four_characters_only_when_longer_than_seven(number, masked):
    assert mask_id(number) == masked


@pytest.mark.parametrize("name, masked", [(None, None), ("", ""), ("张", "张"), ("张三", "张*"), ("欧阳娜娜", "欧***")])
def test_a_persons_name_keeps_its_first_character_only(name, masked):
    assert mask_person_name(name) == masked
