"""The publicity rule book: rule data validated and precomputed for one lookup per record (SPEC §3-§5)."""

import bisect
import json
import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .lists import read_list_rules
from .penalty_types import PENALTY_TYPES
from .periods import as_date
from .rule_data import RuleDataError, RuleReader, RuleSet, Track
from .severity import SEVERITIES, SEVERITY_RANK, normalise_severity

DEFAULT_RULES_PATH = Path(__file__).with_name("rules") / "publicity.json"


class RuleBook:
    """Validated, precomputed publicity rules. Build with RuleBook.load() or RuleBook.from_dict()."""

    _default: "RuleBook | None" = None

    def __init__(self, data: dict, where: str = "publicity rules"):
        r = RuleReader(where)
        r.obj(
            data,
            "$",
            required=("schema", "severity", "non_repairable", "special_sectors", "rule_sets"),
            optional=("revision", "tracks", "obligations", "lists"),
        )
        if data["schema"] != 1:
            r.fail("$.schema", f"unsupported schema {data['schema']!r} (this code reads schema 1)")
        self.revision = data.get("revision")
        self.long_term_dates = self._long_term_dates(r, data.get("obligations", {"long_term_dates": []}))
        self.lists = read_list_rules(r, data.get("lists", {"kinds": {}}))

        sev = r.obj(data["severity"], "$.severity", required=("by_penalty_type",))
        table = r.obj(sev["by_penalty_type"], "$.severity.by_penalty_type", optional=PENALTY_TYPES)
        missing = [t for t in PENALTY_TYPES if t not in table]
        if missing:
            r.fail("$.severity.by_penalty_type", f"missing penalty types: {'、'.join(missing)}")
        self.severity_by_type = {t: r.severity(table[t], f"$.severity.by_penalty_type.{t}") for t in PENALTY_TYPES}
        self._severity_rank = {t: SEVERITY_RANK[s] for t, s in self.severity_by_type.items()}

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
    def _long_term_dates(r: RuleReader, value, path="$.obligations") -> frozenset:
        section = r.obj(value, path, required=("long_term_dates",))
        dates = r.text_list(section["long_term_dates"], f"{path}.long_term_dates", allow_empty=True)
        return frozenset(r.day(day, f"{path}.long_term_dates[{i}]", nullable=False) for i, day in enumerate(dates))

    def is_long_term(self, valid_until: date | None) -> bool:
        """Whether 处罚有效期 holds the layout's sentinel for 长期 rather than a real day."""
        return valid_until in self.long_term_dates

    def obligations_until(self, valid_until: date | None) -> date | None:
        """The last day a penalty's obligations run, which delays repair until the day after it; None
        when no day is given or the day is the 长期 sentinel (performance is shown by the materials)."""
        return None if valid_until is None or self.is_long_term(valid_until) else valid_until

    @staticmethod
    def _fields(r: RuleReader, value, path) -> tuple:
        fields = r.text_list(value, path)
        for i, f in enumerate(fields):
            if f not in ("violation_type", "facts"):
                r.fail(f"{path}[{i}]", f"unknown field {f!r} (expected violation_type or facts)")
        return tuple(fields)

    def _sector_set(self, r: RuleReader, value, path) -> frozenset:
        names = r.text_list(value, path)
        for i, name in enumerate(names):
            if name not in self.sectors:
                r.fail(f"{path}[{i}]", f"unknown special sector {name!r} (known: {', '.join(sorted(self.sectors))})")
        return frozenset(names)

    def _track(self, r: RuleReader, raw, path) -> Track:
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

    def _rule_set(self, r: RuleReader, raw, path) -> RuleSet:
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
        return self.rule_sets[bisect.bisect_right(self._starts, as_date(decision_date).toordinal())]

    def severity_of(self, types: tuple, overrides: Mapping | None = None) -> str:
        """The most severe severity among canonical `types`, with a department's overrides."""
        ranks = self._severity_rank
        if overrides:
            best = max(SEVERITY_RANK[normalise_severity(overrides[t])] if t in overrides else ranks[t] for t in types)
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
