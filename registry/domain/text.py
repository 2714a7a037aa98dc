"""Text folding shared by identifiers and names: full-width to half-width, trimmed."""

import re

# Full-width ASCII variants (U+FF01..FF5E) to their half-width forms, the ideographic space to a space.
_HALF_WIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def fold_width(text: str) -> str:
    """Fold full-width ASCII variants (Ａ, １, （) to their half-width forms.

    Most Chinese text holds none or a few kinds (，（）；): each kind found is replaced in C, where
    `translate` would look every character of the text up in a dict (a record text's fold 8.8 →
    1.8 µs)."""
    if text.isascii():
        return text
    for wide in set(_FULL_WIDTH.findall(text)):
        text = text.replace(wide, _HALF_WIDTH[wide])
    return text


def typed_code(text: str) -> str:
    """A number or code read off paper and typed by hand: width folded, trimmed, upper case."""
    return fold_width(text).strip().upper()


def clean(text: str | None) -> str:
    """Trim and fold width; None becomes the empty string."""
    if text is None:
        return ""
    return fold_width(str(text)).strip()


# What a spreadsheet would read as a formula: such a cell is written as text (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell for a CSV or XLSX a person opens: a value that starts like a formula is kept as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
