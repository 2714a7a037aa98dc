"""Calendar-month periods: month arithmetic clamped to the month end, and ISO 8601 periods."""

from datetime import date, datetime

import pytest

from registry.domain.periods import add_months, add_months_cached, as_date, parse_period

D = date


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + 1 year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # + 4 years lands on a leap day again
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # into a leap February
        (D(2024, 11, 30), 3, D(2025, 2, 28)),  # into a common February
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 3, 31), 6, D(2024, 9, 30)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2024, 3, 31), 2, D(2024, 5, 31)),  # a 31-day month keeps the 31st
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 1, 31), 6, D(2024, 7, 31)),
        (D(2099, 11, 30), 3, D(2100, 2, 28)),  # a century is no leap year...
        (D(1999, 11, 30), 3, D(2000, 2, 29)),  # ...unless it divides by 400
        (D(2024, 10, 15), 3, D(2025, 1, 15)),  # over the year end
        (D(2024, 12, 31), 12, D(2025, 12, 31)),
        (D(2024, 5, 17), 0, D(2024, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected
    assert [add_months_cached(start, months), add_months_cached(start, months)] == [expected, expected]


@pytest.mark.parametrize("text, months", [("P3M", 3), ("P1Y", 12), ("P3Y", 36), ("P1Y6M", 18), ("P0M", 0)])
def test_periods(text, months):
    assert parse_period(text) == months


@pytest.mark.parametrize("text", ["", "P", "3M", "P3D", "P-1M", "p3m", "P3M1Y", None, 3])
def test_bad_periods(text):
    with pytest.raises(ValueError):
        parse_period(text)


class Day(date):
    """A date of another class, as some spreadsheet readers hand over."""


@pytest.mark.parametrize("value", [D(2024, 2, 29), Day(2024, 2, 29), datetime(2024, 2, 29, 23, 59), " 2024-02-29 "])
def test_a_decision_date_is_read_as_a_plain_date(value):
    day = as_date(value)
    assert (type(day), day) == (date, D(2024, 2, 29))


def test_a_decision_date_of_another_type_is_refused_naming_it():
    with pytest.raises(TypeError, match="decision_date must be a date, got int"):
        as_date(20240229)
