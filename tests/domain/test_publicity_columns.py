"""The columnar publicity rules give, for every generated row and every field, what assess() gives.

Rows are drawn around the rules' edges: decision dates on and the day before each rule set and
track starts, month ends and leap days; every penalty type, severity spelling, party category and
domain; texts built from every sector and non-repairable keyword (also nested ones); fine amounts
on and beside each small-fine threshold. A second rule book, edited as data, shows that the
columns follow the book rather than a copy of the shipped rules.
"""

import json
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.penalty_types import PENALTY_TYPES
from registry.domain.publicity import assess
from registry.domain.publicity_columns import INPUT_SCHEMA, OUTPUT_COLUMNS, PublicityColumns
from registry.domain.rulebook import DEFAULT_RULES_PATH, RuleBook
from registry.domain.severity import PARTY_CATEGORY_ALIASES, SEVERITY_ALIASES, InvalidSeverity


def _edited_book() -> RuleBook:
    """The shipped book with other dates, keywords, thresholds and windows, all changed as data."""
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["rule_sets"][0]["effective_to"] = "2020-02-28"
    data["rule_sets"][1]["effective_from"] = "2020-02-29"
    data["rule_sets"][1]["windows"] = {"default": {"min": "P1M", "max": "P2Y"},
                                       "serious": {"min": "P7M", "max": "P5Y", "special_sector_max": "P6Y"}}
    data["rule_sets"][1]["tracks"] = []
    data["severity"]["by_penalty_type"]["罚款"] = "serious"
    data["special_sectors"]["keywords"]["food"] += ["粮", "压力"]  # 压力容器 stays special equipment
    data["special_sectors"]["by_domain"]["transport"] = "fire"
    data["non_repairable"]["keywords"] = ["套取"]
    data["non_repairable"]["fields"] = ["facts", "violation_type"]
    track = data["tracks"][0]
    track.update(effective_from="2019-03-31", effective_to="2024-12-31", domains=["market_supervision", "transport"])
    track["small_fine_below_wan"] = {"default": "1.25", "natural_person": "0.000001"}
    return RuleBook.from_dict(data)


BOOKS = {"shipped": RuleBook.load(), "edited": _edited_book()}
COLUMNS = {name: PublicityColumns(book) for name, book in BOOKS.items()}


def _edges(book: RuleBook) -> list[date]:
    """The days a rule changes on, the day before, and the last in-force day and the day after."""
    days = [s.effective_from for s in book.rule_sets[1:]]
    days += [day for t in book.tracks.values() for day in (t.effective_from, t.effective_to) if day]
    days += [date(2024, 2, 29), date(2028, 2, 29), date(2000, 2, 29), date(2100, 2, 28), date(2023, 11, 30),
             date(2024, 1, 31), date(2023, 12, 31), date(2025, 8, 31)]
    return sorted({d + timedelta(days=shift) for d in days for shift in (-1, 0, 1)})


def _keywords(book: RuleBook) -> list[str]:
    words = [w for w, _ in book.sector_keywords] + list(book.non_repairable_keywords)
    return words + ["容器", "食品药品", "压力容器爆炸", "虚开增值税专用发票", "骗", "粮食", "无关"]


def _domains(book: RuleBook) -> list[str]:
    tracked = [d for t in book.tracks.values() for d in t.domains]
    return [*book.sector_by_domain, *book.keyword_domains, *tracked, "tax", "transport", "environment"]


@st.composite
def batches(draw):
    name = draw(st.sampled_from(sorted(BOOKS)))
    book = BOOKS[name]
    text = st.lists(st.sampled_from(_keywords(book) + ["，", "违法", "x"]), max_size=4).map("".join)
    thresholds = {v for t in book.tracks.values() for v in t.small_fine_below.values()}
    step = Decimal("0.000001")
    amounts = sorted({a + d for a in thresholds for d in (-step, 0, step)} | {Decimal(0)})
    row = st.fixed_dictionaries({
        "decision_date": st.one_of(st.sampled_from(_edges(book)),
                                   st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))),
        "penalty_types": st.lists(st.sampled_from(PENALTY_TYPES), min_size=1, max_size=4, unique=True),
        "domain": st.sampled_from(_domains(book)),
        "violation_type": text,
        "facts": text,
        "explicit_severity": st.one_of(st.none(), st.sampled_from(["", "  ", " 严重 ", *SEVERITY_ALIASES])),
        "fine_amount": st.one_of(st.none(), st.sampled_from(amounts),
                                 st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False)),
        "party_category": st.one_of(st.none(), st.sampled_from([*PARTY_CATEGORY_ALIASES, "个人"])),
    })
    overrides = st.one_of(st.none(), st.dictionaries(st.sampled_from(PENALTY_TYPES),
                                                     st.sampled_from(["minor", "general", "serious", "严重"]),
                                                     max_size=4))
    return name, draw(st.lists(row, min_size=1, max_size=40)), draw(overrides)


def _expected(book, row, overrides) -> dict:
    publicity = assess(book, **row, department_overrides=overrides)
    fields = {name: getattr(publicity, name) for name in OUTPUT_COLUMNS}
    return {**fields, "reasons": list(fields["reasons"])}


@settings(max_examples=400, deadline=None)
@given(batches())
def test_every_row_and_field_is_what_assess_gives(batch):
    name, rows, overrides = batch
    got = COLUMNS[name].assess(pl.DataFrame(rows, schema=INPUT_SCHEMA), department_overrides=overrides)
    assert got.columns == list(OUTPUT_COLUMNS)
    for row, answer in zip(rows, got.iter_rows(named=True), strict=True):
        assert answer == _expected(BOOKS[name], row, overrides), row


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_each_day_around_a_rule_change_is_assessed_alike(name):
    book = BOOKS[name]
    rows = [{"decision_date": day, "penalty_types": [kind], "domain": domain, "violation_type": "食品",
             "facts": "", "explicit_severity": None, "fine_amount": Decimal("0.5"), "party_category": "自然人"}
            for day in _edges(book) for kind in PENALTY_TYPES for domain in _domains(book)]
    got = COLUMNS[name].assess(pl.DataFrame(rows, schema=INPUT_SCHEMA))
    assert [_expected(book, row, None) for row in rows] == got.to_dicts()


def test_an_explicit_severity_that_is_none_fails_as_in_assess():
    row = {"decision_date": date(2024, 5, 1), "penalty_types": ["罚款"], "domain": "tax", "violation_type": "",
           "facts": "", "explicit_severity": "很严重", "fine_amount": None, "party_category": None}
    with pytest.raises(InvalidSeverity):
        assess(BOOKS["shipped"], **row)
    with pytest.raises(InvalidSeverity):
        COLUMNS["shipped"].assess(pl.DataFrame([row], schema=INPUT_SCHEMA))
