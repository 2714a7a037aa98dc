"""The data set of the search benchmarks: the demo city at a chosen size in a SQLite file, cached.

    python bench/search_data.py [--records 1000000] [--workdir bench/.data] [--seed 20261127]

Entities and records come from the demo generator (`registry demo`: every shipped department, all
domains and districts, a fixed day), written by the product's own writer, and the built-in engine's
index is built by `registry reindex`. A finished data set is kept under --workdir and reused by
bench/search_latency.py and bench/search_reindex.py; building one of 1,000,000 records takes a
while, so it happens once.
"""

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's `registry`

DEFAULT_WORKDIR = ROOT / "bench" / ".data"
SEED = 20261127
# The day the data set is generated for: decision dates and publicity windows follow from it.
DAY = date(2026, 11, 27)
RECORDS_PER_ENTITY = 5


def dataset_path(workdir: Path, records: int, seed: int = SEED) -> Path:
    return Path(workdir) / f"search-{records}-s{seed}.sqlite3"


def index_prefix(records: int) -> str:
    """The OpenSearch index prefix of a data set's index: search_reindex.py --keep-index leaves it for
    search_latency.py, which deletes it at the end of its run (unless told to keep it too)."""
    return f"bench-{records}"


def app_for(database: Path, search_url: str = "builtin", prefix: str = "registry"):
    """The application on a data set's database, quiet, with the chosen engine."""
    from registry import create_app

    database = Path(database).resolve()
    return create_app({"DATABASE_URL": f"sqlite:///{database}", "INSTANCE_DIR": str(database.parent),
                       "SEARCH_URL": search_url, "SEARCH_INDEX_PREFIX": prefix, "LOG_LEVEL": "WARNING"})


def ensure_dataset(workdir: Path, records: int, seed: int = SEED, log=print) -> tuple[Path, dict]:
    """The database of `records` demo records (and a fifth as many entities), built unless cached;
    returns its path and its summary (counts and how long each step took)."""
    path = dataset_path(workdir, records, seed)
    summary_path = path.with_suffix(".json")
    if path.exists() and summary_path.exists():
        return path, json.loads(summary_path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    summary = _build(partial, records, seed, log)
    os.replace(partial, path)
    summary_path.write_text(json.dumps(summary, indent=1))
    return path, summary


def _build(database: Path, records: int, seed: int, log) -> dict:
    from registry.bootstrap import initialise
    from registry.demo.loader import load_demo
    from registry.extensions import db
    from registry.publicsearch.reindex import rebuild_index

    entities = max(1, records // RECORDS_PER_ENTITY)
    log(f"building the data set: {entities:,} entities, {records:,} records -> {database}")
    with app_for(database).app_context():
        initialise()
        started = time.perf_counter()
        loaded = load_demo(seed=seed, entity_count=entities, record_count=records, today=DAY)
        load_seconds = time.perf_counter() - started
        log(f"  loaded in {load_seconds:.0f} s; building the built-in index")
        started = time.perf_counter()
        indexed = rebuild_index()["indexed"]
        index_seconds = time.perf_counter() - started
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    log(f"  {indexed:,} documents indexed in {index_seconds:.0f} s")
    return {"records": records, "entities": entities, "seed": seed, "day": DAY.isoformat(),
            "documents": indexed, "inserted": loaded["inserted"], "load_seconds": round(load_seconds, 1),
            "builtin_index_seconds": round(index_seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    path, summary = ensure_dataset(args.workdir, args.records, args.seed)
    print(json.dumps({"database": str(path), **summary}))


if __name__ == "__main__":
    main()
