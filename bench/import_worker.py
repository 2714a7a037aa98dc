"""One import worker's CPU a row: a file read, validated, prepared and encoded by one process doing
every batch, with no writer and no database.

    python bench/import_worker.py [--file bench/out/penalties-200000.csv] [--writer postgresql|sqlite]

Runs the pipeline's own `_read` in this process (the encoder of the chosen database's writer) and
prints its CPU a file row, by stage, and the process's peak RSS. The whole import's workers do this
work plus reading the rows of each other's batches; `bench/import.py` measures them in an import.
"""

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.imports import pipeline  # noqa: E402
from registry.records.encoders import CopyEncoder, RowParameters  # noqa: E402
from registry.records.prepare import DepartmentRef  # noqa: E402
from registry.stages import StageTimes  # noqa: E402

MARKET_SUPERVISION = DepartmentRef(1, "11150500011620002E", "market_supervision")
ENCODERS = {"postgresql": CopyEncoder, "sqlite": RowParameters}


class Tally:
    """Stands in for the worker's channel: counts the batches' rows and adds up their stages."""

    def __init__(self):
        self.rows, self.seconds = 0, StageTimes()

    def put(self, item) -> None:
        if isinstance(item, pipeline.Batch):
            self.rows += item.rows_read
            self.seconds += item.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "bench" / "out" / "penalties-200000.csv",
                        help="a penalty file of the market supervision department (bench/import.py makes them)")
    parser.add_argument("--writer", choices=tuple(ENCODERS), default="postgresql")
    parser.add_argument("--batch-rows", type=int, default=5000)
    args = parser.parse_args()
    tally = Tally()
    started = time.process_time()
    pipeline._read(str(args.file), {}, 0, MARKET_SUPERVISION, date.today(), args.batch_rows, ENCODERS[args.writer],
                   tally, (0, 1))
    cpu = time.process_time() - started
    stages = ", ".join(f"{stage} {1e6 * seconds / tally.rows:.1f}" for stage, seconds in tally.seconds.items())
    print(f"{args.writer} path, {tally.rows:,} rows: {1e6 * cpu / tally.rows:.1f} µs of CPU a row ({stages}); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
