"""The XLSX reader: cells in their native types, from the first sheet that has a header."""

from .headers import is_blank, locate_header, map_columns, no_header_error, set_columns
from .problems import ImportFileError
from .source import XLSX, RowSource


def _invalid_workbook(exc, row=None):
    where_en, where_zh = (f" (near row {row})", f"（第{row}行附近）") if row else ("", "")
    return ImportFileError(
        message_en=f"not a valid XLSX workbook{where_en}: {exc.__class__.__name__}: {exc}",
        message_zh=f"不是有效的 XLSX 工作簿{where_zh}：{exc}",
        code="invalid_workbook",
        row=row,
    )


def open_xlsx(path, stream, encoding, explicit_kind) -> RowSource:
    """Read with openpyxl in read-only mode from the first sheet that has a header within its first
    rows (so an instructions sheet in front is skipped). openpyxl keeps the workbook's shared-strings
    table in memory, so an XLSX file is not read in constant memory the way CSV and NDJSON are."""
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
            header_row, cells, _, first = locate_header(numbered)
            if header_row is not None:
                break
            first_seen = first_seen or first
        else:
            raise no_header_error(first_seen)
    except ImportFileError:
        workbook.close()
        raise
    except Exception as exc:
        workbook.close()
        raise _invalid_workbook(exc) from exc
    source = RowSource(path, XLSX, stream, sheet=sheet.title)
    source.header_row = header_row
    try:
        set_columns(source, map_columns(cells), explicit_kind)
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
            if not any(value != "" for value in raw.values()) and is_blank(values):
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
