"""Working-day calendar for statutory deadlines (SPEC §5).

Chinese deadlines are counted in working days: Monday to Friday, minus the public holidays of
the State Council's yearly schedule (国务院办公厅关于××年部分节假日安排的通知), plus the make-up
working days (调休上班) that schedule puts on weekends.

The schedule is data, not code. ``registry/domain/rules/calendar/<year>.json`` holds one year::

    {"year": 2025,
     "source": "国务院办公厅关于2025年部分节假日安排的通知",
     "holidays": [{"name": "春节", "from": "2025-01-28", "to": "2025-02-04"}, ...],
     "workdays": ["2025-01-26", "2025-02-08", ...]}

``holidays`` are the breaks as the notice states them, weekends inside a break included;
``workdays`` are the make-up working days, each of which must be a Saturday or a Sunday. Every
date in a file belongs to its ``year``: a break that straddles New Year is split between the two
years' files. An optional ``note`` (free text) may explain anything unusual. A deployment loads
a newly published year with :meth:`Calendar.load_file` or :meth:`Calendar.load_year`.

A year without a loaded schedule is never an error. It is counted *provisionally*: Monday to
Friday minus the statutory holidays computable in advance (see :func:`statutory_holidays`), and
every deadline whose counted days touch such a year is marked ``provisional`` so that callers
can recompute it once the schedule is loaded.

Counting convention
-------------------
The start day is day 0 and is never counted. ``add_workdays(start, n)`` returns the n-th working
day *after* ``start``: "within 10 working days of submission" means due by the end of the 10th
working day after the submission day, whatever kind of day the submission day itself was (a
working day, a weekend or a holiday). ``workdays_between(a, b)`` counts the working days in
``(a, b]`` with the same convention, so ``workdays_between(s, add_workdays(s, n).due) == n``.
A deadline is overdue from the calendar day after its due date.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

CALENDAR_DIR = Path(__file__).resolve().parent / "rules" / "calendar"
"""Directory of the shipped yearly schedules (``<year>.json``)."""

PathLike = str | os.PathLike[str]


class CalendarDataError(ValueError):
    """A yearly schedule that cannot be loaded; the message says what and where."""


@dataclass(frozen=True)
class Deadline:
    """A due date; ``provisional`` when a counted day lies in a year without a schedule."""

    due: date
    provisional: bool


@dataclass(frozen=True)
class HolidayBreak:
    """One break of a schedule, both ends included (weekends inside it are part of it)."""

    name: str
    start: date
    end: date

    def days(self) -> Iterator[date]:
        d = self.start
        while d <= self.end:
            yield d
            d += timedelta(days=1)

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end


# ---------------------------------------------------------------------------------------------
# Yearly schedule (validated data)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOP_KEYS = frozenset({"year", "source", "note", "holidays", "workdays"})
_BREAK_KEYS = frozenset({"name", "from", "to"})
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _parse_date(value: Any, year: int, where: str) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise CalendarDataError(f"{year}: {where} must be a date written YYYY-MM-DD, got {value!r}")
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise CalendarDataError(f"{year}: {where} is not a valid date: {value!r}") from None
    if d.year != year:
        raise CalendarDataError(
            f"{year}: {where} {value} is not in {year} (every date of a year's schedule must belong to that year)"
        )
    return d


@dataclass(frozen=True)
class YearSchedule:
    """The State Council's holiday schedule for one year, validated."""

    year: int
    source: str
    holidays: tuple[HolidayBreak, ...]
    workdays: tuple[date, ...]
    note: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> YearSchedule:
        """Validate the JSON shape described in the module docstring.

        Raises :class:`CalendarDataError` (a ``ValueError``) naming the problem.
        """
        if not isinstance(data, Mapping):
            raise CalendarDataError(f"a year's schedule must be a JSON object, got {type(data).__name__}")
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9998:
            raise CalendarDataError(f"'year' must be an integer between 1900 and 9998, got {year!r}")
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise CalendarDataError(
                f"{year}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(_TOP_KEYS))}"
            )
        source = data.get("source", "")
        note = data.get("note", "")
        for key, value in (("source", source), ("note", note)):
            if not isinstance(value, str):
                raise CalendarDataError(f"{year}: '{key}' must be a string, got {value!r}")

        raw_breaks = data.get("holidays")
        if not isinstance(raw_breaks, list) or not raw_breaks:
            raise CalendarDataError(f"{year}: 'holidays' must be a non-empty list of breaks")
        breaks: list[HolidayBreak] = []
        for i, raw in enumerate(raw_breaks):
            where = f"holidays[{i}]"
            if not isinstance(raw, Mapping):
                raise CalendarDataError(f"{year}: {where} must be an object with name, from and to")
            missing = sorted(_BREAK_KEYS - set(raw))
            extra = sorted(set(raw) - _BREAK_KEYS)
            if missing or extra:
                raise CalendarDataError(
                    f"{year}: {where} must have exactly the keys from, name, to "
                    f"(missing: {missing or 'none'}, unknown: {extra or 'none'})"
                )
            name = raw["name"]
            if not isinstance(name, str) or not name.strip():
                raise CalendarDataError(f"{year}: {where}.name must be a non-empty string")
            start = _parse_date(raw["from"], year, f"{where}.from")
            end = _parse_date(raw["to"], year, f"{where}.to")
            if end < start:
                raise CalendarDataError(f"{year}: {where} ({name}) ends {end} before it starts {start}")
            breaks.append(HolidayBreak(name.strip(), start, end))
        breaks.sort(key=lambda b: b.start)
        for before, after in pairwise(breaks):
            if after.start <= before.end:
                raise CalendarDataError(
                    f"{year}: holiday breaks overlap: {before.name} {before.start}..{before.end} "
                    f"and {after.name} {after.start}..{after.end}"
                )

        raw_workdays = data.get("workdays", [])
        if not isinstance(raw_workdays, list):
            raise CalendarDataError(f"{year}: 'workdays' must be a list of dates")
        workdays: list[date] = []
        seen: set[date] = set()
        for i, raw in enumerate(raw_workdays):
            d = _parse_date(raw, year, f"workdays[{i}]")
            if d in seen:
                raise CalendarDataError(f"{year}: make-up working day {d} is listed twice")
            seen.add(d)
            if d.weekday() < 5:
                raise CalendarDataError(
                    f"{year}: make-up working day {d} is a {_WEEKDAY_NAMES[d.weekday()]}, not a Saturday or Sunday"
                )
            for b in breaks:
                if d in b:
                    raise CalendarDataError(
                        f"{year}: make-up working day {d} lies inside the holiday break {b.name} {b.start}..{b.end}"
                    )
            workdays.append(d)
        workdays.sort()
        return cls(year, source, tuple(breaks), tuple(workdays), note)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape :meth:`from_dict` reads."""
        data: dict[str, Any] = {"year": self.year, "source": self.source}
        if self.note:
            data["note"] = self.note
        data["holidays"] = [
            {"name": b.name, "from": b.start.isoformat(), "to": b.end.isoformat()} for b in self.holidays
        ]
        data["workdays"] = [d.isoformat() for d in self.workdays]
        return data


# ---------------------------------------------------------------------------------------------
# Statutory holidays for years without a schedule

# Gregorian dates of the lunar festivals (astronomical/calendrical facts, China Standard Time):
# year -> (正月初一 Spring Festival day 1, 五月初五 Dragon Boat, 八月十五 Mid-Autumn), as "MM-DD".
LUNAR_FESTIVALS: dict[int, tuple[str, str, str]] = {
    2024: ("02-10", "06-10", "09-17"),
    2025: ("01-29", "05-31", "10-06"),
    2026: ("02-17", "06-19", "09-25"),
    2027: ("02-06", "06-09", "09-15"),
    2028: ("01-26", "05-28", "10-03"),
    2029: ("02-13", "06-16", "09-22"),
    2030: ("02-03", "06-05", "09-12"),
    2031: ("01-23", "06-24", "10-01"),
    2032: ("02-11", "06-12", "09-19"),
    2033: ("01-31", "06-01", "09-08"),
    2034: ("02-19", "06-20", "09-27"),
    2035: ("02-08", "06-10", "09-16"),
}


def qingming(year: int) -> date | None:
    """The day of the Qingming solar term (清明, sun at 15° longitude), Beijing time.

    Uses the classic day-of-month approximation for the 21st century, which gives the exact day
    for every year 2000-2099; returns None for other years.
    """
    if not 2000 <= year <= 2099:
        return None
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


@lru_cache(maxsize=256)
def _statutory(year: int) -> tuple[tuple[date, str], ...]:
    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    lunar = LUNAR_FESTIVALS.get(year)
    if lunar is not None:
        spring, dragon_boat, mid_autumn = (date.fromisoformat(f"{year}-{md}") for md in lunar)
        for offset in range(-1, 3):  # 除夕 (eve) and 正月初一 to 初三
            days[spring + timedelta(days=offset)] = "春节"
        days[dragon_boat] = "端午节"
        days[mid_autumn] = "中秋节"
    qm = qingming(year)
    if qm is not None:
        days[qm] = "清明节"
    days[date(year, 5, 1)] = "劳动节"
    days[date(year, 5, 2)] = "劳动节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return tuple(sorted(days.items()))


def statutory_holidays(year: int) -> dict[date, str]:
    """The nationwide statutory holidays of ``year`` whose dates are computable in advance.

    Day counts follow 全国年节及纪念日放假办法 as revised in force from 2025-01-01 (13 days):
    元旦 1 (01-01), 春节 4 (eve and 正月初一 to 初三), 清明节 1 (the solar term day),
    劳动节 2 (05-01, 05-02), 端午节 1, 中秋节 1, 国庆节 3 (10-01 to 10-03). These counts are
    applied to any year counted without a schedule.

    The lunar festivals are known for the years of :data:`LUNAR_FESTIVALS`, Qingming for
    2000-2099; outside those ranges only the fixed-date holidays are returned. Days falling on a
    weekend are included. What the yearly notice adds (bridging days, the compensating weekday
    for a holiday on a weekend, make-up Saturdays) cannot be known in advance and is not
    modelled: that is why such deadlines are provisional.
    """
    return dict(_statutory(year))


# ---------------------------------------------------------------------------------------------
# Calendar


@dataclass(frozen=True)
class _YearTable:
    """Pre-computed working days of one year, for O(log n) deadline arithmetic."""

    provisional: bool
    first: int  # ordinal of 1 January
    last: int  # ordinal of 31 December
    flags: bytes  # flags[ordinal - first] == 1 for a working day
    ordinals: tuple[int, ...]  # ordinals of the working days, ascending


def _build_table(year: int, off: Iterable[date], on: Iterable[date], provisional: bool) -> _YearTable:
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    # date.weekday() of ordinal o is (o + 6) % 7
    flags = bytearray(1 if (o + 6) % 7 < 5 else 0 for o in range(first, last + 1))
    for d in off:
        flags[d.toordinal() - first] = 0
    for d in on:
        flags[d.toordinal() - first] = 1
    ordinals = tuple(first + i for i, flag in enumerate(flags) if flag)
    return _YearTable(provisional, first, last, bytes(flags), ordinals)


def _schedule_table(schedule: YearSchedule) -> _YearTable:
    off = (d for b in schedule.holidays for d in b.days())
    return _build_table(schedule.year, off, schedule.workdays, provisional=False)


def _provisional_table(year: int) -> _YearTable:
    return _build_table(year, (d for d, _ in _statutory(year)), (), provisional=True)


def _paths(paths_or_dir: PathLike | Iterable[PathLike] | None) -> list[Path]:
    if paths_or_dir is None:
        roots: list[Path] = [CALENDAR_DIR]
    elif isinstance(paths_or_dir, (str, os.PathLike)):
        roots = [Path(paths_or_dir)]
    else:
        roots = [Path(p) for p in paths_or_dir]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(sorted(root.glob("*.json")))
        else:
            files.append(root)
    return files


class Calendar:
    """Working days from loaded yearly schedules, provisional counting for the other years.

    Reads are cheap (binary search in per-year tables built once); :meth:`load_year` replaces a
    year's table atomically, so a shared instance can be updated while it is being read.
    """

    def __init__(self, schedules: Iterable[YearSchedule | Mapping[str, Any]] = ()) -> None:
        self._schedules: dict[int, YearSchedule] = {}
        self._tables: dict[int, _YearTable] = {}
        for schedule in schedules:
            self.load_year(schedule)

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, paths_or_dir: PathLike | Iterable[PathLike] | None = None) -> Calendar:
        """A calendar from JSON files: a directory (its ``*.json``), a file, or a list of either.

        ``None`` loads the shipped schedules in :data:`CALENDAR_DIR`. Two files for the same
        year are an error (use :meth:`load_year` on an existing calendar to replace one).
        """
        calendar = cls()
        origin: dict[int, Path] = {}
        for path in _paths(paths_or_dir):
            schedule = _read_file(path)
            if schedule.year in origin:
                raise CalendarDataError(f"{schedule.year}: schedule given twice, in {origin[schedule.year]} and {path}")
            origin[schedule.year] = path
            calendar.load_year(schedule)
        return calendar

    def load_file(self, path: PathLike) -> YearSchedule:
        """Add or replace the year held in a JSON file; returns the validated schedule."""
        return self.load_year(_read_file(Path(path)))

    def load_year(self, data: YearSchedule | Mapping[str, Any]) -> YearSchedule:
        """Add or replace one year's schedule (validated, see :meth:`YearSchedule.from_dict`).

        Deadlines computed before the call are not changed: recompute the provisional ones.
        """
        schedule = data if isinstance(data, YearSchedule) else YearSchedule.from_dict(data)
        table = _schedule_table(schedule)
        # Table first: every read goes through the tables, so readers never see a half-load.
        self._tables[schedule.year] = table
        self._schedules[schedule.year] = schedule
        return schedule

    # -- inspection ---------------------------------------------------------------------------

    @property
    def years(self) -> tuple[int, ...]:
        """The years with a loaded schedule, ascending."""
        return tuple(sorted(self._schedules))

    def has_schedule(self, year: int) -> bool:
        return year in self._schedules

    def schedule(self, year: int) -> YearSchedule | None:
        return self._schedules.get(year)

    def holiday_name(self, d: date) -> str | None:
        """The name of the break (or, without a schedule, the statutory holiday) ``d`` is in."""
        _check_date(d, "d")
        d = _as_date(d)
        schedule = self._schedules.get(d.year)
        if schedule is None:
            return dict(_statutory(d.year)).get(d)
        for b in schedule.holidays:
            if d in b:
                return b.name
        return None

    # -- arithmetic ---------------------------------------------------------------------------

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            table = self._tables.setdefault(year, _provisional_table(year))
        return table

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (provisionally so in a year without a schedule)."""
        _check_date(d, "d")
        table = self._table(d.year)
        return table.flags[d.toordinal() - table.first] == 1

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The ``n``-th working day after ``start`` (``start`` is day 0 and never counted).

        ``n`` must be >= 0; ``n == 0`` gives ``start`` itself. The result is provisional when
        any day in ``(start, due]`` lies in a year without a loaded schedule.
        """
        _check_date(start, "start")
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        start = _as_date(start)
        if n == 0:
            return Deadline(start, False)
        origin = start.toordinal()
        year = start.year
        table = self._table(year)
        index = bisect_right(table.ordinals, origin)
        remaining = n
        provisional = False
        while True:
            available = len(table.ordinals) - index
            if remaining <= available:
                # The due day lies in this year, after the start: counted days touch this year.
                provisional = provisional or table.provisional
                return Deadline(date.fromordinal(table.ordinals[index + remaining - 1]), provisional)
            # Every day of this year after the start is counted (if there is any such day).
            if table.provisional and table.last > origin:
                provisional = True
            remaining -= available
            year += 1
            table = self._table(year)
            index = 0

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``; negative (minus those in ``(b, a]``) when ``b < a``.

        ``workdays_between(start, add_workdays(start, n).due) == n``; with ``a = today`` and
        ``b = due`` it is the working days left (0 on the due day, negative once overdue).
        """
        _check_date(a, "a")
        _check_date(b, "b")
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        lo, hi = a.toordinal(), b.toordinal()
        total = 0
        for year in range(a.year, b.year + 1):
            ordinals = self._table(year).ordinals
            total += bisect_right(ordinals, hi) - bisect_right(ordinals, lo)
        return total

    def is_overdue(self, deadline: Deadline | date, today: date) -> bool:
        """True from the calendar day after the due date (the due day itself is still in time)."""
        due = deadline.due if isinstance(deadline, Deadline) else deadline
        _check_date(due, "deadline")
        _check_date(today, "today")
        return _as_date(today) > _as_date(due)


def _check_date(value: object, name: str) -> None:
    if not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")


def _as_date(d: date) -> date:
    """A plain date (a datetime is reduced to its date)."""
    return date(d.year, d.month, d.day) if type(d) is not date else d


def _read_file(path: Path) -> YearSchedule:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as exc:
        raise CalendarDataError(f"{path}: not valid JSON: {exc}") from None
    except UnicodeDecodeError as exc:  # e.g. saved as GB18030 by a Chinese editor
        raise CalendarDataError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        schedule = YearSchedule.from_dict(data)
    except CalendarDataError as exc:
        raise CalendarDataError(f"{path}: {exc}") from None
    if path.stem.isdigit() and int(path.stem) != schedule.year:
        raise CalendarDataError(f"{path}: file name says {path.stem} but it holds year {schedule.year}")
    return schedule
