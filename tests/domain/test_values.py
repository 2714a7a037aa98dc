"""Dates and amounts in the forms departments send; the remembered ISO form is the date's own."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.values import iso_date, parse_amount, parse_date


@pytest.mark.parametrize("value", ["2024-03-05", "2024/3/5", "2024.3.5", "20240305", "2024年3月5日",
                                   "２０２４－０３－０５", 45356, 45356.0, "45356", datetime(2024, 3, 5, 10, 30)])
def test_the_documented_date_forms(value):
    assert parse_date(value) == date(2024, 3, 5)


@pytest.mark.parametrize("value", ["2024", "20240", 2024, 20240, 1, 80000, "45356.5"])
def test_a_number_is_an_excel_date_only_from_1990_to_2099(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("value", [32873, 100000, 45356.5, "73051"])
def test_a_number_outside_the_serial_range_is_refused_saying_the_range(value):
    with pytest.raises(ValueError, match=r"is not a date \(an Excel serial date is read from 1990 to 2099\)"):
        parse_date(value)


@pytest.mark.parametrize(("value", "amount"), [("1,234.5", "1234.5"), ("１，２３４．５", "1234.5"),
                                               ("1,234,567", "1234567"), ("0.5", "0.5"), (3.25, "3.25")])
def test_the_documented_amount_forms(value, amount):
    assert parse_amount(value) == Decimal(amount)


@pytest.mark.parametrize("value", ["0,5", "12,5", "1,2,3", "1,23", "1234,567", ",123"])
def test_a_comma_is_only_a_separator_of_thousands(value):
    with pytest.raises(ValueError):
        parse_amount(value)


@given(st.lists(st.dates(), min_size=1, max_size=20))
def test_iso_date_is_each_dates_own_iso_text(days):
    for day in days + days:  # the second time round, from memory
        assert iso_date(day) == day.isoformat()


def test_iso_date_keeps_the_leap_day():
    assert iso_date(date(2024, 2, 29)) == "2024-02-29"
