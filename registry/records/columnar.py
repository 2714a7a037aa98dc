"""Columnar validation: a batch of rows checked field by field with Arrow compute kernels.

The same rules as the row validator (`validation.validate_record`), derived from the same layout:
each field's column is trimmed and checked as a whole, the common well-formed values (plain text
within its limit, codes whose check character is right, dates in the separated and compact forms,
amounts, choices, penalty types by their distinct values) are accepted and typed by the kernels,
and every other cell (a failing one, or one the kernels do not decide: full-width text, Excel
serial dates, numbers sent as JSON, ...) goes to the row validator's own check of that cell, so
that its value, error code, field and messages are exactly the row validator's. Cross-field rules
run for the rows a mask says may break one. Pure: no Flask, no database.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import repeat

import pyarrow as pa
import pyarrow.compute as pc

from ..domain import uscc as uscc_rules
from ..domain.penalty_types import InvalidPenaltyType, parse_types_text
from ..runtime import today as clock_today
from . import layout
from .validation import CHECKS, CHOICE_ALIASES, NEEDS_USCC, check_value, cross_field_errors, validate_record

# What str.strip() removes, so that the kernels trim exactly as the row validator does.
_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())  # U+3000 is the last
_ALPHABET = pa.array(list(uscc_rules.ALPHABET))
_AUTHORITIES = pa.array(sorted(uscc_rules.REGISTERING_AUTHORITIES))
# The usual date forms, ASCII digits only (a year from 1000): anything else is the row validator's.
_DATE = (r"^(?P<y>[1-9][0-9]{3})[ \t]*[-/.年][ \t]*(?P<m>[0-9]{1,2})[ \t]*[-/.月][ \t]*(?P<d>[0-9]{1,2})[ \t]*日?"
         r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$")
_COMPACT_DATE = r"^(?P<y>[1-9][0-9]{3})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
_AMOUNT = r"^[0-9]{1,12}(?:\.[0-9]{1,6})?$"


@dataclass
class CheckedBatch:
    """A batch's outcome: per row, (clean dict, []) or (None, [FieldError, ...]), as validate_record
    gives them, in the batch's order."""

    results: list


def validate_rows(rows: list, kind: str | None = None, today: date | None = None) -> CheckedBatch:
    """Validate rows (mappings of layout keys to values) as columns; `kind` as validate_record's."""
    today = today or clock_today()
    results: list = [None] * len(rows)
    groups: dict[str, list[int]] = {}
    for index, raw in enumerate(rows):
        row_kind = layout.kind_of(kind if kind is not None else raw.get("kind", ""))
        if row_kind is None:
            results[index] = validate_record(raw, kind=kind, today=today)  # answers the kind alone
        else:
            groups.setdefault(row_kind, []).append(index)
    for row_kind, indexes in groups.items():
        for index, result in zip(indexes, _validate_kind([rows[i] for i in indexes], row_kind, today), strict=True):
            results[index] = result
    return CheckedBatch(results)


def _validate_kind(rows: list, kind: str, today: date) -> list:
    columns: dict[str, list] = {}
    errors: dict[int, list] = {}
    for check in CHECKS[kind]:
        values = [raw.get(check[0]) for raw in rows]
        typed, failing = _column(check, values)
        for index in failing:
            typed[index], error = check_value(check, values[index])
            if error is not None:
                errors.setdefault(index, []).append(error)
        columns[check[0]] = typed
    keys = ("kind", *columns)
    suspects = _cross_field_suspects(columns, today)
    results = []
    for index, values in enumerate(zip(repeat(kind), *columns.values())):
        clean = dict(zip(keys, values))
        row_errors = errors.get(index, [])
        if index in suspects:
            row_errors = row_errors + cross_field_errors(clean, {e.field for e in row_errors}, today)
        if row_errors:
            results.append((None, row_errors))
        else:
            clean["party_key"] = clean["uscc"] or clean["id_no"]
            results.append((clean, []))
    return results


def _column(check: tuple, values: list) -> tuple[list, list[int]]:
    """The field's typed values (None where not decided) and the positions the kernels leave to
    check_value: empty required cells, failing cells and cells that are not text."""
    _, _, _, required, field = check
    try:
        original, odd = pa.array(values, pa.string()), ()
    except (pa.ArrowTypeError, UnicodeEncodeError):  # numbers, lists, dates, lone surrogates: check_value's
        odd = [i for i, v in enumerate(values) if v is not None and not _utf8(v)]
        skip = set(odd)
        original = pa.array([None if i in skip else v for i, v in enumerate(values)], pa.string())
    text = pc.utf8_trim(original, characters=_WHITESPACE)
    present = pc.fill_null(pc.not_equal(text, ""), False)
    if field.type == layout.TEXT:
        typed, ok = _text(field, text, original, values)
    else:
        typed, ok = _by_distinct_value(field, pc.if_else(present, text, None))  # an empty cell is a missing one
    ok = pc.and_(present, pc.fill_null(ok, False))
    undecided = pc.invert(ok) if required else pc.and_(present, pc.invert(ok))
    failing = sorted(set(pc.indices_nonzero(undecided).to_pylist()).union(odd))
    return typed, failing


def _utf8(value) -> bool:
    """Whether the value is text Arrow can hold (JSON may bring lone surrogates)."""
    if value.__class__ is not str:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _text(field, text, original, values):
    ok = pc.less_equal(pc.utf8_length(text), field.max_length)
    if _holds_nul(text):
        ok = pc.and_(ok, pc.invert(pc.match_substring(text, "\x00")))
    if text.null_count == len(text):
        return [None] * len(text), ok
    # The readers trim already: only the cells trimming changed, or emptied, are made again.
    redo = pc.invert(pc.fill_null(pc.equal(pc.binary_length(text), pc.binary_length(original)), False))
    redo = pc.indices_nonzero(pc.or_(redo, pc.equal(text, "")))
    typed = list(values)
    for index, value in zip(redo.to_pylist(), pc.take(text, redo).to_pylist(), strict=True):
        typed[index] = value or None
    return typed, ok


def _holds_nul(text) -> bool:
    """Whether any cell holds a NUL, from the column's bytes at once (hardly any column does)."""
    data = text.buffers()[2]
    return data is not None and data.to_pybytes().find(b"\x00") >= 0


def _by_distinct_value(field, text):
    """Codes, dates, amounts, choices and penalty types repeat down a column: each distinct value is
    checked once and its outcome spread over the rows holding it."""
    encoded = pc.dictionary_encode(text)
    typed, ok = _KERNELS[field.type](field, encoded.dictionary)
    fresh = list if field.type == layout.PENALTY_TYPES else None  # each row its own list, as validate_record
    indices = encoded.indices.to_pylist()
    if fresh is None:
        rows = [None if i is None else typed[i] for i in indices]
    else:
        rows = [None if i is None or typed[i] is None else fresh(typed[i]) for i in indices]
    return rows, pc.take(ok, encoded.indices)


def _choice(field, text):
    aliases = CHOICE_ALIASES[field.key]
    position = pc.index_in(text, value_set=pa.array(list(aliases), pa.string()))
    return pc.take(pa.array(list(aliases.values()), pa.string()), position).to_pylist(), pc.is_valid(position)


def _uscc(field, text):
    code = pc.ascii_upper(text)
    chars = [pc.index_in(pc.utf8_slice_codeunits(code, i, i + 1), value_set=_ALPHABET) for i in range(18)]
    total = chars[0]
    for char, weight in zip(chars[1:17], uscc_rules.WEIGHTS[1:], strict=True):
        total = pc.add(total, pc.multiply(char, weight))
    expected = pc.remainder(pc.subtract(31, pc.remainder(total, 31)), 31)
    ok = pc.and_(pc.string_is_ascii(text), pc.equal(pc.utf8_length(code), 18))
    ok = pc.and_(ok, pc.is_in(pc.utf8_slice_codeunits(code, 0, 1), value_set=_AUTHORITIES))
    return code.to_pylist(), pc.and_(ok, pc.equal(chars[17], expected))


def _date(field, text):
    parts = pc.coalesce(pc.extract_regex(text, _DATE), pc.extract_regex(text, _COMPACT_DATE))
    iso = pc.binary_join_element_wise(pc.struct_field(parts, "y"),
                                      pc.utf8_lpad(pc.struct_field(parts, "m"), 2, "0"),
                                      pc.utf8_lpad(pc.struct_field(parts, "d"), 2, "0"), "-")
    days = pc.cast(pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32())
    # The kernel rolls 30 February over into March: only a day that reads back the same is one.
    return days.to_pylist(), pc.equal(pc.cast(days, pa.string()), iso)


def _amount(field, text):
    ok = pc.match_substring_regex(text, _AMOUNT)
    return [Decimal(value) if good else None for value, good in zip(text.to_pylist(), ok.to_pylist(),
                                                                     strict=True)], ok


def _penalty_types(field, text):
    typed = []
    for value in text.to_pylist():
        try:
            typed.append(parse_types_text(value) if value else None)
        except InvalidPenaltyType:
            typed.append(None)
    return typed, pa.array([value is not None for value in typed], pa.bool_())


_KERNELS = {layout.CHOICE: _choice, layout.USCC: _uscc, layout.DATE: _date, layout.AMOUNT: _amount,
            layout.PENALTY_TYPES: _penalty_types}


def _cross_field_suspects(columns: dict, today: date) -> set:
    """Rows that may break a cross-field rule (a superset: cross_field_errors decides)."""
    def column(key, kind):
        return pa.array(columns[key], kind) if key in columns else None

    def given(key):  # from Python: free text may hold what Arrow cannot (a lone surrogate)
        return pa.array([value is not None for value in columns[key]], pa.bool_())

    category = column("party_category", pa.string())
    masks = [pc.and_(pc.is_in(category, value_set=pa.array(sorted(NEEDS_USCC))), pc.invert(given("uscc"))),
             pc.equal(category, "natural_person")]
    decided = column("decision_date", pa.date32())
    masks.append(pc.greater(decided, pa.scalar(today, pa.date32())))
    start, end = column("valid_from", pa.date32()), column("valid_to", pa.date32())
    if start is not None and end is not None:
        masks.append(pc.less(end, start))
    masks += [given(key) for key in ("removed_on", "removal_reason") if key in columns]
    suspect = masks[0]
    for mask in masks[1:]:
        suspect = pc.or_(suspect, pc.fill_null(mask, False))
    return set(pc.indices_nonzero(pc.fill_null(suspect, False)).to_pylist())
