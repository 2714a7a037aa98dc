"""Realistic defects in demo records, for testing importers: one defect in some share of the rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from random import Random

from ..records.layout import FIELDS_BY_KEY, KIND_FIELDS, LICENCE, PENALTY
from .catalogue import PENALTY_TYPE_SEPARATOR
from .entities import ALPHABET

DEFECTS = (
    "uscc_check",
    "missing_required",
    "bad_date",
    "bad_amount",
    "unknown_penalty_type",
    "too_long",
    "unknown_party_category",
)
_REQUIRED = {kind: tuple(f.key for f in KIND_FIELDS[kind] if kind in f.required) for kind in (PENALTY, LICENCE)}
_BAD_DATES = ("2024-13-45", "2023年13月5日", "31/02/2024", "二〇二四年三月", "N/A", "2024-02-30", "20241301")
_BAD_AMOUNTS = ("-0.5", "-12", "五千元", "1.2.3", "abc", "约3千", "-0.000001")
_BAD_TYPES = ("责令改正", "罚没", "训诫", "批评教育")
_BAD_CATEGORIES = ("外籍人员", "9", "unknown", "其他人员")
_TOO_LONG_FIELDS = ("party_name", "decision_no", "legal_rep", "authority")


def _corrupt(row: dict, defect: str, r) -> dict:
    bad = dict(row)
    if defect == "uscc_check":
        code = bad["uscc"]
        wrong = ALPHABET[(ALPHABET.index(code[17]) + 1 + int(r() * 30)) % 31]
        bad["uscc"] = code[:17] + wrong
    elif defect == "missing_required":
        fields = _REQUIRED[bad["kind"]]
        bad[fields[int(r() * len(fields))]] = ""
    elif defect == "bad_date":
        bad["decision_date"] = _BAD_DATES[int(r() * len(_BAD_DATES))]
    elif defect == "bad_amount":
        bad["fine_amount"] = _BAD_AMOUNTS[int(r() * len(_BAD_AMOUNTS))]
    elif defect == "unknown_penalty_type":
        bogus = _BAD_TYPES[int(r() * len(_BAD_TYPES))]
        bad["penalty_types"] = bogus if r() < 0.5 else f"{bad['penalty_types']}{PENALTY_TYPE_SEPARATOR}{bogus}"
    elif defect == "too_long":
        key = _TOO_LONG_FIELDS[int(r() * len(_TOO_LONG_FIELDS))]
        limit = FIELDS_BY_KEY[key].max_length
        text = bad[key] or "超长"
        bad[key] = (text * (limit // len(text) + 2))[: limit + 1 + int(r() * 40)]
    elif defect == "unknown_party_category":
        bad["party_category"] = _BAD_CATEGORIES[int(r() * len(_BAD_CATEGORIES))]
    return bad


def generate_bad_rows(rows: Iterable[dict], share: float, seed: int) -> Iterator[tuple[dict, str | None]]:
    """Yield (row, defect) pairs: about `share` of the rows get exactly one realistic defect.

    Corrupted rows are copies; nothing in a row says it is bad. `defect` is one of DEFECTS, or None
    for a row passed through unchanged. Defects that do not apply to a row (a wrong check character
    for a row without USCC, an amount on a licence) are not chosen for it.
    """
    rng = Random(seed)
    r = rng.random
    for row in rows:
        if r() >= share:
            yield row, None
            continue
        choices = [
            d
            for d in DEFECTS
            if not (d == "uscc_check" and not row.get("uscc"))
            and not (d in ("bad_amount", "unknown_penalty_type") and row.get("kind") != PENALTY)
        ]
        defect = choices[int(r() * len(choices))]
        yield _corrupt(row, defect, r), defect
