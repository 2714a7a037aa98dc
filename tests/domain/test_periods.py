"""Calendar-month periods: month arithmetic clamped to the month end, and ISO 8601 periods."""

from datetime import date

import pytest

from registry.domain.periods import add_months, parse_period

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
        (D(2024, 10, 15), 3, D(2025, 1, 15)),  # over the year end
        (D(2024, 12, 31), 12, D(2025, 12, 31)),
        (D(2024, 5, 17), 0, D(2024, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("text, months", [("P3M", 3), ("P1Y", 12), ("P3Y", 36), ("P1Y6M", 18), ("P0M", 0)])
def test_periods(text, months):
    assert parse_period(text) == months


@pytest.mark.parametrize("text", ["", "P", "3M", "P3D", "P-1M", "p3m", "P3M1Y", None, 3])
def test_bad_periods(text):
    with pytest.raises(ValueError):
        parse_period(text)
