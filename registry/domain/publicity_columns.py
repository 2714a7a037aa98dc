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


def _only(types: pl.Expr, allowed: frozenset) -> pl.Expr:
    """Whether every penalty type of the row is in `allowed` (Track.*_if_only.issuperset(types))."""
    return types.list.eval(pl.element().is_in(list(allowed))).list.all()


class PublicityColumns:
    """A RuleBook compiled once into the tables its expressions read; assess() takes a DataFrame."""

    def __init__(self, rulebook: RuleBook):
        self.rulebook = rulebook
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
        by_types = pl.col("penalty_types").list.eval(pl.element().replace_strict(ranks, return_dtype=_INT)).list.max()
        return pl.when(pl.col("_explicit")).then(pl.col("_explicit_rank")).otherwise(by_types)

    def _track_window(self, j: int) -> tuple[pl.Expr, pl.Expr]:
        """(window number, whether the fine amount was needed and missing) under track j."""
        track, numbers = self._tracks[j], self._track_windows[j]
        types = pl.col("penalty_types")
        decimal = pl.Decimal(38, self._scale)
        limits = {alias: track.small_fine_below.get(category, track.small_fine_below["default"])
                  for alias, category in PARTY_CATEGORY_ALIASES.items()}
        limit = _lookup(pl.col("party_category"), limits, decimal, default=pl.lit(track.small_fine_below["default"],
                                                                                   dtype=decimal))
        amount = pl.col("fine_amount").cast(decimal)
        only_short = _only(types, track.short_if_only)
        has_fine = types.list.contains(FINE)
        not_published = _only(types, track.not_published_if_only)
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
        book = self.rulebook
        day = pl.col("decision_date")
        explicit = pl.col("explicit_severity").str.strip_chars()
        frame = frame.with_columns(
            _explicit=explicit.is_not_null() & (explicit != ""),
            _explicit_rank=_lookup(explicit, {k: SEVERITY_RANK[v] for k, v in SEVERITY_ALIASES.items()}, _INT),
            _set=self._rule_set(day),
            sector=pl.coalesce(_lookup(pl.col("domain"), book.sector_by_domain, pl.String), self._keyword_sector()),
            _blocked=_first_match(book.non_repairable_keywords, book.non_repairable_fields).is_not_null(),
        )
        _check_explicit(frame)
        frame = frame.with_columns(_rank=self._severity_rank(department_overrides), _track=self._track(day))
        window, unknown_fine = self._window()
        frame = frame.with_columns(_window=window, _unknown_fine=unknown_fine)
        return frame.select(self._outputs(department_overrides))

    def _outputs(self, overrides) -> list[pl.Expr]:
        windows = dict(enumerate(self._windows))
        day, number = pl.col("decision_date"), pl.col("_window")
        published = _lookup(number, {i: w.published for i, w in windows.items()}, pl.Boolean)
        low = _lookup(number, {i: w.min_months for i, w in windows.items()}, _INT)
        high = _lookup(number, {i: w.max_months for i, w in windows.items()}, _INT)
        track_ids = dict(enumerate(t.id for t in self._tracks))
        rule_sets = dict(enumerate(s.id for s in self.rulebook.rule_sets))
        reasons = [
            pl.when(pl.col("_explicit")).then(pl.lit("explicit_severity"))
            .otherwise(pl.lit("department_severity" if overrides else "default_severity")),
            pl.when(pl.col("sector").is_not_null()).then(pl.lit("special_sector")),
            _lookup(pl.col("_track"), dict(enumerate(t.reason for t in self._tracks)), pl.String),
            pl.when(pl.col("_unknown_fine")).then(pl.lit("fine_amount_unknown")),
            _lookup(number, {i: w.reason for i, w in windows.items()}, pl.String),
            pl.when(pl.col("_blocked")).then(pl.lit("non_repairable_keyword")),
        ]
        return [
            _lookup(pl.col("_rank"), dict(enumerate(SEVERITIES)), pl.String).alias("severity"),
            _lookup(pl.col("_set"), rule_sets, pl.String).alias("rule_set"),
            pl.col("sector").is_not_null().alias("special_sector"),
            published.alias("published"),
            pl.when(published).then(day).alias("publicity_start"),
            pl.when(~pl.col("_blocked")).then(_add_months(day, low)).alias("repairable_from"),
            pl.when(published).then(_add_months(day, high)).alias("publicity_end"),
            (~pl.col("_blocked")).alias("repairable"),
            pl.concat_list(reasons).list.drop_nulls().alias("reasons"),
            pl.col("sector"),
            _lookup(pl.col("_track"), track_ids, pl.String).alias("track"),
        ]


def _add_months(day: pl.Expr, months: pl.Expr) -> pl.Expr:
    """periods.add_months per row: polars clamps a month offset to the target month's last day."""
    return day.dt.offset_by(pl.format("{}mo", months))


def _check_explicit(frame: pl.DataFrame) -> None:
    """Raise InvalidSeverity, as assess() does, for the first explicit severity that is no severity."""
    bad = frame.filter(pl.col("_explicit") & pl.col("_explicit_rank").is_null())
    if bad.height:
        raise InvalidSeverity(bad["explicit_severity"][0])


def amount_dtype() -> pl.Decimal:
    """The dtype a fine amount column is built with (exact decimals of the validator's scale)."""
    return pl.Decimal(38, AMOUNT_SCALE)
