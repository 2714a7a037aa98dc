"""The open file a reader yields rows from, and the formats it can be."""

import os
from collections.abc import Iterator

CSV, XLSX, NDJSON = "csv", "xlsx", "ndjson"


class RowSource:
    """An open file; iterate it (once) for `(row_number, raw dict or RowProblem)`.

    Attributes: `format` ("csv", "xlsx", "ndjson"), `encoding` (CSV/NDJSON), `delimiter` (CSV),
    `sheet` (XLSX), `kind` (a record kind of the layout, or None when a kind column decides per row),
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
