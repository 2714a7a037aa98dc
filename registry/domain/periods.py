"""Calendar-month periods: adding months with the day clamped to the month's end, and ISO 8601 periods (P1Y6M)."""

import re
from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))  # the days rules count are days in China: one zone, no daylight saving


def add_months(day: date, months: int) -> date:
    """`day` plus a number of calendar months, clamping to the last day of the target month."""
    if months == 0:
        return day
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    dom = day.day
    if dom > 28:
        if month == 2:
            last = 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
        else:
            last = 30 if month in (4, 6, 9, 11) else 31
        if dom > last:
            dom = last
    return date(year, month, dom)


_SHIFTED: dict = {}


def add_months_cached(day: date, months: int) -> date:
    """add_months() memoised: intake sees few distinct decision dates and periods."""
    key = (day, months)
    result = _SHIFTED.get(key)
    if result is None:
        if len(_SHIFTED) > 200_000:
            _SHIFTED.clear()
        result = _SHIFTED[key] = add_months(day, months)
    return result


_PERIOD = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?")


def parse_period(text) -> int:
    """Months in a period such as P3M, P1Y, P1Y6M or P0M; ValueError otherwise."""
    match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
    if match is None or match.group(1) is None and match.group(2) is None:
        raise ValueError(f"bad period {text!r}: expected e.g. P3M, P1Y or P1Y6M")
    return int(match.group(1) or 0) * 12 + int(match.group(2) or 0)


def as_date(value) -> date:
    """A decision date as a plain date, from a date, a datetime or ISO 8601 text; TypeError otherwise."""
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise TypeError(f"decision_date must be a date, got {type(value).__name__}")
