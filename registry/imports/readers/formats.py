"""Opening a record file: its format from the caller, its first bytes or its extension, then that format's reader."""

import os

from ...records import layout
from .archive import ArchiveLimits, check_archive
from .delimited import open_csv
from .ndjson import open_ndjson
from .problems import ImportFileError
from .source import CSV, NDJSON, XLSX, RowSource
from .xlsx import open_xlsx

_EXTENSIONS = {".csv": CSV, ".txt": CSV, ".tsv": CSV, ".xlsx": XLSX, ".xlsm": XLSX, ".ndjson": NDJSON, ".jsonl": NDJSON}
_FORMAT_NAMES = {"csv": CSV, "txt": CSV, "tsv": CSV, "xlsx": XLSX, "ndjson": NDJSON, "jsonl": NDJSON}
_OPENERS = {CSV: open_csv, XLSX: open_xlsx, NDJSON: open_ndjson}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (Excel 97-2003)


def open_rows(path, *, fmt: str | None = None, encoding: str | None = None, kind: str | None = None,
              archive_limits: ArchiveLimits | None = None) -> RowSource:
    """Open a record file for streaming. Raises ImportFileError when it cannot be imported at all,
    a workbook that would unpack beyond `archive_limits` (their defaults when None) included.

    Reads the header, maps its columns to layout keys and decides the record kind; the RowSource
    then yields `(row_number, raw)` one row at a time, the whole file never held in memory. `raw`
    maps layout keys to cell values exactly as found (strings stripped, XLSX cells in their native
    types); parsing dates and amounts is the validator's job. A row that cannot be handed on comes
    as a RowProblem in place of `raw`.

    Row numbers are what a spreadsheet user sees: the header is row 1 (or wherever it is; title rows
    above it are tolerated), blank rows are skipped but still counted, a CSV record whose quoted cell
    spans several lines is one row, and for NDJSON the number is the line number.
    """
    path = os.fspath(path)
    wanted_kind = _explicit_kind(kind)
    if not os.path.exists(path):
        raise ImportFileError(message_en=f"file not found: {path}", message_zh=f"文件不存在：{path}", code="not_found")
    try:
        stream = open(path, "rb")  # noqa: SIM115 - handed to the RowSource, which closes it
    except OSError as exc:
        raise ImportFileError(
            message_en=f"cannot read the file: {exc.strerror or exc}",
            message_zh=f"无法读取文件：{exc.strerror or exc}", code="unreadable"
        ) from exc
    try:
        magic = stream.read(8)
        if not magic:
            raise ImportFileError(message_en="the file is empty", message_zh="文件为空", code="empty")
        format = _choose_format(path, fmt, magic)
        stream.seek(0)
        if format == XLSX:
            check_archive(stream, archive_limits or ArchiveLimits())
        return _OPENERS[format](path, stream, encoding, wanted_kind)
    except BaseException as exc:
        stream.close()
        if isinstance(exc, OSError):
            raise ImportFileError(message_en=f"cannot read the file: {exc}", message_zh=f"无法读取文件：{exc}",
                                  code="unreadable") from exc
        raise


def _explicit_kind(kind):
    if kind is None:
        return None
    resolved = layout.kind_of(kind)
    if resolved is None:
        raise ImportFileError(
            message_en=f"unknown record kind {kind!r}: use one of {', '.join(layout.KINDS)}",
            message_zh=f"记录类型“{kind}”无法识别，应为"
                       f"{'、'.join(f'{k}（{v}）' for k, v in layout.KIND_LABELS.items())}之一",
            code="invalid_kind",
        )
    return resolved


def _choose_format(path: str, fmt: str | None, magic: bytes) -> str:
    if magic.startswith(_OLE2_MAGIC):
        raise ImportFileError(
            message_en="this is a legacy Excel 97-2003 (.xls) file; save it as .xlsx or CSV",
            message_zh="这是旧版 Excel 97-2003（.xls）文件，请另存为 .xlsx 或 CSV 格式",
            code="legacy_xls",
        )
    if fmt is not None:
        format = _FORMAT_NAMES.get(str(fmt).strip().lower().lstrip("."))
        if format is None:
            raise ImportFileError(
                message_en=f"unknown format {fmt!r}: use csv, xlsx or ndjson",
                message_zh=f"文件格式“{fmt}”无法识别，应为 csv、xlsx 或 ndjson",
                code="unknown_format",
            )
        return format
    if magic.startswith(_ZIP_MAGIC):
        return XLSX  # a workbook, whatever its name says (renamed or saved without extension)
    extension = os.path.splitext(path)[1].lower()
    format = _EXTENSIONS.get(extension)
    if format is None:
        raise ImportFileError(
            message_en=f"unknown file type {extension or '(no extension)'}: "
            "expected .csv, .txt, .xlsx, .ndjson or .jsonl",
            message_zh=f"无法识别的文件类型{extension or '（无扩展名）'}：应为 .csv、.txt、.xlsx、.ndjson 或 .jsonl",
            code="unknown_format",
        )
    return format
