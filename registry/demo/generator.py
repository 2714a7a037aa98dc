"""Deterministic generator of realistic demo data: market entities, credit records and bad rows.

Pure Python: every random choice comes from one `random.Random(seed)`, and nothing iterates over a
set or a hash-ordered container, so the same seed gives the same output in every process. The
vocabulary (names, violations, laws, licences) is written for Tongliao, Inner Mongolia.

Speed matters (benchmarks generate millions of rows): everything that does not depend on the row
is prepared once per call, and the per-row work is a handful of `random()` calls, list lookups,
one `str.format` and one dict literal.

This module is the public face of the generator; the work is done by
- `entities` (with `people` and `names`): market entities and their legal representatives;
- `records` (with `authorities` and `catalogue`): penalties and licences;
- `bad_rows`: realistic defects;
and the word lists and the catalogue of violations and licences are data files in `data/`, read
once at import (`common.read_data`).
"""

from .bad_rows import DEFECTS, generate_bad_rows
from .catalogue import LICENCES, PENALTY_TYPE_SEPARATOR, PENALTY_TYPES, VIOLATIONS
from .common import load_departments, load_districts, load_domains
from .entities import generate_entities
from .people import id_check_digit
from .records import generate_records

__all__ = [
    "DEFECTS",
    "LICENCES",
    "PENALTY_TYPES",
    "PENALTY_TYPE_SEPARATOR",
    "VIOLATIONS",
    "generate_bad_rows",
    "generate_entities",
    "generate_records",
    "id_check_digit",
    "load_departments",
    "load_districts",
    "load_domains",
]
