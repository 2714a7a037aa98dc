"""The CSV reader (any of four delimiters, one row per record even when a quoted cell spans lines)."""

import csv
import re

from .encoding import DecodedLines, check_encoding, detect_encoding, encoding_problem, sample_lines
from .headers import locate_header, map_columns, no_header_error, set_columns
from .problems import ImportFileError, RowProblem
from .source import CSV, RowSource

DELIMITERS = (",", "\t", ";", "|")


def _choose_delimiter(lines: list[str]) -> str:
    """The candidate under which a header row names the most layout fields; else the commonest."""
    best, best_score = None, 0
    for delimiter in DELIMITERS:
        try:
            _, _, score, _ = locate_header(enumerate(csv.reader(lines, delimiter=delimiter), 1))
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
        message_en=f'row {row}: malformed CSV ({exc}); probably an unclosed quote (") in this row',
        message_zh=f'第{row}行：CSV 格式错误（{exc}），可能该行有未闭合的引号（"）',
        code="malformed_csv",
        row=row,
    )


def open_csv(path, stream, encoding, explicit_kind) -> RowSource:
    encoding = check_encoding(encoding) if encoding else detect_encoding(stream)
    delimiter = _choose_delimiter(sample_lines(stream, encoding))
    lines = DecodedLines(stream, encoding)
    reader = csv.reader(lines, delimiter=delimiter)
    numbered = enumerate(reader, 1)
    try:
        header_row, cells, _, first = locate_header(numbered)
    except csv.Error as exc:
        raise _malformed_csv(exc, reader.line_num) from exc
    if header_row is None:
        raise no_header_error(first)
    source = RowSource(path, CSV, stream, encoding=encoding, delimiter=delimiter)
    source.header_row = header_row
    set_columns(source, map_columns(cells), explicit_kind)
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
                yield number, encoding_problem(row, headers, source.encoding)
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
                            message_en=f"the row has {len(row)} cells but the header has {width} columns; "
                            f"a value probably contains an unquoted {source.delimiter!r} that shifted the columns",
                            message_zh=f"该行有{len(row)}个单元格，而表头只有{width}列，可能某个值含有未加引号的分隔符"
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
