"""Publicity periods, severity and earliest repair dates of administrative penalties (SPEC §3-§5).

The rules are data (``rules/publicity.json``), selected by the decision date; this module parses
penalty types, loads and validates the rule data, and assesses one record at a time. It is called
for every imported row, so everything that can be looked up is precomputed on load.

Conventions (the same everywhere in the platform):

* Periods are whole calendar months or years added to the decision date. When the target month
  is shorter, the day is clamped to its last day: 2024-02-29 + 1 year = 2025-02-28,
  2023-11-30 + 3 months = 2024-02-29, 2024-01-31 + 1 month = 2024-02-29.
* The publicity window is half-open: ``publicity_start`` is the decision date and the record is
  displayed on every day ``d`` with ``publicity_start <= d < publicity_end``, where
  ``publicity_end = decision_date + max``. Publication stops ON ``publicity_end``; the last day on
  display is the day before (``Publicity.publicity_last_day``).
* ``repairable_from = decision_date + min`` is the first day on which a repair application may be
  filed (the minimum period has then run in full, in the same half-open sense).
* A record that is not published (``published`` is False) has no window; its ``repairable_from``
  still tells when the record could be repaired (for the special credit report, which lists
  unpublished penalties too). A record that cannot be repaired has ``repairable_from`` None.
* A decision with several penalty types takes the most severe severity among its types; with the
  default table that is the severity of its heaviest type. ``其他`` ranks below every named type
  when looking for the heaviest, since "other" says nothing about weight.
* An explicit severity sent by the department wins over the defaults and department overrides.
* A domain track (market supervision) replaces the date-selected rule set's window for records of
  its domains decided while it is in force; the severity is still computed and reported.
"""

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from .text import fold_width

DEFAULT_RULES_PATH = Path(__file__).with_name("rules") / "publicity.json"

# Administrative Penalty Law art. 9, lightest to heaviest, plus "other" (SPEC §3).
PENALTY_TYPES = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
)
OTHER = "其他"
WARNING = "警告"
FINE = "罚款"
_TYPE_RANK = {name: i for i, name in enumerate(PENALTY_TYPES)}
# Rank used by heaviest(): "other" sorts below every named type.
_WEIGHT = {name: (-1 if name == OTHER else i) for i, name in enumerate(PENALTY_TYPES)}

SEVERITIES = ("minor", "general", "serious")
SEVERITY_LABELS_ZH = {"minor": "轻微", "general": "一般", "serious": "严重"}
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
# The spellings of a severity and of a party category that departments send, and what they mean: the
# one table the row validator and the rule book both read.
SEVERITY_ALIASES = {
    **{s: s for s in SEVERITIES},
    **{zh: s for s, zh in SEVERITY_LABELS_ZH.items()},
    **{zh + "失信": s for s, zh in SEVERITY_LABELS_ZH.items()},
}
PARTY_CATEGORY_LABELS_ZH = {
    "legal_person": "法人及非法人组织",
    "natural_person": "自然人",
    "individual_business": "个体工商户",
}
PARTY_CATEGORY_ALIASES = {
    **{c: c for c in PARTY_CATEGORY_LABELS_ZH},
    **{zh: c for c, zh in PARTY_CATEGORY_LABELS_ZH.items()},
    "法人": "legal_person",
    "非法人组织": "legal_person",
}

# Spellings departments use for the statutory names (after width folding). The pre-2021 law's
# category "暂扣或者吊销许可证、暂扣或者吊销执照" does not say which happened; it is read as the
# lighter 暂扣许可证件 (serious either way).
_VARIANTS = {
    "吊销许可证": ("吊销许可证件",),
    "吊销营业执照": ("吊销许可证件",),
    "吊销执照": ("吊销许可证件",),
    "吊销证照": ("吊销许可证件",),
    "暂扣许可证": ("暂扣许可证件",),
    "暂扣执照": ("暂扣许可证件",),
    "暂扣营业执照": ("暂扣许可证件",),
    "暂扣证照": ("暂扣许可证件",),
    "暂扣或者吊销许可证": ("暂扣许可证件",),
    "暂扣或者吊销执照": ("暂扣许可证件",),
    "暂扣或吊销许可证": ("暂扣许可证件",),
    "暂扣或吊销执照": ("暂扣许可证件",),
    "暂扣或者吊销许可证件": ("暂扣许可证件",),
    "没收违法所得和没收非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得及没收非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得和非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得及非法财物": ("没收违法所得", "没收非法财物"),
    "非法财物": ("没收非法财物",),  # second half of "没收违法所得、非法财物"
    "责令停业": ("责令停产停业",),
    "责令停产": ("责令停产停业",),
    "拘留": ("行政拘留",),
    "其它": (OTHER,),
}
_LOOKUP = {**{name: (name,) for name in PENALTY_TYPES}, **_VARIANTS}
_SEPARATORS = re.compile(r"[;,、\s]+")
_STRIP = "。.:：\"'“”‘’"


class InvalidPenaltyType(ValueError):
    """Penalty types that cannot be read; `code` is stable, messages are Chinese and English."""

    def __init__(self, code: str, message_zh: str, message_en: str, unknown: tuple = ()):
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.unknown = unknown


class InvalidSeverity(ValueError):
    """A severity that is none of minor / general / serious (or 轻微 / 一般 / 严重)."""

    def __init__(self, value):
        self.code = "severity_unknown"
        self.message_zh = f"未知的失信严重程度“{value}”，应为轻微、一般或严重"
        self.message_en = f"unknown severity {value!r}: expected minor, general or serious"
        super().__init__(self.message_en)


class RuleDataError(ValueError):
    """The publicity rule data is malformed; the message names the offending place."""


# --------------------------------------------------------------------------- penalty types


def parse_penalty_types(value) -> list[str]:
    """Canonical penalty types, deduplicated, lightest first.

    Accepts one string (separated by ; ； 、 , ， or whitespace) or a list of such strings.
    Raises InvalidPenaltyType for unknown names or when nothing is given.
    """
    return list(_parse(value))


def _parse(value) -> tuple:
    if type(value) is str:
        return _parse_text(value)
    if value is None:
        return _parse_text("")
    if isinstance(value, (list, tuple)):
        try:
            return _parse_items(tuple(value))
        except TypeError:  # unhashable items: no caching
            pass
    return _parse_text(_join(value))


def _join(items) -> str:
    return "、".join("" if v is None else str(v) for v in items)


@lru_cache(maxsize=4096)
def _parse_items(items: tuple) -> tuple:
    return _parse_text(_join(items))


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> tuple:
    found = set()
    unknown = []
    for part in _SEPARATORS.split(fold_width(text)):
        part = part.strip(_STRIP)
        if not part:
            continue
        names = _LOOKUP.get(part)
        if names is None:
            unknown.append(part)
        else:
            found.update(names)
    if unknown:
        shown_zh = "、".join(f"“{u}”" for u in unknown)
        raise InvalidPenaltyType(
            "penalty_type_unknown",
            f"未知的处罚类别{shown_zh}；应为：{'、'.join(PENALTY_TYPES)}",
            f"unknown penalty type(s) {', '.join(map(repr, unknown))}; "
            f"expected one or more of the statutory types ({len(PENALTY_TYPES)} names)",
            tuple(unknown),
        )
    if not found:
        raise InvalidPenaltyType("penalty_types_empty", "处罚类别不能为空", "penalty types are required")
    return tuple(sorted(found, key=_TYPE_RANK.__getitem__))


def heaviest(types) -> str:
    """The heaviest of the given penalty types (names or text); 其他 only when nothing else is given."""
    return max(_parse(types), key=_WEIGHT.__getitem__)


def normalise_severity(value) -> str:
    """minor / general / serious from an English key or a Chinese label; InvalidSeverity otherwise."""
    key = value.strip() if isinstance(value, str) else value
    try:
        return SEVERITY_ALIASES[key]
    except (KeyError, TypeError):
        raise InvalidSeverity(value) from None


def normalise_overrides(overrides: Mapping | None) -> dict:
    """A department's severity table checked and made canonical: {penalty type: severity}.

    Keys may use any spelling parse_penalty_types() accepts (a key naming two types sets both);
    values minor / general / serious or 轻微 / 一般 / 严重. Raises InvalidPenaltyType or
    InvalidSeverity. Store the result, so that assess() can use it without further checks.
    """
    table = {}
    for key, value in (overrides or {}).items():
        severity = normalise_severity(value)
        for name in _parse(key):
            table[name] = severity
    return table


def default_severity(types, overrides: Mapping | None = None, *, rulebook: "RuleBook | None" = None) -> str:
    """Severity of a decision from its penalty types.

    `overrides` maps penalty types to severities (a department's own table); other types use the
    rule book's defaults (the shipped rule book unless one is given).
    """
    book = rulebook if rulebook is not None else RuleBook.default()
    return book.severity_of(_parse(types), overrides)


# --------------------------------------------------------------------------- dates


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


def _shift(day: date, months: int) -> date:
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


def _as_date(value) -> date:
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise TypeError(f"decision_date must be a date, got {type(value).__name__}")


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Publicity:
    """The outcome of assessing one penalty record (see the module docstring for conventions)."""

    severity: str
    rule_set: str
    special_sector: bool
    published: bool
    publicity_start: date | None
    repairable_from: date | None
    publicity_end: date | None
    repairable: bool
    reasons: tuple = ()
    sector: str | None = None  # food, drugs, special_equipment, safety_production, fire
    track: str | None = None  # id of the domain track that chose the window, if any

    @property
    def publicity_last_day(self) -> date | None:
        """The last day on display (the day before publicity_end)."""
        return None if self.publicity_end is None else self.publicity_end - timedelta(days=1)


def is_displayed(publicity: Publicity, on: date) -> bool:
    """Whether the rules put the record on public display on day `on` (start <= on < end).

    Repair, withdrawal and objections are states of the record, not rules; callers apply them.
    """
    if not publicity.published:
        return False
    return publicity.publicity_start <= on < publicity.publicity_end


def min_period_passed(publicity: Publicity, on: date) -> bool:
    """Whether a repair application may be filed on day `on` as far as the rules go.

    True from `repairable_from` on, for repairable records; whether the obligations are
    performed, and the one-application and lock-out rules, are checked by the repair workflow.
    """
    return publicity.repairable and publicity.repairable_from <= on


# --------------------------------------------------------------------------- rule data


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


class _Reader:
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
        if value not in _TYPE_RANK:
            self.fail(path, f"unknown penalty type {value!r}")
        return value

    def severity(self, value, path):
        if value not in _SEVERITY_RANK:
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


class RuleBook:
    """Validated, precomputed publicity rules. Build with RuleBook.load() or RuleBook.from_dict()."""

    _default: "RuleBook | None" = None

    def __init__(self, data: dict, where: str = "publicity rules"):
        r = _Reader(where)
        r.obj(
            data,
            "$",
            required=("schema", "severity", "non_repairable", "special_sectors", "rule_sets"),
            optional=("revision", "tracks"),
        )
        if data["schema"] != 1:
            r.fail("$.schema", f"unsupported schema {data['schema']!r} (this code reads schema 1)")
        self.revision = data.get("revision")

        sev = r.obj(data["severity"], "$.severity", required=("by_penalty_type",))
        table = r.obj(sev["by_penalty_type"], "$.severity.by_penalty_type", optional=PENALTY_TYPES)
        missing = [t for t in PENALTY_TYPES if t not in table]
        if missing:
            r.fail("$.severity.by_penalty_type", f"missing penalty types: {'、'.join(missing)}")
        self.severity_by_type = {t: r.severity(table[t], f"$.severity.by_penalty_type.{t}") for t in PENALTY_TYPES}
        self._severity_rank = {t: _SEVERITY_RANK[s] for t, s in self.severity_by_type.items()}

        nr = r.obj(data["non_repairable"], "$.non_repairable", required=("fields", "keywords"))
        self.non_repairable_fields = self._fields(r, nr["fields"], "$.non_repairable.fields")
        self.non_repairable_keywords = tuple(r.text_list(nr["keywords"], "$.non_repairable.keywords", allow_empty=True))

        ss = r.obj(
            data["special_sectors"],
            "$.special_sectors",
            required=("by_domain", "keyword_domains", "fields", "keywords"),
        )
        by_domain = r.mapping(ss["by_domain"], "$.special_sectors.by_domain")
        self.sector_by_domain = {
            dom: r.text(sector, f"$.special_sectors.by_domain.{dom}") for dom, sector in by_domain.items()
        }
        self.keyword_domains = frozenset(
            r.text_list(ss["keyword_domains"], "$.special_sectors.keyword_domains", allow_empty=True)
        )
        self.sector_fields = self._fields(r, ss["fields"], "$.special_sectors.fields")
        kw = r.mapping(ss["keywords"], "$.special_sectors.keywords")
        self.sector_keywords = tuple(
            (word, sector)
            for sector, words in kw.items()
            for word in r.text_list(words, f"$.special_sectors.keywords.{sector}")
        )
        self.sectors = frozenset(self.sector_by_domain.values()) | frozenset(kw)
        self._sector_by_word = dict(self.sector_keywords)
        self._sector_pattern = _keyword_pattern(self._sector_by_word)
        self._non_repairable_pattern = _keyword_pattern(self.non_repairable_keywords)

        tracks = {}
        raw_tracks = data.get("tracks", [])
        if not isinstance(raw_tracks, list):
            r.fail("$.tracks", "expected a list")
        for i, raw in enumerate(raw_tracks):
            track = self._track(r, raw, f"$.tracks[{i}]")
            if track.id in tracks:
                r.fail(f"$.tracks[{i}].id", f"duplicate track id {track.id!r}")
            tracks[track.id] = track
        self.tracks = tracks

        raw_sets = data["rule_sets"]
        if not isinstance(raw_sets, list) or not raw_sets:
            r.fail("$.rule_sets", "expected a non-empty list")
        sets = [self._rule_set(r, raw, f"$.rule_sets[{i}]") for i, raw in enumerate(raw_sets)]
        ids = [s.id for s in sets]
        if len(set(ids)) != len(ids):
            r.fail("$.rule_sets", f"duplicate rule set ids in {ids}")
        if sets[0].effective_from is not None:
            r.fail("$.rule_sets[0].effective_from", "must be null: the first rule set covers every earlier decision")
        if sets[-1].effective_to is not None:
            r.fail(
                f"$.rule_sets[{len(sets) - 1}].effective_to",
                "must be null: the last rule set covers every later decision",
            )
        for i in range(1, len(sets)):
            prev, cur = sets[i - 1], sets[i]
            if prev.effective_to is None or cur.effective_from is None:
                r.fail(f"$.rule_sets[{i}]", "only the first rule set may start open and only the last end open")
            if cur.effective_from != prev.effective_to + timedelta(days=1):
                r.fail(
                    f"$.rule_sets[{i}].effective_from",
                    f"{cur.effective_from} must be the day after {prev.id!r} ends ({prev.effective_to}): "
                    "rule sets must follow each other without gap or overlap, in date order",
                )
        for i, s in enumerate(sets):
            if s.effective_from and s.effective_to and s.effective_to < s.effective_from:
                r.fail(f"$.rule_sets[{i}]", "effective_to is before effective_from")
        self.rule_sets = tuple(sets)
        self._by_id = {s.id: s for s in sets}
        self._starts = [s.effective_from.toordinal() for s in sets[1:]]
        # domain -> tracks, per rule set, for a single dict lookup at assessment time
        self._domain_tracks = {
            s.id: {dom: tuple(t for t in s.tracks if dom in t.domains) for t in s.tracks for dom in t.domains}
            for s in sets
        }

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict, where: str = "publicity rules") -> "RuleBook":
        return cls(data, where)

    @classmethod
    def load(cls, path=None) -> "RuleBook":
        """Read and validate a rule file (default: the shipped rules/publicity.json)."""
        path = Path(path) if path is not None else DEFAULT_RULES_PATH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise RuleDataError(f"{path}: not valid JSON: {exc}") from None
        return cls(data, str(path))

    @classmethod
    def default(cls) -> "RuleBook":
        """The shipped rules, loaded once."""
        if cls._default is None:
            cls._default = cls.load()
        return cls._default

    @staticmethod
    def _fields(r: _Reader, value, path) -> tuple:
        fields = r.text_list(value, path)
        for i, f in enumerate(fields):
            if f not in ("violation_type", "facts"):
                r.fail(f"{path}[{i}]", f"unknown field {f!r} (expected violation_type or facts)")
        return tuple(fields)

    def _sector_set(self, r: _Reader, value, path) -> frozenset:
        names = r.text_list(value, path)
        for i, name in enumerate(names):
            if name not in self.sectors:
                r.fail(f"{path}[{i}]", f"unknown special sector {name!r} (known: {', '.join(sorted(self.sectors))})")
        return frozenset(names)

    def _track(self, r: _Reader, raw, path) -> Track:
        spec = r.obj(
            raw,
            path,
            required=(
                "id",
                "reason",
                "domains",
                "effective_from",
                "effective_to",
                "not_published_if_only",
                "short_if_only",
                "small_fine_below_wan",
                "windows",
            ),
            optional=("special_sectors",),
        )
        thresholds = r.obj(
            spec["small_fine_below_wan"],
            f"{path}.small_fine_below_wan",
            required=("default",),
            optional=("legal_person", "natural_person", "individual_business"),
        )
        below = {}
        for key, value in thresholds.items():
            try:
                amount = Decimal(value) if isinstance(value, (str, int)) else None
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite() or amount < 0:
                r.fail(f"{path}.small_fine_below_wan.{key}", f"expected a non-negative amount string, got {value!r}")
            below[key] = amount
        windows = r.obj(spec["windows"], f"{path}.windows", required=("not_published", "short", "long"))
        not_published, _ = r.window(windows["not_published"], f"{path}.windows.not_published", "warning_only")
        if not_published.published:
            r.fail(f"{path}.windows.not_published", "must have published: false")
        short, _ = r.window(windows["short"], f"{path}.windows.short", "criticism_or_small_fine")
        long, long_special = r.window(windows["long"], f"{path}.windows.long")
        start = r.day(spec["effective_from"], f"{path}.effective_from")
        end = r.day(spec["effective_to"], f"{path}.effective_to")
        if start and end and end < start:
            r.fail(path, "effective_to is before effective_from")
        return Track(
            id=r.text(spec["id"], f"{path}.id"),
            title=spec.get("title", ""),
            reason=r.text(spec["reason"], f"{path}.reason"),
            domains=frozenset(r.text_list(spec["domains"], f"{path}.domains")),
            effective_from=start,
            effective_to=end,
            not_published_if_only=frozenset(
                r.penalty_type(t, f"{path}.not_published_if_only[{i}]")
                for i, t in enumerate(r.text_list(spec["not_published_if_only"], f"{path}.not_published_if_only"))
            ),
            short_if_only=frozenset(
                r.penalty_type(t, f"{path}.short_if_only[{i}]")
                for i, t in enumerate(r.text_list(spec["short_if_only"], f"{path}.short_if_only"))
            ),
            small_fine_below=below,
            special_sectors=self._sector_set(r, spec["special_sectors"], f"{path}.special_sectors")
            if "special_sectors" in spec
            else frozenset(),
            not_published=not_published,
            short=short,
            long=long,
            long_special=long_special,
        )

    def _rule_set(self, r: _Reader, raw, path) -> RuleSet:
        spec = r.obj(
            raw,
            path,
            required=("id", "effective_from", "effective_to", "windows"),
            optional=("tracks", "special_sectors"),
        )
        windows_spec = r.obj(spec["windows"], f"{path}.windows", optional=(*SEVERITIES, "default"))
        windows = {}
        for severity in SEVERITIES:
            key = severity if severity in windows_spec else "default"
            if key not in windows_spec:
                r.fail(f"{path}.windows", f"no window for {severity!r} and no 'default'")
            plain, special = r.window(
                windows_spec[key], f"{path}.windows.{key}", unpublished_reason=f"{severity}_not_published"
            )
            windows[severity, False] = plain
            windows[severity, True] = special
        special_sectors = (
            self._sector_set(r, spec["special_sectors"], f"{path}.special_sectors")
            if "special_sectors" in spec
            else frozenset()
        )
        track_ids = r.text_list(spec.get("tracks", []), f"{path}.tracks", allow_empty=True)
        for i, tid in enumerate(track_ids):
            if tid not in self.tracks:
                r.fail(f"{path}.tracks[{i}]", f"unknown track {tid!r}")
        return RuleSet(
            id=r.text(spec["id"], f"{path}.id"),
            title=spec.get("title", ""),
            effective_from=r.day(spec["effective_from"], f"{path}.effective_from"),
            effective_to=r.day(spec["effective_to"], f"{path}.effective_to"),
            tracks=tuple(self.tracks[t] for t in track_ids),
            special_sectors=special_sectors,
            windows=windows,
        )

    # -- queries ------------------------------------------------------------------------

    def rule_set(self, rule_set_id: str) -> RuleSet:
        return self._by_id[rule_set_id]

    def rule_set_for(self, decision_date: date) -> RuleSet:
        """The rule set in force for a decision taken on `decision_date`."""
        return self.rule_sets[bisect.bisect_right(self._starts, _as_date(decision_date).toordinal())]

    def severity_of(self, types: tuple, overrides: Mapping | None = None) -> str:
        """The most severe severity among canonical `types`, with a department's overrides."""
        ranks = self._severity_rank
        if overrides:
            best = max(_SEVERITY_RANK[normalise_severity(overrides[t])] if t in overrides else ranks[t] for t in types)
        else:
            best = max(ranks[t] for t in types)
        return SEVERITIES[best]

    def sector_of(self, domain: str | None, violation_type: str | None, facts: str | None = "") -> str | None:
        """The special sector of a record, or None.

        For keyword domains the fields are searched in the configured order and, within a field,
        the keyword occurring first in the text decides.
        """
        sector = self.sector_by_domain.get(domain)
        if sector is not None or domain not in self.keyword_domains or self._sector_pattern is None:
            return sector
        word = _search(self._sector_pattern, self.sector_fields, violation_type, facts)
        return None if word is None else self._sector_by_word[word]

    def non_repairable_match(self, violation_type: str | None, facts: str | None = "") -> str | None:
        """The non-repairable keyword found in the configured fields, or None."""
        if self._non_repairable_pattern is None:
            return None
        return _search(self._non_repairable_pattern, self.non_repairable_fields, violation_type, facts)

    def assess(self, **kwargs) -> Publicity:
        """Same as the module-level assess(self, ...)."""
        return assess(self, **kwargs)


def _keyword_pattern(words) -> "re.Pattern | None":
    """One alternation for all keywords (longest first), or None when there are none."""
    words = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _search(pattern: re.Pattern, fields: tuple, violation_type, facts) -> str | None:
    for field in fields:
        text = violation_type if field == "violation_type" else facts
        if text:
            match = pattern.search(text)
            if match is not None:
                return match.group()
    return None


def _track_window(track: Track, types: tuple, fine_amount, party_category, sector, reasons: list) -> Window:
    if track.not_published_if_only.issuperset(types):
        return track.not_published
    if track.short_if_only.issuperset(types):
        if FINE not in types:
            return track.short
        amount = _amount(fine_amount)
        if amount is None:
            reasons.append("fine_amount_unknown")
        else:
            category = PARTY_CATEGORY_ALIASES.get(party_category, "default")
            limit = track.small_fine_below.get(category, track.small_fine_below["default"])
            if amount < limit:
                return track.short
    return track.long_special if sector in track.special_sectors else track.long


def _amount(value) -> Decimal | float | None:
    """A fine amount in 万元 for comparison, or None when not given."""
    if value is None:
        return None
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return value
    text = fold_width(str(value)).strip().replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"fine_amount {value!r} is not a number") from None
    return amount if amount.is_finite() else None


_new_publicity = object.__new__


def assess(
    rulebook: RuleBook,
    *,
    decision_date: date,
    penalty_types,
    domain: str,
    violation_type: str,
    facts: str = "",
    explicit_severity: str | None = None,
    fine_amount=None,
    department_overrides: Mapping | None = None,
    party_category: str | None = None,
) -> Publicity:
    """Assess one penalty record: severity, rule set, publicity window and repair date.

    `penalty_types` is text or a list (see parse_penalty_types); `fine_amount` is in 万元
    (Decimal, number or string); `department_overrides` maps penalty types to severities;
    `explicit_severity` (minor / general / serious or 轻微 / 一般 / 严重) wins when given;
    `party_category` (legal_person / natural_person / individual_business or the Chinese labels)
    chooses the market supervision track's small-fine threshold (unknown: the `default` one).
    Raises InvalidPenaltyType or InvalidSeverity for unreadable input.
    """
    day = decision_date if type(decision_date) is date else _as_date(decision_date)
    types = _parse_text(penalty_types) if type(penalty_types) is str else _parse(penalty_types)
    rule_set = rulebook.rule_sets[bisect.bisect_right(rulebook._starts, day.toordinal())]

    if explicit_severity and (type(explicit_severity) is not str or explicit_severity.strip()):
        severity = normalise_severity(explicit_severity)
        reasons = ["explicit_severity"]
    else:
        severity = rulebook.severity_of(types, department_overrides)
        reasons = ["department_severity" if department_overrides else "default_severity"]

    sector = rulebook.sector_by_domain.get(domain)
    if sector is None and domain in rulebook.keyword_domains:
        sector = rulebook.sector_of(domain, violation_type, facts)
    if sector is not None:
        reasons.append("special_sector")

    window = track_id = None
    for track in rulebook._domain_tracks[rule_set.id].get(domain, ()):
        if track.in_force(day):
            reasons.append(track.reason)
            window = _track_window(track, types, fine_amount, party_category, sector, reasons)
            track_id = track.id
            break
    if window is None:
        window = rule_set.windows[severity, sector in rule_set.special_sectors]
    if window.reason is not None:
        reasons.append(window.reason)

    blocked = rulebook.non_repairable_match(violation_type, facts)
    if blocked is not None:
        reasons.append("non_repairable_keyword")

    # Built without the generated __init__ (one frozen setattr per field): this is the hot path.
    result = _new_publicity(Publicity)
    result.__dict__.update(
        severity=severity,
        rule_set=rule_set.id,
        special_sector=sector is not None,
        published=window.published,
        publicity_start=day if window.published else None,
        repairable_from=None if blocked is not None else _shift(day, window.min_months),
        publicity_end=_shift(day, window.max_months) if window.published else None,
        repairable=blocked is None,
        reasons=tuple(reasons),
        sector=sector,
        track=track_id,
    )
    return result
