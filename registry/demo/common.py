"""Shared by the demo generator modules: data files, reference lists, weighted picks, date tables."""

from __future__ import annotations

import json
from bisect import bisect
from datetime import date, timedelta
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_DATA = _HERE / "data"

CITY = "150500"  # division code of the demo city itself (Tongliao)


def read_data(name: str):
    """The parsed JSON file `data/<name>.json` (the generator's word lists and catalogue)."""
    return json.loads((_DATA / f"{name}.json").read_text(encoding="utf-8"))


def load_departments() -> list[dict]:
    """The shipped source departments of the demo city (departments.json)."""
    return json.loads((_HERE / "departments.json").read_text(encoding="utf-8"))


def load_districts() -> dict[str, str]:
    """Division code → Chinese name for the city and its nine county-level divisions."""
    return json.loads((_HERE / "districts.json").read_text(encoding="utf-8"))


def load_domains() -> dict:
    """{"domains": {key: {"name", "special_sector"}}}: the national domain list (SPEC §3)."""
    return json.loads((_HERE / "domains.json").read_text(encoding="utf-8"))


def weighted_table(pairs) -> tuple[list, list[int]]:
    """(keys, cumulative weights) of (key, weight) pairs, for `pick`."""
    keys, cum, total = [], [], 0
    for key, weight in pairs:
        total += weight
        keys.append(key)
        cum.append(total)
    return keys, cum


def pick(r, table):
    """A key of a `weighted_table`, chosen with the random function `r`."""
    keys, cum = table
    return keys[bisect(cum, r() * cum[-1])]


def expand_weights(weights: dict) -> list:
    """{item: n} → a list holding each item n times in a row, for uniform picks by index."""
    return [item for item, count in weights.items() for _ in range(count)]


def add_years(d: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in other years)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def calendar(today: date, span_years: int) -> tuple:
    """Per-day tables indexed by days before `today`, so that rows only look dates up.

    (span in days, ISO dates, years, 2024年3月5日 dates, 2024年3月 months, {term: ISO last days of a
    licence valid `term` years}); the first tables run 150 days past the span for dates before decisions.
    """
    start = add_years(today, -span_years)
    span = (today - start).days
    days = [today - timedelta(days=i) for i in range(span + 150)]
    iso = [d.isoformat() for d in days]
    years = [d.year for d in days]
    cn_dates = [f"{d.year}年{d.month}月{d.day}日" for d in days]
    cn_months = [f"{d.year}年{d.month}月" for d in days]
    valid_to = {}
    for term in (3, 5):
        valid_to[term] = [(add_years(d, term) - timedelta(days=1)).isoformat() for d in days[:span]]
    return span, iso, years, cn_dates, cn_months, valid_to
