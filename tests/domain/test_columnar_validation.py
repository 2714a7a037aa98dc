"""The columnar validator answers every row of a batch exactly as the row validator answers it alone:
the same clean values, or the same errors (field, code, Chinese and English words, value) in the same
order. Rows are generated field by field from the layout, good values and the bad ones departments
really send mixed: wrong check characters, each accepted date form and impossible dates, amounts,
party categories, penalty types, missing required fields, empty strings against absent keys,
GB18030-only characters, full-width text, numbers, objects and dates where text is expected."""

from datetime import date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.domain import uscc
from registry.domain.penalty_types import PENALTY_TYPES
from registry.domain.severity import PARTY_CATEGORY_ALIASES, SEVERITY_ALIASES
from registry.records import layout
from registry.records.columnar import validate_rows
from registry.records.validation import validate_record

TODAY = date(2026, 3, 10)
BLANKS = st.sampled_from(["", " ", "\u3000", "\t \n"])
# Characters only GB18030 (not GBK) encodes: CJK extension B, extension A, and the rare 䶮.
RARE = st.sampled_from(["𠀀", "𪚥", "㐀", "䶮", "𡃁"])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | \
    st.builds("".join, st.lists(RARE | st.sampled_from(["某", "公司", " ", "A", "\x00", "Ａ"]), max_size=8))


def _codes():
    body = st.text(st.sampled_from(uscc.ALPHABET), min_size=16, max_size=16)
    first17 = st.builds(lambda first, rest: first + rest, st.sampled_from(sorted(uscc.REGISTERING_AUTHORITIES)), body)
    valid = st.builds(lambda head: head + uscc.check_character(head), first17)
    wrong_check = st.builds(lambda head, ch: head + ch, first17, st.sampled_from(uscc.ALPHABET))
    folded = valid.map(str.lower) | valid.map(lambda code: f" {code}\t") | \
        valid.map(lambda code: code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}))
    odd = st.text(st.sampled_from(uscc.ALPHABET + "IOSVZ-* 0"), max_size=20) | st.integers(0, 10**18)
    return valid | wrong_check | folded | odd


def _dates():
    day = st.dates(date(1985, 1, 1), date(2030, 12, 31))
    forms = st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{d.year}/{d.month}/{d.day}", "{d.year}.{d.month}.{d.day}",
                             "{:%Y%m%d}", "{d.year}年{d.month}月{d.day}日", "{d.year} 年 {d.month} 月 {d.day} 日",
                             "{:%Y-%m-%d %H:%M:%S}", "{:%Y-%m-%dT%H:%M}", "{:%Y-%m-%d}\u3000"])
    written = st.builds(lambda form, d: form.format(d, d=d), forms, day)
    impossible = st.sampled_from(["2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10", "20240231", "0999-01-01",
                                  "2024-1-1-1", "明天", "45356", "45356.0", "12345", "２０２４-03-05",
                                  "2024-03-05 25:00"])
    serial = st.integers(30000, 80000) | st.floats(30000, 80000, allow_nan=False)
    return written | impossible | serial | day | day.map(lambda d: datetime(d.year, d.month, d.day, 9, 30))


def _amounts():
    number = st.decimals(0, 10**13, places=8, allow_nan=False, allow_infinity=False)
    return number.map(str) | number.map(lambda n: f"{n:,}") | st.sampled_from(
        ["+3", "-1", "1e5", "１２.５", "1,234.5", "1 234", "0.0000001", "007", ".5", "5.", "1.500000"]) | \
        st.integers(-5, 10**14) | st.floats(-1, 1e6, allow_nan=False) | number


def _choices(field):
    aliases = {"party_category": PARTY_CATEGORY_ALIASES, "severity": SEVERITY_ALIASES}.get(field.key, field.choices)
    return st.sampled_from(sorted(aliases)) | st.sampled_from(["公司", "其他", "LEGAL_PERSON"]) | TEXT


def _penalty_types():
    names = st.lists(st.sampled_from([*PENALTY_TYPES, "吊销执照", "其它", "拘留", "训诫", "罚 款"]), max_size=3)
    return st.builds(lambda parts, sep: sep.join(parts), names, st.sampled_from(["、", ";", "，", " ", ","])) | \
        names | TEXT


VALUES = {layout.USCC: _codes(), layout.DATE: _dates(), layout.AMOUNT: _amounts(),
          layout.PENALTY_TYPES: _penalty_types()}


def _value(field):
    good = VALUES[field.type] if field.type in VALUES else _choices(field) if field.type == layout.CHOICE else TEXT
    longest = st.just("长" * (field.max_length + 1)) if field.type == layout.TEXT else st.nothing()
    # What JSON may bring besides: numbers, booleans, objects, text with a lone surrogate.
    sent = st.integers(-3, 99) | st.booleans() | st.just({"x": 1}) | st.sampled_from(["某\ud800", "\udfff"])
    return good | BLANKS | st.none() | longest | sent


@st.composite
def rows(draw, kind):
    row = {}
    for field in layout.KIND_FIELDS[kind]:
        presence = draw(st.sampled_from(["value", "value", "value", "absent"]))
        if presence == "value":
            row[field.key] = draw(_value(field))
    return row


def answers(results) -> list:
    return [(clean, [(e.field, e.code, e.message_zh, e.message_en, e.value) for e in errors])
            for clean, errors in results]


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.sampled_from(layout.KINDS).flatmap(lambda kind: st.tuples(st.just(kind), st.lists(rows(kind), max_size=12))))
def test_each_kind_agrees_cell_by_cell(kind_and_rows):
    kind, batch = kind_and_rows
    expected = [validate_record(raw, kind=kind, today=TODAY) for raw in batch]
    assert answers(validate_rows(batch, kind=kind, today=TODAY).results) == answers(expected)


@PROPERTY
@given(st.lists(st.sampled_from(layout.KINDS).flatmap(
    lambda kind: rows(kind).map(lambda row: {**row, "kind": layout.KIND_LABELS[kind]})) |
    st.fixed_dictionaries({"kind": st.sampled_from(["", "penalties", "行政"])}), max_size=10))
def test_a_kind_column_is_read_per_row(batch):
    expected = [validate_record(raw, today=TODAY) for raw in batch]
    assert answers(validate_rows(batch, today=TODAY).results) == answers(expected)


def test_good_rows_are_typed_like_the_row_validator():
    """A clean penalty's values come back typed: codes upper case, dates, decimals, lists of types."""
    raw = {"party_name": "某公司", "party_category": "法人及非法人组织", "uscc": "91150502102194918f",
           "decision_no": "罚〔2026〕1号", "violation_type": "无照", "facts": "事实", "legal_basis": "依据",
           "penalty_types": "警告、罚款", "penalty_content": "罚款", "fine_amount": "1,234.5",
           "decision_date": "2026年3月1日", "authority": "局", "authority_uscc": "11150500011620002E",
           "source_unit": "局", "source_unit_uscc": "11150500011620002E", "remarks": "  "}
    (clean, errors), = validate_rows([raw], kind="penalty", today=TODAY).results
    assert errors == []
    assert (clean["uscc"], clean["decision_date"], clean["fine_amount"], clean["penalty_types"], clean["remarks"]) \
        == ("91150502102194918F", date(2026, 3, 1), Decimal("1234.5"), ["警告", "罚款"], None)
    assert validate_record(raw, kind="penalty", today=TODAY) == (clean, [])
