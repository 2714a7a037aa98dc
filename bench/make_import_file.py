"""Write a realistic department import file for the import benchmark (SPEC §3 dual-publicity layout).

The rows come from the demo generator (`registry.demo.generator`): records of one kind (penalties or
licences) made by ONE shipped department about a generated population of market entities, with
about `--bad-share` of them carrying one realistic defect (`generate_bad_rows`). Rows are streamed to
the file, so a file of millions of rows needs no more memory than the entities.

The same arguments give the same file, byte for byte (XLSX: the same cells; the workbook's
timestamps differ), provided `--today` is given: by default it is the current date, and decision
dates fall in the four years before it.

Run from the repository root, with the project's virtualenv:

    python bench/make_import_file.py /tmp/penalties.csv --rows 1000000 --kind penalty \\
        --department 11150500011620002E --format csv --encoding utf-8 --bad-share 0.02 --seed 1 \\
        --headers zh --entities 200000

or equally `python -m bench.make_import_file ...`. The format defaults to the file's extension
(.csv, .xlsx, .ndjson/.jsonl), the department to the city's market supervision bureau. Chinese
headers (`--headers zh`) are those of the national template, with the kind-specific names of the
decision number, date and authority columns; `--headers en` writes the layout keys, which NDJSON
always uses; with Chinese headers the party category is written in Chinese (法人及非法人组织, ...).
No file has a kind column: the kind follows from the headers.

Statistics go to stderr (rows written, bad rows by defect, seconds, rows/s); stdout gets only the
output path, on the last line.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from datetime import date
from itertools import chain
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(_ROOT))  # run as a script: import this checkout's `registry`

from registry.demo.generator import (  # noqa: E402
    DEFECTS,
    generate_bad_rows,
    generate_entities,
    generate_records,
    load_departments,
)
from registry.records.layout import KIND_FIELDS, KIND_LABELS, LICENCE, PARTY_CATEGORIES, PENALTY  # noqa: E402

FORMATS = ("csv", "xlsx", "ndjson")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
_EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".ndjson": "ndjson", ".jsonl": "ndjson"}
# The template heads the party's USCC column with its code slot; these fields have a header per kind.
_USCC_HEADER = "行政相对人代码_1（统一社会信用代码）"
_KIND_SPECIFIC = ("decision_no", "decision_date", "authority", "authority_uscc")
_KIND_WORD = {PENALTY: "处罚", LICENCE: "许可"}


def headers(kind: str, language: str) -> list[str]:
    """The header row of a file of `kind` records: Chinese template names ("zh") or layout keys."""
    if language == "en":
        return [field.key for field in KIND_FIELDS[kind]]
    names = []
    for field in KIND_FIELDS[kind]:
        if field.key == "uscc":
            names.append(_USCC_HEADER)
        elif field.key in _KIND_SPECIFIC:
            names.append(next(h for h in field.headers if _KIND_WORD[kind] in h))
        else:
            names.append(field.label_zh)
    return names


def find_department(uscc: str | None) -> dict:
    """The shipped department with this USCC (default: the city's market supervision bureau)."""
    departments = load_departments()
    if uscc is None:
        return next(d for d in departments if d["domain"] == "market_supervision" and d["district"] == "150500")
    for department in departments:
        if department["uscc"] == uscc.strip().upper():
            return department
    known = "\n".join(f"  {d['uscc']}  {d['name']}" for d in departments)
    raise SystemExit(f"error: no shipped department has the USCC {uscc!r}; the departments are:\n{known}")


def write_csv(path: Path, header: list[str], rows, encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="", buffering=1 << 20) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_ndjson(path: Path, keys: list[str], rows, encoding: str) -> None:
    dumps = json.dumps
    with open(path, "w", encoding=encoding, newline="\n", buffering=1 << 20) as out:
        for values in rows:
            out.write(dumps(dict(zip(keys, values, strict=True)), ensure_ascii=False))
            out.write("\n")


def write_xlsx(path: Path, header: list[str], rows, sheet_title: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.append(header)
    for values in rows:
        sheet.append([value if value != "" else None for value in values])  # empty cells stay absent
    workbook.save(path)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="the file to write")
    parser.add_argument("--rows", type=int, default=1_000_000, help="records to write (default 1,000,000)")
    parser.add_argument("--kind", choices=(PENALTY, LICENCE), default=PENALTY)
    parser.add_argument("--department", metavar="USCC", help="the source department (a shipped one)")
    parser.add_argument("--format", choices=FORMATS, help="default: from the extension of OUT, else csv")
    parser.add_argument("--encoding", choices=ENCODINGS, default="utf-8", help="CSV and NDJSON (default utf-8)")
    parser.add_argument("--bad-share", type=float, default=0.02, help="share of rows with one defect (0.02)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--headers", choices=("zh", "en"), default="zh", help="CSV and XLSX headers (default zh)")
    parser.add_argument("--entities", type=int, default=200_000, help="market entities to draw parties from")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (default today)")
    args = parser.parse_args(argv)
    if args.rows < 0 or args.entities < 1:
        parser.error("--rows must be 0 or more and --entities 1 or more")
    if not 0 <= args.bad_share <= 1:
        parser.error("--bad-share must be between 0 and 1")
    args.format = args.format or _EXTENSIONS.get(args.out.suffix.lower(), "csv")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    department = find_department(args.department)
    started = time.perf_counter()
    entities = generate_entities(args.entities, args.seed)
    entity_seconds = time.perf_counter() - started
    records = generate_records(entities, [department], args.rows, args.seed + 1, args.today, kind=args.kind)
    try:
        first = [next(records)]  # the generator checks its inputs when asked for the first row
    except StopIteration:
        first = []
    except ValueError as exc:  # the department cannot act on these entities, or grants no licences
        raise SystemExit(f"error: {department['name']} ({department['uscc']}): {exc}") from None
    keys = [field.key for field in KIND_FIELDS[args.kind]]
    category_at = keys.index("party_category")
    defects = Counter()

    # Files with Chinese headers name the party category in Chinese too, as departments write it.
    categories = PARTY_CATEGORIES if args.headers == "zh" and args.format != "ndjson" else {}

    def rows():
        for row, defect in generate_bad_rows(chain(first, records), args.bad_share, args.seed + 2):
            if defect:
                defects[defect] += 1
            values = [row[key] for key in keys]
            values[category_at] = categories.get(values[category_at], values[category_at])
            yield values

    if args.format == "csv":
        write_csv(args.out, headers(args.kind, args.headers), rows(), args.encoding)
    elif args.format == "ndjson":
        write_ndjson(args.out, keys, rows(), args.encoding)
    else:
        write_xlsx(args.out, headers(args.kind, args.headers), rows(), KIND_LABELS[args.kind])
    seconds = time.perf_counter() - started
    log = sys.stderr
    print(f"department: {department['name']} ({department['uscc']}); {args.kind}; {args.format}", file=log)
    print(f"rows written: {args.rows:,} ({args.out.stat().st_size:,} bytes)", file=log)
    bad = sum(defects.values())
    detail = ", ".join(f"{name} {defects[name]:,}" for name in DEFECTS if defects[name])
    print(f"bad rows: {bad:,}" + (f" ({detail})" if detail else ""), file=log)
    print(f"seconds: {seconds:.2f} ({entity_seconds:.2f} of them for {args.entities:,} entities)", file=log)
    rows_seconds = max(seconds - entity_seconds, 1e-9)
    print(f"rows/s: {args.rows / seconds:,.0f} overall, {args.rows / rows_seconds:,.0f} after the entities", file=log)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
