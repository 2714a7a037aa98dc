"""Publicity rules (SPEC §3-§5): rule-set boundaries, windows, severity, special sectors, the market
supervision track and what an assessment accepts; penalty types, periods and rule data have modules of their own.

Expected dates are worked out by hand from the rules: a window {min, max} starts on the decision
date, repair opens on decision + min, and display stops ON decision + max (start <= d < end);
months are added with clamping to the month end.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.penalty_types import PENALTY_TYPES, InvalidPenaltyType
from registry.domain.publicity import assess, default_severity, is_displayed, min_period_passed
from registry.domain.rulebook import RuleBook
from registry.domain.severity import InvalidSeverity

D = date


@pytest.fixture(scope="module")
def book():
    return RuleBook.load()


def run(book, day, types="罚款", domain="tax", violation_type="未按规定申报纳税", **kw):
    return assess(book, decision_date=day, penalty_types=types, domain=domain, violation_type=violation_type, **kw)


# --------------------------------------------------------------------------- rule-set boundaries


@pytest.mark.parametrize(
    "day, rule_set",
    [
        (D(1999, 1, 1), "legacy"),
        (D(2023, 4, 30), "legacy"),
        (D(2023, 5, 1), "order-58"),
        (D(2025, 6, 21), "order-58"),
        (D(2025, 6, 22), "gbf-2025-22"),
        (D(2030, 1, 1), "gbf-2025-22"),
    ],
)
def test_rule_set_for(book, day, rule_set):
    assert book.rule_set_for(day).id == rule_set


def test_last_day_of_order_58(book):
    # order-58, general fine: min 3 months, max 3 years.
    p = run(book, D(2025, 6, 21))
    assert (p.rule_set, p.severity, p.published) == ("order-58", "general", True)
    assert p.publicity_start == D(2025, 6, 21)
    assert p.repairable_from == D(2025, 9, 21)
    assert p.publicity_end == D(2028, 6, 21)


def test_first_day_of_gbf_2025_22(book):
    # gbf-2025-22, general: min 3 months, max 1 year.
    p = run(book, D(2025, 6, 22))
    assert (p.rule_set, p.severity) == ("gbf-2025-22", "general")
    assert p.repairable_from == D(2025, 9, 22)
    assert p.publicity_end == D(2026, 6, 22)


def test_last_day_of_legacy(book):
    # legacy (notice 527), general: min 3 months, max 1 year.
    p = run(book, D(2023, 4, 30))
    assert p.rule_set == "legacy"
    assert p.repairable_from == D(2023, 7, 30)
    assert p.publicity_end == D(2024, 4, 30)


def test_legacy_serious(book):
    # legacy, serious: min 6 months, max 3 years.
    p = run(book, D(2022, 8, 31), types="吊销许可证件")
    assert (p.rule_set, p.severity) == ("legacy", "serious")
    assert p.repairable_from == D(2023, 2, 28)
    assert p.publicity_end == D(2025, 8, 31)


def test_first_day_of_order_58(book):
    p = run(book, D(2023, 5, 1))
    assert p.rule_set == "order-58"
    assert p.repairable_from == D(2023, 8, 1)
    assert p.publicity_end == D(2026, 5, 1)


def test_order_58_ignores_severity(book):
    # Under order-58 even a serious penalty has the flat 3 months / 3 years window.
    p = run(book, D(2024, 7, 9), types="责令停产停业")
    assert p.severity == "serious"
    assert (p.repairable_from, p.publicity_end) == (D(2024, 10, 9), D(2027, 7, 9))


def test_gbf_serious(book):
    p = run(book, D(2025, 8, 10), types="限制从业")
    assert p.severity == "serious"
    assert (p.repairable_from, p.publicity_end) == (D(2026, 8, 10), D(2028, 8, 10))


# --------------------------------------------------------------------------- display and repair days


def test_display_days_are_half_open(book):
    p = run(book, D(2025, 6, 21))  # displayed 2025-06-21 .. 2028-06-20
    assert not is_displayed(p, D(2025, 6, 20))
    assert is_displayed(p, D(2025, 6, 21))
    assert is_displayed(p, D(2028, 6, 20))
    assert not is_displayed(p, D(2028, 6, 21))
    assert p.publicity_last_day == D(2028, 6, 20)


def test_repair_opens_on_repairable_from(book):
    p = run(book, D(2025, 6, 22))  # gbf general: repair from 2025-09-22
    assert not min_period_passed(p, D(2025, 9, 21))
    assert min_period_passed(p, D(2025, 9, 22))
    assert min_period_passed(p, D(2026, 1, 1))


# --------------------------------------------------------------------------- leap days


def test_leap_day_decision_plus_one_year(book):
    # fire is a special sector: under order-58 min 1 year, max 3 years.
    p = run(book, D(2024, 2, 29), domain="fire", violation_type="消防设施未保持完好有效")
    assert p.special_sector and p.sector == "fire"
    assert p.repairable_from == D(2025, 2, 28)
    assert p.publicity_end == D(2027, 2, 28)
    assert not min_period_passed(p, D(2025, 2, 27))
    assert min_period_passed(p, D(2025, 2, 28))
    assert is_displayed(p, D(2027, 2, 27)) and not is_displayed(p, D(2027, 2, 28))


def test_three_months_from_november_30th(book):
    p = run(book, D(2023, 11, 30))  # order-58 general
    assert p.repairable_from == D(2024, 2, 29)
    assert p.publicity_end == D(2026, 11, 30)


def test_three_months_from_november_30th_into_a_common_year(book):
    p = run(book, D(2025, 11, 30))  # gbf general: 3 months, 1 year
    assert p.repairable_from == D(2026, 2, 28)
    assert p.publicity_end == D(2026, 11, 30)


# --------------------------------------------------------------------------- special sectors


@pytest.mark.parametrize(
    "domain, sector",
    [("drug_regulation", "drugs"), ("emergency_management", "safety_production"), ("fire", "fire")],
)
def test_special_sector_domains_have_a_one_year_minimum_under_order_58(book, domain, sector):
    p = run(book, D(2024, 5, 20), domain=domain, violation_type="违反规定")
    assert (p.special_sector, p.sector) == (True, sector)
    assert p.repairable_from == D(2025, 5, 20)
    assert p.publicity_end == D(2027, 5, 20)
    assert "special_sector_minimum" in p.reasons


def test_ordinary_domain_mentioning_food_is_not_special(book):
    # Only market supervision is classified by keywords; a health department's record is not.
    p = run(book, D(2024, 5, 20), domain="health", violation_type="食品从业人员未取得健康证明")
    assert not p.special_sector
    assert p.repairable_from == D(2024, 8, 20)


@pytest.mark.parametrize(
    "violation_type, facts, sector",
    [
        ("经营超过保质期的食品", "", "food"),
        ("违反产品质量法", "当事人销售的药品标签不合格", "drugs"),
        ("经营未经注册的第二类医疗器械", "", "drugs"),
        ("使用未经定期检验的特种设备", "", "special_equipment"),
        ("违反计量法", "当事人使用的压力容器安全阀未校验", "special_equipment"),
    ],
)
def test_market_supervision_special_sector_from_keywords(book, violation_type, facts, sector):
    p = run(
        book,
        D(2024, 5, 20),
        domain="market_supervision",
        violation_type=violation_type,
        facts=facts,
        fine_amount=Decimal("10"),
    )
    assert (p.special_sector, p.sector) == (True, sector)
    # market supervision track, long window: repair after 1 year in these sectors, 3 years on display
    assert p.repairable_from == D(2025, 5, 20)
    assert p.publicity_end == D(2027, 5, 20)


def test_market_supervision_without_keywords_is_not_special(book):
    p = run(
        book,
        D(2024, 5, 20),
        domain="market_supervision",
        violation_type="未按规定明码标价",
        facts="当事人在电梯间发布广告",
        fine_amount=Decimal("10"),
    )
    assert not p.special_sector and p.sector is None
    assert p.repairable_from == D(2024, 11, 20)  # 6 months on the track


def test_gbf_does_not_lengthen_special_sectors(book):
    # gbf-2025-22 chooses by severity only: a general penalty in fire keeps 3 months / 1 year.
    p = run(book, D(2025, 9, 1), domain="fire", violation_type="占用疏散通道")
    assert p.special_sector
    assert (p.repairable_from, p.publicity_end) == (D(2025, 12, 1), D(2026, 9, 1))


# --------------------------------------------------------------------------- minor, explicit severity


def test_minor_is_not_published_under_gbf(book):
    p = run(book, D(2025, 7, 1), types="警告")
    assert p.severity == "minor"
    assert not p.published
    assert p.publicity_start is None and p.publicity_end is None and p.publicity_last_day is None
    assert p.repairable_from == D(2025, 7, 1)  # repairable once the obligation is performed
    assert not is_displayed(p, D(2025, 7, 1))
    assert "minor_not_published" in p.reasons


def test_notice_of_criticism_is_minor_too(book):
    p = run(book, D(2025, 7, 1), types="通报批评")
    assert (p.severity, p.published) == ("minor", False)


def test_warning_is_published_under_order_58(book):
    p = run(book, D(2024, 1, 15), types="警告")
    assert (p.severity, p.published) == ("minor", True)
    assert (p.repairable_from, p.publicity_end) == (D(2024, 4, 15), D(2027, 1, 15))


def test_explicit_severity_wins(book):
    # a fine is general by default; the department says serious: gbf serious is 1 year / 3 years
    p = run(book, D(2025, 8, 10), types="罚款", explicit_severity="serious")
    assert p.severity == "serious"
    assert (p.repairable_from, p.publicity_end) == (D(2026, 8, 10), D(2028, 8, 10))
    assert "explicit_severity" in p.reasons


def test_explicit_chinese_severity_wins_downwards(book):
    p = run(book, D(2025, 8, 10), types="吊销许可证件", explicit_severity="轻微")
    assert (p.severity, p.published) == ("minor", False)


def test_explicit_severity_beats_department_overrides(book):
    p = run(book, D(2025, 8, 10), types="罚款", explicit_severity="一般", department_overrides={"罚款": "serious"})
    assert p.severity == "general"
    assert p.publicity_end == D(2026, 8, 10)


def test_department_overrides(book):
    p = run(book, D(2025, 8, 10), types="罚款", department_overrides={"罚款": "serious"})
    assert p.severity == "serious"
    assert p.publicity_end == D(2028, 8, 10)
    assert "department_severity" in p.reasons


def test_blank_explicit_severity_is_ignored(book):
    assert run(book, D(2025, 8, 10), explicit_severity="  ").severity == "general"
    assert run(book, D(2025, 8, 10), explicit_severity=None).severity == "general"


def test_unknown_explicit_severity(book):
    with pytest.raises(InvalidSeverity) as info:
        run(book, D(2025, 8, 10), explicit_severity="很严重")
    assert info.value.code == "severity_unknown"
    assert "很严重" in info.value.message_zh


# --------------------------------------------------------------------------- several types


def test_decision_counts_as_its_heaviest_type(book):
    p = run(book, D(2025, 7, 1), types="警告、吊销营业执照")
    assert p.severity == "serious"
    assert (p.repairable_from, p.publicity_end) == (D(2026, 7, 1), D(2028, 7, 1))


def test_default_severity():
    assert default_severity(["警告", "通报批评"]) == "minor"
    assert default_severity(["警告", "罚款"]) == "general"
    assert default_severity(["罚款", "没收非法财物", "暂扣许可证件"]) == "serious"
    assert default_severity(["其他"]) == "general"
    assert default_severity(["警告", "其他"]) == "general"
    # with overrides the most severe type's severity wins even if it is not the heaviest type
    assert default_severity(["罚款", "没收违法所得"], {"罚款": "serious"}) == "serious"
    assert default_severity(["警告"], {"警告": "一般"}) == "general"


# --------------------------------------------------------------------------- market supervision track


def ms(book, day, types, fine=None, **kw):
    kw.setdefault("violation_type", "未按规定明码标价")
    return run(book, day, types=types, domain="market_supervision", fine_amount=fine, **kw)


def test_market_supervision_warning_only_is_not_published_even_under_order_58(book):
    p = ms(book, D(2024, 3, 10), "警告")
    assert p.track == "samr-45"
    assert not p.published
    assert "market_supervision_track" in p.reasons and "warning_only" in p.reasons


def test_market_supervision_criticism_three_months(book):
    p = ms(book, D(2024, 3, 10), "通报批评")
    assert p.published
    assert p.publicity_end == D(2024, 6, 10)
    assert p.repairable_from == D(2024, 6, 10)  # the display ends by itself
    assert "criticism_or_small_fine" in p.reasons


@pytest.mark.parametrize(
    "fine, category, short",
    [
        (Decimal("0.3"), None, True),
        (Decimal("4.999999"), "legal_person", True),
        (Decimal("5"), "legal_person", False),  # the threshold itself is not small
        ("4.5", "法人及非法人组织", True),
        (Decimal("0.4999"), "natural_person", True),
        (Decimal("0.5"), "natural_person", False),
        (Decimal("0.6"), "个体工商户", False),
        (3, None, True),
        (12.5, None, False),
    ],
)
def test_market_supervision_small_fine(book, fine, category, short):
    p = ms(book, D(2024, 3, 10), "警告；罚款", fine, party_category=category)
    if short:
        assert p.publicity_end == D(2024, 6, 10)
    else:  # 3 years, repair after 6 months
        assert (p.repairable_from, p.publicity_end) == (D(2024, 9, 10), D(2027, 3, 10))


def test_market_supervision_fine_without_amount_is_not_small(book):
    p = ms(book, D(2024, 3, 10), "罚款", None)
    assert p.publicity_end == D(2027, 3, 10)
    assert "fine_amount_unknown" in p.reasons


def test_market_supervision_small_fine_with_confiscation_is_long(book):
    p = ms(book, D(2024, 3, 10), "罚款、没收违法所得", Decimal("0.2"))
    assert (p.repairable_from, p.publicity_end) == (D(2024, 9, 10), D(2027, 3, 10))


def test_market_supervision_track_replaces_gbf_windows(book):
    # gbf general would be 3 months / 1 year; the track says 6 months / 3 years
    p = ms(book, D(2025, 8, 1), "罚款", Decimal("20"))
    assert (p.rule_set, p.severity, p.track) == ("gbf-2025-22", "general", "samr-45")
    assert (p.repairable_from, p.publicity_end) == (D(2026, 2, 1), D(2028, 8, 1))


def test_market_supervision_track_starts_2021_09_01(book):
    before = ms(book, D(2021, 8, 31), "罚款", Decimal("20"))  # legacy general: 3 months / 1 year
    assert before.track is None
    assert (before.repairable_from, before.publicity_end) == (D(2021, 11, 30), D(2022, 8, 31))
    after = ms(book, D(2021, 9, 1), "罚款", Decimal("20"))
    assert after.track == "samr-45"
    assert (after.repairable_from, after.publicity_end) == (D(2022, 3, 1), D(2024, 9, 1))


# --------------------------------------------------------------------------- non-repairable


def test_non_repairable_keyword(book):
    p = run(book, D(2024, 6, 3), domain="medical_insurance", violation_type="骗取医疗保障基金支出")
    assert p.published and not p.repairable
    assert p.repairable_from is None
    assert p.publicity_end == D(2027, 6, 3)
    assert not min_period_passed(p, D(2030, 1, 1))
    assert "non_repairable_keyword" in p.reasons


def test_non_repairable_keywords_are_not_searched_in_facts(book):
    p = run(book, D(2024, 6, 3), violation_type="未按规定申报", facts="经查，当事人不存在欺诈行为")
    assert p.repairable and p.repairable_from == D(2024, 9, 3)


# --------------------------------------------------------------------------- what assess accepts


def test_assess_rejects_unknown_penalty_type(book):
    with pytest.raises(InvalidPenaltyType):
        run(book, D(2024, 1, 1), types="罚酒三杯")


def test_assess_accepts_datetime_and_list(book):
    p = run(book, datetime(2025, 6, 22, 15, 30), types=["罚款"])
    assert (p.rule_set, p.publicity_start, p.publicity_end) == ("gbf-2025-22", D(2025, 6, 22), D(2026, 6, 22))


def test_publicity_is_frozen(book):
    p = run(book, D(2024, 1, 1))
    with pytest.raises(AttributeError):
        p.published = False


# --------------------------------------------------------------------------- properties


DAYS = st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 31))
TYPES = st.lists(st.sampled_from(PENALTY_TYPES), min_size=1, max_size=4)
DOMAINS = st.sampled_from(["tax", "market_supervision", "fire", "drug_regulation", "health"])


@given(day=DAYS, types=TYPES, domain=DOMAINS, fine=st.none() | st.decimals(0, 100, places=2))
def test_windows_are_consistent(day, types, domain, fine):
    book = RuleBook.default()
    p = assess(
        book,
        decision_date=day,
        penalty_types=types,
        domain=domain,
        violation_type="违法行为",
        facts="销售食品",
        fine_amount=fine,
    )
    rule_set = book.rule_set_for(day)
    assert p.rule_set == rule_set.id
    assert rule_set.effective_from is None or rule_set.effective_from <= day
    assert rule_set.effective_to is None or day <= rule_set.effective_to
    assert p.repairable_from >= day
    if p.published:
        assert p.publicity_start == day < p.publicity_end
        assert p.repairable_from <= p.publicity_end
        assert p.publicity_end - day <= timedelta(days=3 * 366)
        assert is_displayed(p, day) and not is_displayed(p, p.publicity_end)
    else:
        assert p.publicity_start is None and p.publicity_end is None


def test_assessment_equals_a_normally_built_publicity(book):
    import dataclasses

    from registry.domain.publicity import Publicity

    p = run(book, D(2024, 2, 29), domain="fire")
    rebuilt = Publicity(**{f.name: getattr(p, f.name) for f in dataclasses.fields(Publicity)})
    assert rebuilt == p and hash(rebuilt) == hash(p)
    assert dataclasses.asdict(p)["publicity_end"] == D(2027, 2, 28)


def test_string_dates(book):
    p = assess(book, decision_date="2025-06-21", penalty_types="罚款", domain="tax", violation_type="x")
    assert (p.rule_set, p.publicity_end) == ("order-58", D(2028, 6, 21))
    assert book.rule_set_for("2023-04-30").id == "legacy"
