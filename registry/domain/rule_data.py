"""The parts of a publicity rule book (windows, domain tracks, rule sets) and the checks raw rule data goes through."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .penalty_types import TYPE_RANK
from .periods import parse_period
from .severity import SEVERITIES, SEVERITY_RANK


class RuleDataError(ValueError):
    """The publicity rule data is malformed; the message names the offending place."""


@dataclass(frozen=True, slots=True)
class Window:
    """A publicity window in months; `max_months` is None when not published."""

    published: bool
    min_months: int
    max_months: int | None
    reason: str | None = None


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    reason: str
    domains: frozenset
    effective_from: date | None
    effective_to: date | None
    not_published_if_only: frozenset
    short_if_only: frozenset
    small_fine_below: Mapping  # party category key (or "default") -> Decimal, 万元, exclusive
    special_sectors: frozenset
    not_published: Window
    short: Window
    long: Window
    long_special: Window

    def in_force(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    effective_from: date | None
    effective_to: date | None
    tracks: tuple  # Track objects, in data order
    special_sectors: frozenset
    windows: Mapping  # (severity, special: bool) -> Window

    def window(self, severity: str, special: bool) -> Window:
        return self.windows[severity, special]


class RuleReader:
    """Small helpers that turn malformed data into RuleDataError naming the place."""

    def __init__(self, where: str):
        self.where = where

    def fail(self, path: str, message: str):
        raise RuleDataError(f"{self.where}: {path}: {message}")

    def obj(self, value, path, required=(), optional=()):
        if not isinstance(value, dict):
            self.fail(path, "expected an object")
        allowed = set(required) | set(optional) | {"note", "title"}
        for key in value:
            if key not in allowed:
                self.fail(path, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in value:
                self.fail(path, f"missing key {key!r}")
        return value

    def mapping(self, value, path):
        """An object whose keys are free (domains, sectors)."""
        if not isinstance(value, dict):
            self.fail(path, "expected an object")
        return value

    def text(self, value, path, allow_empty=False):
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            self.fail(path, "expected a non-empty string")
        return value

    def text_list(self, value, path, allow_empty=False):
        if not isinstance(value, list) or (not allow_empty and not value):
            self.fail(path, "expected a non-empty list of strings")
        return [self.text(v, f"{path}[{i}]") for i, v in enumerate(value)]

    def day(self, value, path, nullable=True):
        if value is None and nullable:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(path, f"expected a date YYYY-MM-DD{' or null' if nullable else ''}, got {value!r}")

    def period(self, value, path):
        try:
            return parse_period(value)
        except ValueError as exc:
            self.fail(path, str(exc))

    def penalty_type(self, value, path):
        if value not in TYPE_RANK:
            self.fail(path, f"unknown penalty type {value!r}")
        return value

    def severity(self, value, path):
        if value not in SEVERITY_RANK:
            self.fail(path, f"unknown severity {value!r} (expected {', '.join(SEVERITIES)})")
        return value

    def window(self, value, path, reason=None, unpublished_reason=None):
        """Return (normal, special-sector) Window objects; reasons are recorded on assessments."""
        spec = self.obj(
            value, path, required=("min",), optional=("published", "max", "special_sector_min", "special_sector_max")
        )
        published = spec.get("published", True)
        if not isinstance(published, bool):
            self.fail(f"{path}.published", "expected true or false")
        lo = self.period(spec["min"], f"{path}.min")
        if not published:
            for key in ("max", "special_sector_min", "special_sector_max"):
                if key in spec:
                    self.fail(f"{path}.{key}", "not allowed when published is false")
            plain = Window(False, lo, None, unpublished_reason or reason)
            return plain, plain
        if "max" not in spec:
            self.fail(path, "missing key 'max' (required when published)")
        hi = self.period(spec["max"], f"{path}.max")
        if hi == 0:
            self.fail(f"{path}.max", "must be longer than zero (use published: false instead)")
        if lo > hi:
            self.fail(path, f"min ({spec['min']}) is longer than max ({spec['max']})")
        s_lo = (
            self.period(spec["special_sector_min"], f"{path}.special_sector_min")
            if ("special_sector_min" in spec)
            else lo
        )
        s_hi = (
            self.period(spec["special_sector_max"], f"{path}.special_sector_max")
            if ("special_sector_max" in spec)
            else hi
        )
        if s_lo > s_hi:
            self.fail(path, "special_sector_min is longer than the special-sector max")
        special_reason = "special_sector_minimum" if (s_lo, s_hi) != (lo, hi) else reason
        return Window(True, lo, hi, reason), Window(True, s_lo, s_hi, special_reason)
