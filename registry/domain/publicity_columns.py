"""publicity.assess() over a batch of typed columns: the rule book compiled into polars expressions.

Every rule comes from the loaded RuleBook (rule set starts, severity table, sector domains and
keywords, tracks, windows); nothing here restates a period, a severity or a keyword. The result
has, per row, the fields of publicity.Publicity with the same values (tests/domain prove it on
generated rows); reasons is a list column.

Input columns (one row per penalty record; nulls where a row has no value):

* ``decision_date`` Date; ``penalty_types`` List(String) of canonical names, as the validator gives
  them (publicity.assess also reads text; here the parsing is the validator's job);
* ``domain`` String (the source department's domain); ``violation_type``, ``facts`` String;
* ``explicit_severity`` String (any spelling normalise_severity reads); ``fine_amount`` a number in
  万元 (compared exactly, as a decimal); ``party_category`` String.

A batch belongs to one department, so its severity overrides are one mapping for the whole batch.
"""

from collections.abc import Mapping
from itertools import product

import polars as pl

from .penalty_types import FINE, PENALTY_TYPES
from .rule_data import Window
from .rulebook import RuleBook
from .severity import (
    PARTY_CATEGORY_ALIASES,
    SEVERITIES,
    SEVERITY_ALIASES,
    SEVERITY_RANK,
    InvalidSeverity,
    normalise_severity,
)

OUTPUT_COLUMNS = ("severity", "rule_set", "special_sector", "published", "publicity_start", "repairable_from",
                  "publicity_end", "repairable", "reasons", "sector", "track")
AMOUNT_SCALE = 6  # decimals of an amount the validator accepts (values.parse_amount)
INPUT_SCHEMA = {"decision_date": pl.Date, "penalty_types": pl.List(pl.String), "domain": pl.String,
                "violation_type": pl.String, "facts": pl.String, "explicit_severity": pl.String,
                "fine_amount": pl.Decimal(38, AMOUNT_SCALE), "party_category": pl.String}
_INT = pl.Int32


def _first_match(words, fields: tuple) -> pl.Expr:
    """The keyword RuleBook finds (fields in order; in a field the leftmost match, the longest
    keyword first at a position), or null."""
    if not words:
        return pl.lit(None, dtype=pl.String)
    alternation = "|".join(pl.escape_regex(w) for w in sorted(set(words), key=len, reverse=True))
    return pl.coalesce([pl.col(field).str.extract(f"({alternation})", 1) for field in fields])


def _lookup(expr: pl.Expr, mapping: Mapping, dtype, default=None) -> pl.Expr:
    return expr.replace_strict(dict(mapping), default=default, return_dtype=dtype)


def _member(expr: pl.Expr, values) -> pl.Expr:
    """Whether the value is one of `values` (False, not null, for a null value)."""
    return expr.is_in(list(values)).fill_null(False)


# Penalty types are a bit mask per row: one bit per statutory type (list operations inside
# conditional expressions are orders of magnitude slower than integer ones in polars).
_BIT = {name: 1 << i for i, name in enumerate(PENALTY_TYPES)}


def _mask(types) -> int:
    return sum(_BIT[t] for t in set(types))


def _types_mask() -> pl.Expr:
    bits = pl.element().replace_strict(_BIT, return_dtype=_INT).bitwise_or()
    return pl.col("penalty_types").list.eval(bits).list.first()


def _only(allowed: frozenset) -> pl.Expr:
    """Whether every penalty type of the row is in `allowed` (Track.*_if_only.issuperset(types))."""
    return (pl.col("_types") & ~_mask(allowed)) == 0


class PublicityColumns:
    """A RuleBook compiled once into the tables its expressions read; assess() takes a DataFrame."""

    def __init__(self, rulebook: RuleBook):
        self.rulebook = rulebook
        self._plans: dict = {}  # department severity table -> the stages of expressions
        self._windows: list[Window] = []  # every window of the book, addressed by position
        self._window_index: dict[int, int] = {}
        sets = rulebook.rule_sets
        self._set_windows = {
            (k * len(SEVERITIES) + SEVERITY_RANK[severity]) * 2 + special: self._number(window)
            for k, rule_set in enumerate(sets) for (severity, special), window in rule_set.windows.items()
        }
        self._tracks = list(rulebook.tracks.values())
        self._track_windows = [
            {name: self._number(getattr(t, name)) for name in ("not_published", "short", "long", "long_special")}
            for t in self._tracks
        ]
        self._scale = max([AMOUNT_SCALE] + [-limit.as_tuple().exponent for t in self._tracks
                                            for limit in t.small_fine_below.values()])

    def _number(self, window: Window) -> int:
        """The window's position in self._windows (added on first sight)."""
        if id(window) not in self._window_index:
            self._window_index[id(window)] = len(self._windows)
            self._windows.append(window)
        return self._window_index[id(window)]

    # -- the expressions -----------------------------------------------------------------

    def _rule_set(self, day: pl.Expr) -> pl.Expr:
        """Index of the rule set in force on the decision date (RuleBook.rule_set_for)."""
        chain = pl.lit(0, dtype=_INT)
        for k, rule_set in enumerate(self.rulebook.rule_sets[1:], start=1):
            chain = pl.when(day >= rule_set.effective_from).then(pl.lit(k, dtype=_INT)).otherwise(chain)
        return chain

    def _track(self, day: pl.Expr) -> pl.Expr:
        """Index (in self._tracks) of the first track of the row's rule set, domain and date, or null."""
        number = {t.id: j for j, t in enumerate(self._tracks)}
        chain = pl.lit(None, dtype=_INT)
        for k, rule_set in reversed(list(enumerate(self.rulebook.rule_sets))):
            for track in reversed(rule_set.tracks):
                in_force = pl.lit(True)
                if track.effective_from is not None:
                    in_force = in_force & (day >= track.effective_from)
                if track.effective_to is not None:
                    in_force = in_force & (day <= track.effective_to)
                applies = (pl.col("_set") == k) & _member(pl.col("domain"), track.domains) & in_force
                chain = pl.when(applies).then(pl.lit(number[track.id], dtype=_INT)).otherwise(chain)
        return chain

    def _keyword_sector(self) -> pl.Expr:
        """The sector named by a keyword, for rows of the keyword domains (RuleBook.sector_of)."""
        book = self.rulebook
        word = _first_match([w for w, _ in book.sector_keywords], book.sector_fields)
        in_scope = _member(pl.col("domain"), book.keyword_domains)
        return pl.when(in_scope).then(_lookup(word, dict(book.sector_keywords), pl.String))

    def _severity_rank(self, overrides: Mapping | None) -> pl.Expr:
        ranks = {t: SEVERITY_RANK[s] for t, s in self.rulebook.severity_by_type.items()}
        for t in PENALTY_TYPES:
            if overrides and t in overrides:
                ranks[t] = SEVERITY_RANK[normalise_severity(overrides[t])]
        by_types = pl.when(pl.col("_types") == 0).then(pl.lit(None, dtype=_INT))  # no type: assess() refuses it
        for rank in sorted(set(ranks.values()), reverse=True):  # the most severe of the row's types
            bits = _mask(t for t, r in ranks.items() if r == rank)
            by_types = by_types.when((pl.col("_types") & bits) != 0).then(pl.lit(rank, dtype=_INT))
        return pl.when(pl.col("_explicit")).then(pl.col("_explicit_rank")).otherwise(by_types.otherwise(None))

    def _track_window(self, j: int) -> tuple[pl.Expr, pl.Expr]:
        """(window number, whether the fine amount was needed and missing) under track j."""
        track, numbers = self._tracks[j], self._track_windows[j]
        decimal = pl.Decimal(38, self._scale)
        limits = {alias: track.small_fine_below.get(category, track.small_fine_below["default"])
                  for alias, category in PARTY_CATEGORY_ALIASES.items()}
        limit = _lookup(pl.col("party_category"), limits, decimal, default=pl.lit(track.small_fine_below["default"],
                                                                                   dtype=decimal))
        amount = pl.col("fine_amount").cast(decimal)
        only_short = _only(track.short_if_only)
        has_fine = (pl.col("_types") & _BIT[FINE]) != 0
        not_published = _only(track.not_published_if_only)
        long = pl.when(_member(pl.col("sector"), track.special_sectors)).then(numbers["long_special"]) \
            .otherwise(numbers["long"])
        window = (pl.when(not_published).then(numbers["not_published"])
                  .when(only_short & (~has_fine | (amount < limit))).then(numbers["short"])
                  .otherwise(long))
        return window, ~not_published & only_short & has_fine & amount.is_null()

    def _window(self) -> tuple[pl.Expr, pl.Expr]:
        special = pl.lit(False)
        for k, rule_set in enumerate(self.rulebook.rule_sets):
            special = special | ((pl.col("_set") == k) & _member(pl.col("sector"), rule_set.special_sectors))
        key = (pl.col("_set") * len(SEVERITIES) + pl.col("_rank")) * 2 + special.cast(_INT)
        window = _lookup(key, self._set_windows, _INT)
        unknown_fine = pl.lit(False)
        for j in range(len(self._tracks)):
            by_track, missing = self._track_window(j)
            window = pl.when(pl.col("_track") == j).then(by_track).otherwise(window)
            unknown_fine = pl.when(pl.col("_track") == j).then(missing).otherwise(unknown_fine)
        return window, unknown_fine

    # -- assessing -----------------------------------------------------------------------

    def assess(self, frame: pl.DataFrame, department_overrides: Mapping | None = None) -> pl.DataFrame:
        """The Publicity fields of every row, as columns (OUTPUT_COLUMNS), in row order."""
        *stages, outputs = self._stages(department_overrides)
        assessed = frame
        for stage in stages:  # eager: planning a lazy query costs more than it saves here
            assessed = assessed.with_columns(**stage)
        result = assessed.select(*outputs, _invalid=pl.col("_explicit") & pl.col("_explicit_rank").is_null())
        if result["_invalid"].any():  # as assess() does, for the first explicit severity that is none
            raise InvalidSeverity(frame.filter(result["_invalid"])["explicit_severity"][0])
        return result.drop("_invalid")

    def _stages(self, overrides: Mapping | None) -> list:
        """The expressions, stage by stage (each reads the columns the earlier ones add), built once
        per department table: building them costs more than assessing a batch of thousands."""
        key = None if overrides is None else tuple(sorted(overrides.items()))
        if key not in self._plans:
            if len(self._plans) > 64:
                self._plans.clear()
            self._plans[key] = self._build(overrides)
        return self._plans[key]

    def _build(self, overrides: Mapping | None) -> list:
        book = self.rulebook
        day = pl.col("decision_date")
        explicit = pl.col("explicit_severity").str.strip_chars()
        window, unknown_fine = self._window()
        return [
            {"_types": _types_mask(),
             "_explicit": explicit.is_not_null() & (explicit != ""),
             "_explicit_rank": _lookup(explicit, {k: SEVERITY_RANK[v] for k, v in SEVERITY_ALIASES.items()}, _INT),
             "_set": self._rule_set(day),
             "sector": pl.coalesce(_lookup(pl.col("domain"), book.sector_by_domain, pl.String),
                                   self._keyword_sector()),
             "_blocked": _first_match(book.non_repairable_keywords, book.non_repairable_fields).is_not_null()},
            {"_rank": self._severity_rank(overrides), "_track": self._track(day),
             "_special": pl.col("sector").is_not_null()},
            {"_window": window, "_unknown_fine": unknown_fine},
            self._outputs(overrides),
        ]

    def _outputs(self, overrides) -> list[pl.Expr]:
        windows = dict(enumerate(self._windows))
        day, number = pl.col("decision_date"), pl.col("_window")
        published = _lookup(number, {i: w.published for i, w in windows.items()}, pl.Boolean)
        low = _lookup(number, {i: w.min_months for i, w in windows.items()}, _INT)
        high = _lookup(number, {i: w.max_months for i, w in windows.items()}, _INT)
        track_ids = dict(enumerate(t.id for t in self._tracks))
        rule_sets = dict(enumerate(s.id for s in self.rulebook.rule_sets))
        return [
            _lookup(pl.col("_rank"), dict(enumerate(SEVERITIES)), pl.String).alias("severity"),
            _lookup(pl.col("_set"), rule_sets, pl.String).alias("rule_set"),
            pl.col("_special").alias("special_sector"),
            published.alias("published"),
            pl.when(published).then(day).alias("publicity_start"),
            pl.when(~pl.col("_blocked")).then(_add_months(day, low)).alias("repairable_from"),
            pl.when(published).then(_add_months(day, high)).alias("publicity_end"),
            (~pl.col("_blocked")).alias("repairable"),
            self._reasons(overrides).alias("reasons"),
            pl.col("sector"),
            _lookup(pl.col("_track"), track_ids, pl.String).alias("track"),
        ]

    def _reasons(self, overrides) -> pl.Expr:
        """The reasons list, looked up by the flags and numbers that decide it (in assess()'s order)."""
        flags = ("_explicit", "_special", "_unknown_fine", "_blocked")
        track = pl.col("_track").fill_null(-1) + 1
        code = (pl.col("_window") * (len(self._tracks) + 1) + track).cast(pl.Int64)
        for flag in flags:
            code = code * 2 + pl.col(flag).cast(pl.Int64)
        table = {}
        for window, track_number, *bits in product(range(len(self._windows)), range(len(self._tracks) + 1),
                                                   *[(0, 1)] * len(flags)):
            explicit, special, unknown_fine, blocked = bits
            key = window * (len(self._tracks) + 1) + track_number
            for bit in bits:
                key = key * 2 + bit
            reasons = ["explicit_severity" if explicit else "department_severity" if overrides else "default_severity",
                       "special_sector" if special else None,
                       self._tracks[track_number - 1].reason if track_number else None,
                       "fine_amount_unknown" if unknown_fine else None,
                       self._windows[window].reason,
                       "non_repairable_keyword" if blocked else None]
            table[key] = [r for r in reasons if r is not None]
        return code.replace_strict(list(table), list(table.values()), return_dtype=pl.List(pl.String))


def _add_months(day: pl.Expr, months: pl.Expr) -> pl.Expr:
    """periods.add_months per row: polars clamps a month offset to the target month's last day."""
    return day.dt.offset_by(pl.format("{}mo", months))

