"""Bulk imports of record files: streaming readers for CSV, XLSX and NDJSON."""
