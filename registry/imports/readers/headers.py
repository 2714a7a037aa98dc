"""Header rows: matching column names to layout fields, finding the header under title rows, the record kind."""

import re

from ...domain.text import fold_width
from ...records import layout
from .encoding import ESCAPED
from .problems import ImportFileError, column_letter

KIND_KEY = "kind"
KIND_HEADERS = ("kind", "记录类型")
HEADER_SEARCH_ROWS = 10  # non-blank rows (titles, notes) looked at to find the header

# The kinds a column can belong to, for the columns that do not belong to every kind.
_KINDS_OF_KEY = {f.key: f.kinds for f in layout.FIELDS if f.kinds != layout.ALL}
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_MARKERS = re.compile(r"^\*+|\*+$|\((?:必填|必填项|选填|非必填|可选|可为空)\)$")
_CODE_PREFIX = re.compile(r"^行政相对人代码_?\d+\((.+)\)$")
_BARE_CODE = re.compile(r"^(行政相对人代码_?\d+)\(")
_DATA_LIKE = re.compile(r"^(?:[0-9A-Z]{18}|\d{4}[-/.年]\d{1,2}.*|-?\d+(?:\.\d+)?)$")


def normalise_header(name) -> str:
    """The form headers are compared in: half-width, no whitespace, lower case, no required
    marker (`*`, `(必填)`), no `行政相对人代码_N(...)` wrapper, and for English names no `_`/`-`."""
    text = _INVISIBLE.sub("", fold_width(str(name))).lower().replace("(单位:", "(")
    previous = None
    while text != previous:
        previous = text
        text = _MARKERS.sub("", text)
        match = _CODE_PREFIX.match(text)
        if match:
            text = match.group(1)
    if text.isascii():
        text = text.replace("_", "").replace("-", "")
    return text


def _build_header_keys() -> dict:
    table = {}

    def add(name, key):
        if table.setdefault(normalise_header(name), key) != key:
            raise RuntimeError(f"layout header {name!r} matches two fields")

    for field in layout.FIELDS:
        for name in (field.key, field.label_zh, *field.headers):
            add(name, field.key)
            bare = _BARE_CODE.match(_INVISIBLE.sub("", fold_width(name)))
            if bare:  # "行政相对人代码_1" alone, as the national template heads it
                add(bare.group(1), field.key)
    for name in KIND_HEADERS:
        add(name, KIND_KEY)
    return table


_HEADER_KEYS = _build_header_keys()


def match_header(name) -> str | None:
    """The layout key (or "kind") a column header stands for, or None."""
    if name is None:
        return None
    return _HEADER_KEYS.get(normalise_header(name))


def _display(cell) -> str:
    """A header cell as text for messages (undecodable bytes shown as U+FFFD)."""
    if cell is None:
        return ""
    return ESCAPED.sub("\ufffd", str(cell)).strip().lstrip("\ufeff").strip()


def is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _score(cells) -> int:
    """How many cells name a layout field (the kind column does not count)."""
    return sum(1 for cell in cells if cell is not None and match_header(cell) not in (None, KIND_KEY))


def locate_header(numbered_rows):
    """Find the header among the first non-blank rows (title rows above it are tolerated).
    Returns (row_number, cells, score, first_row); row_number is None when no row names a layout field."""
    first = None
    looked = 0
    for number, cells in numbered_rows:
        if is_blank(cells):
            continue
        if first is None:
            first = cells
        score = _score(cells)
        if score:
            return number, cells, score, first
        looked += 1
        if looked >= HEADER_SEARCH_ROWS:
            break
    return None, None, 0, first


def no_header_error(first_row):
    if first_row is None:
        return ImportFileError(message_en="the file is empty (no rows)", message_zh="文件为空（没有数据行）",
                               code="empty")
    shown = " | ".join(_display(c) for c in first_row if _display(c))[:200]
    looks_like_data = any(
        (cell is not None and not isinstance(cell, str)) or (isinstance(cell, str) and _DATA_LIKE.match(cell.strip()))
        for cell in first_row
    )
    if looks_like_data:
        return ImportFileError(
            message_en=f"no header row: the first row looks like data ({shown}); the first row must name the columns, "
            "e.g. 行政相对人名称 or party_name",
            message_zh=f"缺少表头：第一行看起来是数据（{shown}），第一行应为列名，如“行政相对人名称”",
            code="no_header",
        )
    return ImportFileError(
        message_en=f"none of the column headers is a field of the dual-publicity layout ({shown}); "
        "is this the right file?",
        message_zh=f"表头中没有任何一列属于双公示数据标准（{shown}），请确认文件是否正确",
        code="unrecognised_header",
    )


def map_columns(cells) -> list[tuple[str, str | None]]:
    columns = []
    seen = {}
    for index, cell in enumerate(cells):
        header = _display(cell)
        key = match_header(header) if header else None
        if key is not None:
            if key in seen:
                other = seen[key]
                label = layout.FIELDS_BY_KEY[key].label_zh if key in layout.FIELDS_BY_KEY else "记录类型"
                raise ImportFileError(
                    message_en=f"columns {column_letter(other)} ({columns[other][0]}) and "
                    f"{column_letter(index)} ({header}) both map to the field {key}; keep only one of them",
                    message_zh=f"第{column_letter(other)}列“{columns[other][0]}”和第{column_letter(index)}列“{header}”"
                    f"都对应字段“{label}”，请只保留其中一列",
                    code="duplicate_column",
                )
            seen[key] = index
        columns.append((header, key))
    return columns


def resolve_kind(explicit, keys) -> str | None:
    """The record kind of a file: the caller's, the one kind its kind-specific columns all fit, or None
    to read it per row from a kind column."""
    if explicit is not None:
        return explicit
    keys = set(keys)
    fitting = set(layout.KINDS)
    for key in keys & _KINDS_OF_KEY.keys():
        fitting &= _KINDS_OF_KEY[key]
    specific = keys & _KINDS_OF_KEY.keys()
    if specific and len(fitting) == 1:
        return fitting.pop()
    if KIND_KEY in keys:
        return None  # per row, from the kind column
    if specific and not fitting:
        raise ImportFileError(
            message_en="the columns mix fields of different record kinds and there is no kind column; "
            "add a kind (记录类型) column or pass --kind",
            message_zh="表头同时含有不同类型记录的专有字段，且没有“记录类型”列；请增加“记录类型”列或指定 --kind",
            code="unknown_kind",
        )
    names = "、".join(layout.KIND_LABELS[k] for k in layout.KINDS if k in fitting)
    raise ImportFileError(
        message_en=f"cannot tell the record kind from the columns (it may be {', '.join(sorted(fitting))}); "
        "pass --kind",
        message_zh=f"无法从表头判断记录类型（可能是{names}），请指定记录类型（--kind）",
        code="unknown_kind",
    )


def set_columns(source, columns, explicit_kind) -> None:
    """Give a RowSource its header's columns and the record kind they (or the caller) decide."""
    source.columns = columns
    source.kind = resolve_kind(explicit_kind, [key for _, key in columns if key])
