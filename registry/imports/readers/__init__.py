"""Streaming readers for bulk record files (CSV, XLSX, NDJSON) in the dual-publicity layout."""

from .archive import ArchiveLimits, check_archive
from .formats import open_rows
from .headers import match_header
from .problems import ImportFileError, RowProblem
from .source import CSV, NDJSON, XLSX, RowSource

__all__ = ["CSV", "NDJSON", "XLSX", "ArchiveLimits", "ImportFileError", "RowProblem", "RowSource", "check_archive",
           "match_header", "open_rows"]
