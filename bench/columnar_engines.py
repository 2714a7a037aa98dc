"""Which columnar library validates a penalty file faster: polars or pyarrow compute, same checks, same run.

    python bench/columnar_engines.py [--file PATH] [--rows 200000] [--batch 10000]

Both engines do the same column-wise checks of a penalty batch (all cells read as text): trim,
required fields, text lengths, the credit-code check character of the three code columns (each
position mapped to its value, weighted sum mod 31), dates in the accepted separated and compact
forms, amounts to decimals, party categories by membership, penalty types by their distinct values
(parsed once each). Each is measured twice, in CPU time a row:
  * `file`: reading the CSV itself in batches of `--batch` rows, then checking each batch;
  * `lists`: checking batches handed over as Python lists of strings, the way the import's readers
    (CSV, XLSX, NDJSON alike) hold a batch today;
against the row validator (`validate_record`) and the product's columnar validator (`validate_rows`,
lists only) on the same rows, in the same run. It prints the
number of rows with a bad credit code each engine found (the generator plants a known number).
An engine that is not installed is reported as such.
"""

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.domain.penalty_types import InvalidPenaltyType, parse_types_text  # noqa: E402
from registry.domain.uscc import ALPHABET, REGISTERING_AUTHORITIES, WEIGHTS  # noqa: E402
from registry.records import layout  # noqa: E402

FIELDS = layout.KIND_FIELDS[layout.PENALTY]
HEADERS = {f.label_zh: f.key for f in FIELDS} | {h: f.key for f in FIELDS for h in f.headers}
CODES = [f.key for f in FIELDS if f.type == layout.USCC]
DATES = [f.key for f in FIELDS if f.type == layout.DATE]
AMOUNTS = [f.key for f in FIELDS if f.type == layout.AMOUNT]
TEXTS = [f for f in FIELDS if f.type == layout.TEXT]
REQUIRED = [f.key for f in FIELDS if layout.PENALTY in f.required]
CATEGORIES = sorted(set(layout.PARTY_CATEGORIES) | set(layout.PARTY_CATEGORIES.values()))
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
AMOUNT_PATTERN = r"^\+?\d{1,12}(\.\d{1,6})?$"


def penalty_types_ok(values) -> dict:
    """Each distinct penalty-types text: whether it parses (the rule is Python's, run once a value)."""
    answers = {}
    for value in values:
        try:
            parse_types_text(value or "")
            answers[value] = True
        except InvalidPenaltyType:
            answers[value] = False
    return answers


def polars_check(frame):
    import polars as pl

    text = [pl.col(c).str.strip_chars() for c in frame.columns]
    frame = frame.with_columns(text)
    value = {ch: i for i, ch in enumerate(ALPHABET)}
    checks = []
    for key in CODES:
        col = pl.col(key)
        chars = [col.str.slice(i, 1).replace_strict(value, default=None, return_dtype=pl.Int32) for i in range(18)]
        total = pl.sum_horizontal([c * w for c, w in zip(chars, WEIGHTS, strict=False)])
        check = chars[17] == (31 - total % 31) % 31
        ok = (col.str.len_chars() == 18) & pl.all_horizontal(c.is_not_null() for c in chars) & \
            col.str.slice(0, 1).is_in(list(REGISTERING_AUTHORITIES)) & check
        checks.append((col.is_null() | ok).alias(f"{key}_ok"))
    for key in DATES:
        col = pl.col(key)
        parsed = pl.coalesce([col.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS])
        checks.append((col.is_null() | parsed.is_not_null()).alias(f"{key}_ok"))
    for key in AMOUNTS:
        col = pl.col(key)
        checks.append((col.is_null() | col.str.contains(AMOUNT_PATTERN)).alias(f"{key}_ok"))
        checks.append(col.str.strip_prefix("+").str.to_decimal(scale=6).alias(f"{key}_value"))
    for field in TEXTS:
        checks.append((pl.col(field.key).str.len_chars().fill_null(0) <= field.max_length).alias(f"{field.key}_ok"))
    for key in REQUIRED:
        checks.append((pl.col(key).fill_null("") != "").alias(f"{key}_present"))
    checks.append(pl.col("party_category").is_in(CATEGORIES).alias("party_category_ok"))
    distinct = penalty_types_ok(frame["penalty_types"].unique().to_list())
    checks.append(pl.col("penalty_types").replace_strict(distinct, default=False, return_dtype=pl.Boolean)
                  .alias("penalty_types_ok"))
    result = frame.select(checks)
    return result.height - result["uscc_ok"].sum()


def arrow_check(table):
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {name: pc.utf8_trim_whitespace(table[name]) for name in table.column_names}
    alphabet = pa.array(list(ALPHABET))
    bad_codes = None
    for key in CODES:
        col = columns[key]
        total = None
        chars = []
        for i, weight in enumerate(WEIGHTS + (0,)):
            index = pc.index_in(pc.utf8_slice_codeunits(col, i, i + 1), value_set=alphabet)
            chars.append(index)
            if weight:
                part = pc.multiply(index, weight)
                total = part if total is None else pc.add(total, part)
        expected = pc.remainder(pc.subtract(31, pc.remainder(total, 31)), 31)
        ok = pc.and_kleene(pc.equal(pc.utf8_length(col), 18), pc.equal(chars[17], expected))
        ok = pc.and_kleene(ok, pc.is_in(pc.utf8_slice_codeunits(col, 0, 1),
                                         value_set=pa.array(sorted(REGISTERING_AUTHORITIES))))
        ok = pc.or_kleene(pc.equal(col, ""), pc.fill_null(ok, False))
        if key == "uscc":
            bad_codes = len(ok) - pc.sum(ok).as_py()
    for key in DATES:
        col = columns[key]
        parsed = [pc.strptime(col, format=f, unit="s", error_is_null=True) for f in DATE_FORMATS]
        pc.or_kleene(pc.equal(col, ""), pc.is_valid(pc.coalesce(*parsed)))
    for key in AMOUNTS:
        col = columns[key]
        ok = pc.or_kleene(pc.equal(col, ""), pc.match_substring_regex(col, AMOUNT_PATTERN))
        pc.cast(pc.if_else(ok, pc.if_else(pc.equal(col, ""), None, col), None), pa.decimal128(18, 6))
    for field in TEXTS:
        pc.less_equal(pc.utf8_length(columns[field.key]), field.max_length)
    for key in REQUIRED:
        pc.not_equal(columns[key], "")
    pc.is_in(columns["party_category"], value_set=pa.array(CATEGORIES))
    types = columns["penalty_types"]
    distinct = penalty_types_ok(pc.unique(types).to_pylist())
    good = pa.array([v for v, ok in distinct.items() if ok])
    pc.is_in(types, value_set=good)
    return bad_codes


def row_check(rows) -> int:
    from registry.records.validation import validate_record

    bad = 0
    for raw in rows:
        _, errors = validate_record(raw, kind=layout.PENALTY)
        bad += any(e.field == "uscc" and e.code.startswith("uscc") for e in errors)
    return bad


def columnar_check(rows) -> int:
    """The product's columnar validator, the bad credit codes it found."""
    from registry.records.columnar import validate_rows

    return sum(any(e.field == "uscc" and e.code.startswith("uscc") for e in errors)
               for _, errors in validate_rows(rows, kind=layout.PENALTY).results)


def read_lists(path: Path, rows: int, batch: int):
    """The file as batches of {key: [text, ...]} and of row dicts, as the readers hold them."""
    with open(path, encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        keys = [HEADERS.get(h) for h in next(reader)]
        pairs = [(i, k) for i, k in enumerate(keys) if k]
        batches, current = [], []
        for number, row in enumerate(reader):
            if number >= rows:
                break
            current.append({k: row[i].strip() for i, k in pairs})
            if len(current) == batch:
                batches.append(current)
                current = []
        if current:
            batches.append(current)
    return [k for _, k in pairs], batches


def cpu(work):
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def measure(args, keys, batches, rows):
    lines = []
    seconds, bad = cpu(lambda: sum(row_check(b) for b in batches))
    lines.append(("row validator (validate_record)", "lists", seconds, bad))
    base = seconds
    lines.append(("registry columnar (validate_rows)", "lists", *cpu(lambda: sum(columnar_check(b) for b in batches))))
    try:
        import polars as pl

        def polars_file():
            renames = {h: k for h, k in HEADERS.items()}
            scan = pl.scan_csv(args.file, infer_schema=False, n_rows=args.rows)
            scan = scan.rename(renames, strict=False).select(keys)
            return sum(polars_check(b) for b in scan.collect_batches(chunk_size=args.batch))

        lines.append(("polars " + pl.__version__, "file", *cpu(polars_file)))
        schema = {k: pl.String for k in keys}
        lines.append(("polars " + pl.__version__, "lists", *cpu(lambda: sum(
            polars_check(pl.DataFrame({k: [r[k] or None for r in b] for k in keys}, schema=schema))
            for b in batches))))
    except ImportError:
        print("polars: not installed")
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        def arrow_file():
            options = pacsv.ReadOptions(block_size=args.batch * 800)
            convert = pacsv.ConvertOptions(column_types={h: pa.string() for h in HEADERS})
            total, seen = 0, 0
            with pacsv.open_csv(args.file, read_options=options, convert_options=convert) as reader:
                for chunk in reader:
                    names = [HEADERS.get(n, n) for n in chunk.schema.names]
                    table = pa.Table.from_batches([chunk]).rename_columns(names).select(keys)
                    table = table.slice(0, max(0, args.rows - seen))
                    seen += chunk.num_rows
                    total += arrow_check(table)
                    if seen >= args.rows:
                        break
            return total

        lines.append(("pyarrow " + pa.__version__, "file", *cpu(arrow_file)))
        lines.append(("pyarrow " + pa.__version__, "lists", *cpu(lambda: sum(
            arrow_check(pa.table({k: pa.array([r[k] for r in b], pa.string()) for k in keys})) for b in batches))))
    except ImportError:
        print("pyarrow: not installed")
    print(f"{rows:,} rows in batches of {args.batch:,}; CPU µs a row (process time, all threads)")
    for name, how, seconds, bad in lines:
        print(f"  {name:34} {how:6} {seconds / rows * 1e6:7.1f} µs/row  ×{base / seconds:5.1f} faster than rows"
              f"  bad credit codes {bad}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "bench" / "out" / "penalties-200000.csv")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    keys, batches = read_lists(args.file, args.rows, args.batch)
    measure(args, keys, batches, sum(map(len, batches)))


if __name__ == "__main__":
    main()
