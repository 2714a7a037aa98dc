"""Parsing of dates and amounts in the forms departments really send."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .text import fold_width

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, accounting for its 1900 leap-year bug
_SEPARATED = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"  # a time part, as spreadsheets export it, is ignored
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
# Excel serials read as dates: 1990-01-01 to 2099-12-31. Outside it a number is far likelier a year
# or a typo (2024, 20240) than a decision date, and must not be stored as 1905 or 1955.
_SERIALS = range((date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2100, 1, 1) - _EXCEL_EPOCH).days)
_AMOUNT = re.compile(r"^[+]?\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^[+]?\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?$")  # 1,234,567.5: separators of thousands only


class _IsoDates(dict):
    """Each date's ISO text, remembered (the calendar bounds how many there are): a bulk import
    writes the same few thousand dates over and over, and date.isoformat costs several look-ups."""

    def __missing__(self, day: date) -> str:
        self[day] = text = day.isoformat()
        return text


iso_date = _IsoDates().__getitem__  # date -> "YYYY-MM-DD"


def parse_date(value) -> date:
    """2024-03-05, 2024/3/5, 2024.3.5, 20240305, 2024年3月5日, Excel serial 45356 (1990-2099), date objects."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    return _parse_date_text(str(value))


@lru_cache(maxsize=16384)
def _parse_date_text(raw: str) -> date:
    # Cached: a file of a million rows holds a few thousand distinct dates.
    text = fold_width(raw).strip()
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)  # ValueError for 2023-02-29 and the like
    if _SERIAL.match(text):
        return _from_serial(float(text))
    raise ValueError(f"unrecognised date {text!r}")


def _from_serial(serial: float) -> date:
    if serial != int(serial) or int(serial) not in _SERIALS:
        raise ValueError(f"{serial:g} is not a date (an Excel serial date is read from 1990 to 2099)")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


@lru_cache(maxsize=16384)
def parse_amount(value, *, max_decimals: int = 6, max_integer_digits: int = 12) -> Decimal:
    """A non-negative amount in 10,000 CNY: '1,234.5', '１２.５', 3.25 (cached: amounts repeat)."""
    if isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value)
    else:
        text = fold_width(str(value)).strip()
        if _GROUPED.match(text):
            text = text.replace(",", "").replace(" ", "")
    if not _AMOUNT.match(text):
        raise ValueError(f"not a non-negative number: {text!r}")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    integer, _, decimals = text.lstrip("+").partition(".")
    if len(decimals.rstrip("0")) > max_decimals:
        raise ValueError(f"more than {max_decimals} decimal places")
    if len(integer.lstrip("0")) > max_integer_digits:
        raise ValueError("amount too large")
    return amount
