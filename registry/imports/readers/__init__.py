"""Streaming readers for bulk record files (CSV, XLSX, NDJSON) in the dual-publicity layout."""

from .formats import open_rows
from .headers import match_header
from .problems import ImportFileError, RowProblem
from .source import CSV, NDJSON, XLSX, RowSource

__all__ = ["CSV", "NDJSON", "XLSX", "ImportFileError", "RowProblem", "RowSource", "match_header", "open_rows"]
