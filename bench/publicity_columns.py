"""Publicity rules per row (publicity.assess) against the same rules on columns (PublicityColumns).

    python bench/publicity_columns.py [--rows 200000] [--batch 5000] [--seed 25]

Generates validated penalty rows (decision dates 2019-2026 across the three rule sets, penalty types
in the mixes departments send, market supervision and other domains, texts with and without sector
and non-repairable keywords, fine amounts around the track's thresholds) and, in the same run:

* assess: publicity.assess() on every row, as intake called it per row;
* columns: PublicityColumns.assess() on the typed columns of the whole set (what a columnar
  validator hands over; building the frame is outside the timing);
* per-row intake vs batch intake: PublicityRules.values_for() on every row against values_for_rows()
  on batches of --batch rows (the import's batch path, building each frame from the row dicts).

Prints rows/s (wall) and µs of CPU a row (process time: every polars thread counted) for each, the
ratios, the polars thread count and the load average (the machine is shared). Both sides' answers
are compared, so a fast wrong answer cannot pass for a result.
"""

import argparse
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.domain.publicity import assess  # noqa: E402
from registry.domain.publicity_columns import INPUT_SCHEMA, OUTPUT_COLUMNS  # noqa: E402
from registry.records.prepare import DepartmentRef  # noqa: E402
from registry.records.publicity import rules  # noqa: E402
from registry.records.publicity_batch import columns_of, values_for_rows  # noqa: E402

TYPE_MIXES = (["罚款"], ["警告"], ["警告", "罚款"], ["罚款", "没收违法所得"], ["通报批评"], ["责令停产停业", "罚款"],
              ["吊销许可证件"], ["其他"], ["罚款", "没收违法所得", "没收非法财物"], ["行政拘留"])
DOMAINS = ("market_supervision", "market_supervision", "tax", "fire", "drug_regulation", "transport")
TEXTS = ("销售不符合食品安全标准的食品", "未按规定报送年度报告", "使用未经检验的特种设备（锅炉）", "虚开增值税专用发票",
         "经营无证医疗器械", "骗取出口退税", "擅自改变消防设施用途", "违反价格管理规定")
CATEGORIES = ("legal_person", "natural_person", "individual_business", None)
AMOUNTS = (None, Decimal("0.2"), Decimal("0.5"), Decimal("3"), Decimal("4.999999"), Decimal("5"), Decimal("12.5"))
TODAY = date(2026, 12, 6)


def generate(count: int, seed: int) -> list[dict]:
    pick = random.Random(seed).choice
    first = date(2019, 1, 1).toordinal()
    days = [date.fromordinal(first + i) for i in range((date(2026, 11, 30) - date(2019, 1, 1)).days)]
    return [{"kind": "penalty", "decision_date": pick(days), "penalty_types": pick(TYPE_MIXES),
             "domain": pick(DOMAINS), "violation_type": pick(TEXTS), "facts": pick(TEXTS),
             "severity": pick((None,) * 9 + ("serious",)), "fine_amount": pick(AMOUNTS),
             "party_category": pick(CATEGORIES)} for _ in range(count)]


def timed(work):
    """(result, wall seconds, CPU seconds of the process, all threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def per_row(book, rows):
    return [assess(book, decision_date=r["decision_date"], penalty_types=r["penalty_types"], domain=r["domain"],
                   violation_type=r["violation_type"], facts=r["facts"], explicit_severity=r["severity"],
                   fine_amount=r["fine_amount"], party_category=r["party_category"]) for r in rows]


def typed_frame(rows) -> pl.DataFrame:
    names = {"explicit_severity": "severity"}
    return pl.DataFrame({column: [r[names.get(column, column)] for r in rows] for column in INPUT_SCHEMA},
                        schema=INPUT_SCHEMA)


def line(name, count, wall, cpu):
    print(f"{name:<34} {count / wall:>12,.0f} rows/s {cpu / count * 1e6:>8.2f} µs CPU/row")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=25)
    args = parser.parse_args()
    intake = rules()
    book, columns = intake.rulebook, columns_of(intake)
    rows = generate(args.rows, args.seed)
    print(f"{args.rows:,} rows, polars {pl.__version__} on {pl.thread_pool_size()} threads, "
          f"load average {os.getloadavg()[0]:.1f} at the start")

    expected, wall_a, cpu_a = timed(lambda: per_row(book, rows))
    frame = typed_frame(rows)
    got, wall_c, cpu_c = timed(lambda: columns.assess(frame))
    want = [{f: list(v) if f == "reasons" else v for f, v in ((f, getattr(p, f)) for f in OUTPUT_COLUMNS)}
            for p in expected]
    assert got.to_dicts() == want, "the columns disagree with assess()"
    line("assess() per row", args.rows, wall_a, cpu_a)
    line("columns (typed frame)", args.rows, wall_c, cpu_c)
    print(f"{'ratio per row / columns':<34} {wall_a / wall_c:>12.1f}x wall {cpu_a / cpu_c:>8.1f}x CPU")

    department = DepartmentRef(1, "", "market_supervision")
    batches = [rows[i:i + args.batch] for i in range(0, len(rows), args.batch)]
    one, wall_r, cpu_r = timed(lambda: [intake.values_for(r, department, TODAY) for r in rows])
    many, wall_b, cpu_b = timed(lambda: [v for b in batches for v in values_for_rows(b, department, intake, TODAY)])
    assert one == many, "batch intake disagrees with per-row intake"
    line("intake values_for per row", args.rows, wall_r, cpu_r)
    line(f"intake values_for_rows ({args.batch:,}/batch)", args.rows, wall_b, cpu_b)
    print(f"{'ratio per row / batch intake':<34} {wall_r / wall_b:>12.1f}x wall {cpu_r / cpu_b:>8.1f}x CPU")

    for size in (1, 1000):  # the push API's batches: is the columnar path worth it there?
        sample = rows[:size]
        _, wall_1, _ = timed(lambda s=sample: [intake.values_for(r, department, TODAY) for r in s])
        _, wall_2, _ = timed(lambda s=sample: values_for_rows(s, department, intake, TODAY))
        print(f"a push of {size:>5,} rows: per row {wall_1 * 1e3:8.2f} ms, columns {wall_2 * 1e3:8.2f} ms")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
