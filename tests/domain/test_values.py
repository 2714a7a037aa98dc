"""Dates written as text: the remembered ISO form is the date's own, however often it is asked for."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from registry.domain.values import iso_date


@given(st.lists(st.dates(), min_size=1, max_size=20))
def test_iso_date_is_each_dates_own_iso_text(days):
    for day in days + days:  # the second time round, from memory
        assert iso_date(day) == day.isoformat()


def test_iso_date_keeps_the_leap_day():
    assert iso_date(date(2024, 2, 29)) == "2024-02-29"
