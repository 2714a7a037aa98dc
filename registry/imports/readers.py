"""Streaming readers for bulk record files (CSV, XLSX, NDJSON) in the dual-publicity layout.

`open_rows(path)` reads the header, maps its columns to layout keys and decides the record kind,
then yields `(row_number, raw)` one row at a time; the whole file is never held in memory.
`raw` maps layout keys to cell values exactly as found (strings stripped, XLSX cells in their
native types); parsing dates and amounts is the validator's job.

Row numbers are what a spreadsheet user sees: the header is row 1 (or wherever it is; title rows
above it are tolerated), blank rows are skipped but still counted, a CSV record whose quoted cell
spans several lines is one row, and for NDJSON the number is the line number.

Problems are reported at two levels:

* `ImportFileError` (with `code`, `message_en`, `message_zh` and, when known, `row`) when the file as
  a whole cannot be read: missing, unknown format, empty, no recognisable header, duplicate
  columns, not a workbook, an unknown record kind, or a CSV whose structure breaks (an unclosed
  quote). Nothing sensible can follow these.
* `RowProblem` objects yielded *in place of* the raw dict, `(row_number, RowProblem)`, for one bad
  row among good ones; the importer reports it as a rejected row and carries on:

  - ``invalid_encoding``: bytes that are not valid in the file's encoding. CSV and NDJSON are
    decoded strictly in large chunks; a chunk that fails is decoded again with every invalid byte
    kept as a lone surrogate (U+DC80..U+DCFF, which valid text never contains), and only the lines
    carrying one are flagged. So a stray byte at row 500,000 rejects that row, with the column and
    the bytes named, instead of aborting the import or silently storing "�" in a name.
  - ``too_many_cells`` (CSV): non-empty cells beyond the header's width, which almost always means
    a value with an unquoted delimiter that shifted the following columns.
  - ``invalid_json`` / ``not_an_object`` / ``duplicate_key`` (NDJSON).

XLSX is read with openpyxl in read-only mode from the first sheet that has a header within its first
rows (so an instructions sheet in front is skipped). openpyxl keeps the workbook's shared-strings
table in memory, so an XLSX file is not read in constant memory the way CSV and NDJSON are.

Encoding detection for CSV (and NDJSON) when none is given: a UTF-8 BOM means "utf-8-sig", a
UTF-16 BOM "utf-16" (Excel's "Unicode text" export); otherwise the first 64 KiB block that contains
a non-ASCII byte (at most 16 MiB in) is decoded as UTF-8, tolerating a character cut at the block
end: the file is UTF-8 if that works, or fails on at most one sequence per ten valid non-ASCII
characters (a damaged UTF-8 file), and GB18030 otherwise.
"""

import codecs
import csv
import io
import json
import os
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain

from ..domain.text import fold_width
from ..records import layout

CSV, XLSX, NDJSON = "csv", "xlsx", "ndjson"
FORMATS = (CSV, XLSX, NDJSON)
KIND_KEY = "kind"
KIND_HEADERS = ("kind", "记录类型")
DELIMITERS = (",", "\t", ";", "|")

HEADER_SEARCH_ROWS = 10  # non-blank rows (titles, notes) looked at to find the header
SNIFF_BLOCK = 64 * 1024
DETECT_LIMIT = 16 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024
MAX_LINE_CHARS = 16 * 1024 * 1024

_EXTENSIONS = {".csv": CSV, ".txt": CSV, ".tsv": CSV, ".xlsx": XLSX, ".xlsm": XLSX, ".ndjson": NDJSON, ".jsonl": NDJSON}
_FORMAT_NAMES = {"csv": CSV, "txt": CSV, "tsv": CSV, "xlsx": XLSX, "ndjson": NDJSON, "jsonl": NDJSON}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (Excel 97-2003)
_PENALTY_ONLY = frozenset(f.key for f in layout.FIELDS if f.kinds == {layout.PENALTY})
_LICENCE_ONLY = frozenset(f.key for f in layout.FIELDS if f.kinds == {layout.LICENCE})


class ImportFileError(Exception):
    """The file as a whole cannot be imported. `row` is the (approximate) row, when one is to blame."""

    def __init__(self, message_en: str, message_zh: str, *, code: str, row: int | None = None):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh
        self.code = code
        self.row = row


@dataclass(frozen=True)
class RowProblem:
    """Yielded instead of a raw dict for a row that cannot even be handed to the validator.

    Messages do not repeat the row number (it comes with the tuple). `field` is a layout key or
    None when the whole row is concerned.
    """

    code: str
    message_en: str
    message_zh: str
    field: str | None = None


# --- header matching ---------------------------------------------------------------------------

_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_MARKERS = re.compile(r"^\*+|\*+$|\((?:必填|必填项|选填|非必填|可选|可为空)\)$")
_CODE_PREFIX = re.compile(r"^行政相对人代码_?\d+\((.+)\)$")
_BARE_CODE = re.compile(r"^(行政相对人代码_?\d+)\(")


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


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- the row source ----------------------------------------------------------------------------


class RowSource:
    """An open file; iterate it (once) for `(row_number, raw dict or RowProblem)`.

    Attributes: `format` ("csv", "xlsx", "ndjson"), `encoding` (CSV/NDJSON), `delimiter` (CSV),
    `sheet` (XLSX), `kind` ("penalty", "licence", or None when a kind column decides per row),
    `header_row`, `columns` [(header, layout key or "kind" or None)] and `unknown_columns`.
    For NDJSON `columns` starts with the keys of the first object and grows when later objects
    bring new keys. Use it as a context manager (or call `close()`) to release the file early.

    While `skipping` is true, a CSV source yields None in place of the rows' dicts: an import
    worker reads every row to count them but validates only its own share of the batches.
    """

    def __init__(self, path, format, stream, encoding=None, delimiter=None, sheet=None):
        self.path = os.fspath(path)
        self.format = format
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
        self.kind: str | None = None
        self.columns: list[tuple[str, str | None]] = []
        self.header_row: int | None = None
        self.skipping = False
        self._rows: Iterator | None = None
        self._closers: list = [stream.close]
        self._started = False
        self._stream = stream
        self._size = os.fstat(stream.fileno()).st_size
        self._bytes_read = 0

    @property
    def unknown_columns(self) -> list[str]:
        """Headers that match no layout field (empty headers are not listed)."""
        return [header for header, key in self.columns if key is None and header]

    @property
    def bytes_read(self) -> int:
        """How far reading has got in the file, in bytes, for progress bars (CSV and NDJSON read up
        to a chunk ahead; for XLSX it is the position in the compressed file). The file size once
        the rows are exhausted."""
        if not self._stream.closed:
            try:
                self._bytes_read = self._stream.tell()
            except (OSError, ValueError):
                pass
        return self._bytes_read

    def _exhausted(self) -> None:
        self._bytes_read = self._size

    def __iter__(self):
        if self._started:
            raise RuntimeError("a RowSource can be iterated only once")
        self._started = True
        return self._rows

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()
        for closer in self._closers:
            closer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        return f"<RowSource {self.format} {self.path!r} kind={self.kind}>"


def open_rows(path, *, fmt: str | None = None, encoding: str | None = None, kind: str | None = None) -> RowSource:
    """Open a record file for streaming. Raises ImportFileError when it cannot be imported at all."""
    path = os.fspath(path)
    wanted_kind = _explicit_kind(kind)
    if not os.path.exists(path):
        raise ImportFileError(f"file not found: {path}", f"文件不存在：{path}", code="not_found")
    try:
        stream = open(path, "rb")  # noqa: SIM115 - handed to the RowSource, which closes it
    except OSError as exc:
        raise ImportFileError(
            f"cannot read the file: {exc.strerror or exc}", f"无法读取文件：{exc.strerror or exc}", code="unreadable"
        ) from exc
    try:
        magic = stream.read(8)
        if not magic:
            raise ImportFileError("the file is empty", "文件为空", code="empty")
        format = _choose_format(path, fmt, magic)
        stream.seek(0)
        opener = {CSV: _open_csv, XLSX: _open_xlsx, NDJSON: _open_ndjson}[format]
        return opener(path, stream, encoding, wanted_kind)
    except BaseException as exc:
        stream.close()
        if isinstance(exc, OSError):
            raise ImportFileError(f"cannot read the file: {exc}", f"无法读取文件：{exc}", code="unreadable") from exc
        raise


def _explicit_kind(kind):
    if kind is None:
        return None
    resolved = layout.kind_of(kind)
    if resolved is None:
        raise ImportFileError(
            f"unknown record kind {kind!r}: use penalty or licence",
            f"记录类型“{kind}”无法识别，应为 penalty（行政处罚）或 licence（行政许可）",
            code="invalid_kind",
        )
    return resolved


def _choose_format(path: str, fmt: str | None, magic: bytes) -> str:
    if magic.startswith(_OLE2_MAGIC):
        raise ImportFileError(
            "this is a legacy Excel 97-2003 (.xls) file; save it as .xlsx or CSV",
            "这是旧版 Excel 97-2003（.xls）文件，请另存为 .xlsx 或 CSV 格式",
            code="legacy_xls",
        )
    if fmt is not None:
        format = _FORMAT_NAMES.get(str(fmt).strip().lower().lstrip("."))
        if format is None:
            raise ImportFileError(
                f"unknown format {fmt!r}: use csv, xlsx or ndjson",
                f"文件格式“{fmt}”无法识别，应为 csv、xlsx 或 ndjson",
                code="unknown_format",
            )
        return format
    if magic.startswith(_ZIP_MAGIC):
        return XLSX  # a workbook, whatever its name says (renamed or saved without extension)
    extension = os.path.splitext(path)[1].lower()
    format = _EXTENSIONS.get(extension)
    if format is None:
        raise ImportFileError(
            f"unknown file type {extension or '(no extension)'}: expected .csv, .txt, .xlsx, .ndjson or .jsonl",
            f"无法识别的文件类型{extension or '（无扩展名）'}：应为 .csv、.txt、.xlsx、.ndjson 或 .jsonl",
            code="unknown_format",
        )
    return format


# --- header location, column mapping, kind ------------------------------------------------------

_DATA_LIKE = re.compile(r"^(?:[0-9A-Z]{18}|\d{4}[-/.年]\d{1,2}.*|-?\d+(?:\.\d+)?)$")


def _display(cell) -> str:
    """A header cell as text for messages (undecodable bytes shown as U+FFFD)."""
    if cell is None:
        return ""
    return _ESCAPED.sub("\ufffd", str(cell)).strip().lstrip("\ufeff").strip()


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _score(cells) -> int:
    """How many cells name a layout field (the kind column does not count)."""
    return sum(1 for cell in cells if cell is not None and match_header(cell) not in (None, KIND_KEY))


def _locate_header(numbered_rows):
    """Find the header among the first non-blank rows. Returns (row_number, cells, score, first_row);
    row_number is None when no row names a layout field."""
    first = None
    looked = 0
    for number, cells in numbered_rows:
        if _is_blank(cells):
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


def _no_header_error(first_row):
    if first_row is None:
        return ImportFileError("the file is empty (no rows)", "文件为空（没有数据行）", code="empty")
    shown = " | ".join(_display(c) for c in first_row if _display(c))[:200]
    looks_like_data = any(
        (cell is not None and not isinstance(cell, str)) or (isinstance(cell, str) and _DATA_LIKE.match(cell.strip()))
        for cell in first_row
    )
    if looks_like_data:
        return ImportFileError(
            f"no header row: the first row looks like data ({shown}); the first row must name the columns, "
            "e.g. 行政相对人名称 or party_name",
            f"缺少表头：第一行看起来是数据（{shown}），第一行应为列名，如“行政相对人名称”",
            code="no_header",
        )
    return ImportFileError(
        f"none of the column headers is a field of the dual-publicity layout ({shown}); is this the right file?",
        f"表头中没有任何一列属于双公示数据标准（{shown}），请确认文件是否正确",
        code="unrecognised_header",
    )


def _map_columns(cells) -> list[tuple[str, str | None]]:
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
                    f"columns {column_letter(other)} ({columns[other][0]}) and {column_letter(index)} ({header}) "
                    f"both map to the field {key}; keep only one of them",
                    f"第{column_letter(other)}列“{columns[other][0]}”和第{column_letter(index)}列“{header}”"
                    f"都对应字段“{label}”，请只保留其中一列",
                    code="duplicate_column",
                )
            seen[key] = index
        columns.append((header, key))
    return columns


def _resolve_kind(explicit, keys) -> str | None:
    if explicit is not None:
        return explicit
    keys = set(keys)
    penalty, licence = keys & _PENALTY_ONLY, keys & _LICENCE_ONLY
    if penalty and not licence:
        return layout.PENALTY
    if licence and not penalty:
        return layout.LICENCE
    if KIND_KEY in keys:
        return None  # per row, from the kind column
    if penalty and licence:
        raise ImportFileError(
            "the columns mix penalty-only and licence-only fields and there is no kind column; "
            "add a kind (记录类型) column or pass --kind",
            "表头同时含有行政处罚和行政许可的专有字段，且没有“记录类型”列；请增加“记录类型”列或指定 --kind",
            code="unknown_kind",
        )
    raise ImportFileError(
        "cannot tell penalty from licence; pass --kind",
        "无法判断是行政处罚还是行政许可数据，请指定 --kind",
        code="unknown_kind",
    )


def _finish(source: RowSource, columns, explicit_kind) -> None:
    source.columns = columns
    source.kind = _resolve_kind(explicit_kind, [key for _, key in columns if key])


# --- decoding: big strict chunks, invalid bytes kept and flagged per line -------------------------

_ESCAPE_ERRORS = "registry.imports.keep_bytes"
_ESCAPED = re.compile("[\udc00-\udcff]")


def _keep_bytes(exc):
    """Decode error handler: keep each invalid byte as U+DC00+byte, which valid text never contains."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    if exc.encoding.replace("-", "").replace("_", "").lower().startswith(("utf16", "utf32")):
        end = exc.end  # code units: skipping a single byte would misalign the rest
    else:
        end = exc.start + 1  # one byte at a time, so a newline after a bad lead byte survives
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : end]), end


codecs.register_error(_ESCAPE_ERRORS, _keep_bytes)


def _encoding_label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030", "utf-16": "UTF-16"}.get(name, name)


def _detect_encoding(stream) -> str:
    """The encoding of a text file by its BOM or its first non-ASCII block; the stream is rewound."""
    try:
        return _sniff_encoding(stream)
    finally:
        stream.seek(0)


def _sniff_encoding(stream) -> str:
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    stream.seek(0)
    read = 0
    while read < DETECT_LIMIT:
        block = stream.read(SNIFF_BLOCK)
        if not block:
            break
        read += len(block)
        if block.isascii():
            continue  # ASCII is the same in both; the next block starts on a character boundary
        return "utf-8" if _mostly_utf8(block) else "gb18030"
    return "utf-8"


def _mostly_utf8(block: bytes) -> bool:
    """Valid UTF-8, or UTF-8 with a few damaged bytes: GB18030 text read as UTF-8 fails on most of its
    characters, while a stray byte in UTF-8 text leaves the many valid multi-byte characters around it."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(block, final=False)  # a cut char is fine
    bad = text.count("\ufffd")
    if not bad:
        return True
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good >= 10 * bad


def _check_encoding(encoding: str) -> str:
    try:
        if not isinstance(codecs.getincrementaldecoder(encoding)().decode(b"", True), str):
            raise LookupError(encoding)  # a bytes-to-bytes codec such as base64
    except LookupError as exc:
        raise ImportFileError(
            f"unknown encoding {encoding!r}", f"无法识别的字符编码“{encoding}”", code="unknown_encoding"
        ) from exc
    return encoding


class _DecodedLines:
    """The lines of a binary stream, decoded in 1 MiB chunks, line ends kept (as newline="").

    `bad_lines` holds, in order, the numbers of the lines that contain undecodable bytes; the reader
    pops them as it passes them. Iterate once.
    """

    def __init__(self, stream, encoding: str, chunk_size: int | None = None):
        self.stream = stream
        self.encoding = encoding
        self.chunk_size = chunk_size or CHUNK_SIZE
        self.bad_lines: deque[int] = deque()

    def __iter__(self):
        return chain.from_iterable(self._chunks())

    def _chunks(self):
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        carry, carry_dirty, line_number = "", False, 0
        while True:
            try:
                data = self.stream.read(self.chunk_size)
            except OSError as exc:
                raise ImportFileError(
                    f"reading the file failed near line {line_number + 1}: {exc}",
                    f"读取文件第{line_number + 1}行附近时出错：{exc}",
                    code="unreadable",
                    row=line_number + 1,
                ) from exc
            final = not data
            state = decoder.getstate()
            try:
                text = decoder.decode(data, final)
                dirty = carry_dirty
            except UnicodeDecodeError:
                decoder.setstate(state)
                decoder.errors = _ESCAPE_ERRORS
                text = decoder.decode(data, final)
                decoder.errors = "strict"
                dirty = True
            text = carry + text if carry else text
            lines = io.StringIO(text, newline="").readlines() if text else []
            carry = ""
            if lines and not final:
                if not lines[-1].endswith("\n"):  # unfinished, or a \r that may precede a \n
                    carry = lines.pop()
                    if len(carry) > MAX_LINE_CHARS:
                        raise ImportFileError(
                            f"line {line_number + len(lines) + 1} is longer than {MAX_LINE_CHARS} characters "
                            "without a line break; is this really a text file?",
                            f"第{line_number + len(lines) + 1}行超过{MAX_LINE_CHARS}个字符仍未换行，请确认文件格式",
                            code="line_too_long",
                            row=line_number + len(lines) + 1,
                        )
            if dirty:
                search = _ESCAPED.search
                self.bad_lines.extend(n for n, line in enumerate(lines, line_number + 1) if search(line))
                carry_dirty = bool(carry) and search(carry) is not None
            line_number += len(lines)
            if lines:
                yield lines
            if final:
                return


def _sample_lines(stream, encoding: str) -> list[str]:
    """The first complete lines of the file (up to 64 KiB), for choosing the delimiter."""
    data = stream.read(SNIFF_BLOCK)
    at_end = len(data) < SNIFF_BLOCK
    stream.seek(0)
    text = codecs.getincrementaldecoder(encoding)("replace").decode(data, at_end)
    lines = io.StringIO(text, newline="").readlines()
    if not at_end and len(lines) > 1:
        lines.pop()
    return lines


def _encoding_problem(cells, headers, encoding) -> RowProblem:
    """The problem of a row with undecodable bytes; `headers` (None for NDJSON) name the columns."""
    columns, raw_bytes = [], bytearray()
    for index, cell in enumerate(cells):
        escaped = _ESCAPED.findall(cell) if isinstance(cell, str) else ()
        if escaped:
            if headers is not None:
                columns.append(headers[index] if index < len(headers) and headers[index] else column_letter(index))
            raw_bytes.extend(ord(ch) - 0xDC00 for ch in escaped)
    label = _encoding_label(encoding)
    shown = " ".join(f"{b:02X}" for b in raw_bytes[:8]) + (" …" if len(raw_bytes) > 8 else "")
    where_en = f" in column {', '.join(columns)}" if columns else ""
    where_zh = f"“{'”“'.join(columns)}”列" if columns else ""
    return RowProblem(
        "invalid_encoding",
        f"the row contains bytes that are not valid {label}{where_en} ({shown}); it was not imported. "
        "Check the file's encoding or fix the cell",
        f"该行{where_zh}含有不符合{label}编码的字节（{shown}），未导入；请检查文件编码或修正该单元格",
    )


# --- CSV -----------------------------------------------------------------------------------------


def _choose_delimiter(lines: list[str]) -> str:
    """The candidate under which a header row names the most layout fields; else the commonest."""
    best, best_score = None, 0
    for delimiter in DELIMITERS:
        try:
            _, _, score, _ = _locate_header(enumerate(csv.reader(lines, delimiter=delimiter), 1))
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    if best is not None:
        return best
    for line in lines:
        counts = {d: re.sub(r'"[^"]*"', "", line).count(d) for d in DELIMITERS}
        if any(counts.values()):
            return max(DELIMITERS, key=lambda d: counts[d])
    return ","


def _malformed_csv(exc, row):
    return ImportFileError(
        f'row {row}: malformed CSV ({exc}); probably an unclosed quote (") in this row',
        f'第{row}行：CSV 格式错误（{exc}），可能该行有未闭合的引号（"）',
        code="malformed_csv",
        row=row,
    )


def _open_csv(path, stream, encoding, explicit_kind) -> RowSource:
    encoding = _check_encoding(encoding) if encoding else _detect_encoding(stream)
    delimiter = _choose_delimiter(_sample_lines(stream, encoding))
    lines = _DecodedLines(stream, encoding)
    reader = csv.reader(lines, delimiter=delimiter)
    numbered = enumerate(reader, 1)
    try:
        header_row, cells, _, first = _locate_header(numbered)
    except csv.Error as exc:
        raise _malformed_csv(exc, reader.line_num) from exc
    if header_row is None:
        raise _no_header_error(first)
    source = RowSource(path, CSV, stream, encoding=encoding, delimiter=delimiter)
    source.header_row = header_row
    _finish(source, _map_columns(cells), explicit_kind)
    while lines.bad_lines and lines.bad_lines[0] <= reader.line_num:
        lines.bad_lines.popleft()  # the header and the rows above it: already reported as headers
    source._rows = _csv_rows(source, numbered, reader, lines, stream)
    return source


def _csv_rows(source, numbered, reader, lines, stream):
    pairs = tuple((index, key) for index, (_, key) in enumerate(source.columns) if key)
    headers = [header for header, _ in source.columns]
    width = len(source.columns)
    first_index, first_key = pairs[0]
    bad = lines.bad_lines
    number = source.header_row
    try:
        for number, row in numbered:
            if bad and bad[0] <= reader.line_num:
                while bad and bad[0] <= reader.line_num:
                    bad.popleft()
                yield number, _encoding_problem(row, headers, source.encoding)
                continue
            if len(row) != width:
                if not row:
                    continue
                if len(row) < width:
                    row += [""] * (width - len(row))
                elif any(cell.strip() for cell in row[width:]):
                    yield (
                        number,
                        RowProblem(
                            "too_many_cells",
                            f"the row has {len(row)} cells but the header has {width} columns; a value probably "
                            f"contains an unquoted {source.delimiter!r} that shifted the columns",
                            f"该行有{len(row)}个单元格，而表头只有{width}列，可能某个值含有未加引号的分隔符"
                            f"“{source.delimiter}”导致错列",
                        ),
                    )
                    continue
            if source.skipping:
                if row[first_index].strip() or any(cell.strip() for cell in row):
                    yield number, None
                continue
            raw = {key: row[index].strip() for index, key in pairs}
            if not raw[first_key] and not any(cell.strip() for cell in row):
                continue  # blank row (only empty cells)
            yield number, raw
        source._exhausted()
    except csv.Error as exc:
        raise _malformed_csv(exc, number + 1) from exc
    finally:
        stream.close()


# --- XLSX ----------------------------------------------------------------------------------------


def _invalid_workbook(exc, row=None):
    where_en, where_zh = (f" (near row {row})", f"（第{row}行附近）") if row else ("", "")
    return ImportFileError(
        f"not a valid XLSX workbook{where_en}: {exc.__class__.__name__}: {exc}",
        f"不是有效的 XLSX 工作簿{where_zh}：{exc}",
        code="invalid_workbook",
        row=row,
    )


def _open_xlsx(path, stream, encoding, explicit_kind) -> RowSource:
    from openpyxl import load_workbook

    try:
        # A file object rather than the path: openpyxl would otherwise refuse names not ending in .xlsx.
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError, XML errors ...
        raise _invalid_workbook(exc) from exc
    try:
        first_seen = None
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # trust the cells, not a possibly wrong <dimension> element
            numbered = enumerate(sheet.iter_rows(values_only=True), 1)
            header_row, cells, _, first = _locate_header(numbered)
            if header_row is not None:
                break
            first_seen = first_seen or first
        else:
            raise _no_header_error(first_seen)
    except ImportFileError:
        workbook.close()
        raise
    except Exception as exc:
        workbook.close()
        raise _invalid_workbook(exc) from exc
    source = RowSource(path, XLSX, stream, sheet=sheet.title)
    source.header_row = header_row
    try:
        _finish(source, _map_columns(cells), explicit_kind)
    except ImportFileError:
        workbook.close()
        raise
    source._closers.insert(0, workbook.close)
    source._rows = _xlsx_rows(source, numbered, workbook, stream)
    return source


def _xlsx_rows(source, numbered, workbook, stream):
    pairs = tuple((index, key) for index, (_, key) in enumerate(source.columns) if key)
    number = source.header_row
    try:
        for number, values in numbered:
            width = len(values)
            raw = {}
            for index, key in pairs:
                value = values[index] if index < width else None
                if value is None:
                    value = ""
                elif isinstance(value, str):
                    value = value.strip()
                raw[key] = value
            if not any(value != "" for value in raw.values()) and _is_blank(values):
                continue
            yield number, raw
        source._exhausted()
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet part discovered mid-way
        raise _invalid_workbook(exc, number + 1) from exc
    finally:
        workbook.close()
        stream.close()


# --- NDJSON --------------------------------------------------------------------------------------


class _ObjectMapper:
    """Maps the keys of NDJSON objects, learning new keys (and growing `columns`) as they come."""

    def __init__(self, source: RowSource):
        self.source = source
        self.keys: dict[str, str | None] = {}

    def learn(self, name: str) -> str | None:
        key = match_header(name)
        self.keys[name] = key
        self.source.columns.append((name, key))
        return key

    def map(self, obj: dict):
        raw, names = {}, {}
        keys = self.keys
        for name, value in obj.items():
            key = keys[name] if name in keys else self.learn(name)
            if key is None:
                continue
            if key in raw:
                return RowProblem(
                    "duplicate_key",
                    f"keys {names[key]!r} and {name!r} both map to the field {key}",
                    f"键“{names[key]}”和“{name}”对应同一字段 {key}",
                    key,
                )
            names[key] = name
            if value is None:
                value = ""
            elif isinstance(value, str):
                value = value.strip()
            raw[key] = value
        return raw


def _parse_line(line: str):
    try:
        obj = json.loads(line, parse_float=Decimal)  # Decimal: amounts keep their exact digits
    except RecursionError:
        return RowProblem("invalid_json", "not valid JSON: nested too deeply", "不是有效的JSON：嵌套层数过多")
    except ValueError as exc:
        message = getattr(exc, "msg", str(exc))
        column = getattr(exc, "colno", None)
        return RowProblem(
            "invalid_json",
            f"not valid JSON: {message} (character {column})",
            f"不是有效的JSON：第{column}个字符处有误（{message}）",
        )
    if not isinstance(obj, dict):
        found = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(obj), "a number")
        return RowProblem(
            "not_an_object",
            f"not a JSON object (found {found}); each line must be one record {{...}}",
            "不是JSON对象，每行应为一条记录 {...}",
        )
    return obj


def _blank_object(obj: dict) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in obj.values())


def _blank_record(raw, obj: dict) -> bool:
    return isinstance(raw, dict) and not any(value != "" for value in raw.values()) and _blank_object(obj)


def _open_ndjson(path, stream, encoding, explicit_kind) -> RowSource:
    encoding = _check_encoding(encoding) if encoding else _detect_encoding(stream)
    lines = _DecodedLines(stream, encoding)
    numbered = enumerate(lines, 1)
    source = RowSource(path, NDJSON, stream, encoding=encoding)
    mapper = _ObjectMapper(source)
    pending, first, looked = [], None, 0  # lines up to the first object, replayed by the iterator
    for number, line in numbered:
        if not line.strip():
            continue
        item = _ndjson_item(number, line, lines.bad_lines, encoding)
        pending.append((number, item))
        if isinstance(item, dict):
            first = number
            mapper.map(item)  # learns the columns
            break
        looked += 1
        if looked >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        if not pending:
            raise ImportFileError("the file is empty (no lines)", "文件为空（没有数据行）", code="empty")
        number, problem = pending[0]
        raise ImportFileError(
            f"not an NDJSON file: line {number}: {problem.message_en}",
            f"不是NDJSON文件：第{number}行：{problem.message_zh}",
            code="not_ndjson",
            row=number,
        )
    if not any(key not in (None, KIND_KEY) for _, key in source.columns):
        shown = ", ".join(name for name, _ in source.columns)[:200]
        raise ImportFileError(
            f"line {first}: none of the keys is a field of the dual-publicity layout ({shown}); "
            "is this the right file?",
            f"第{first}行：没有任何键属于双公示数据标准（{shown}），请确认文件是否正确",
            code="unrecognised_header",
            row=first,
        )
    source.kind = _resolve_kind(explicit_kind, [key for _, key in source.columns if key])
    source._rows = _ndjson_rows(pending, numbered, lines, mapper, stream)
    return source


def _ndjson_item(number, line, bad, encoding):
    """The parsed object of one line, or its RowProblem."""
    while bad and bad[0] < number:
        bad.popleft()
    if bad and bad[0] == number:
        bad.popleft()
        return _encoding_problem([line], None, encoding)
    return _parse_line(line)


def _ndjson_rows(pending, numbered, lines, mapper, stream):
    encoding = mapper.source.encoding
    rest = (
        (number, _ndjson_item(number, line, lines.bad_lines, encoding)) for number, line in numbered if line.strip()
    )
    try:
        for number, item in chain(pending, rest):
            if isinstance(item, RowProblem):
                yield number, item
                continue
            raw = mapper.map(item)
            if _blank_record(raw, item):
                continue
            yield number, raw
        mapper.source._exhausted()
    finally:
        stream.close()
