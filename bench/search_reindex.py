"""Indexing throughput: a full `registry reindex` into OpenSearch against raw `_bulk` of the same documents.

    python bench/search_reindex.py [--records 1000000] [--workdir bench/.data] [--opensearch URL]
                                   [--keep-index] [--profile]

On the cached demo data set of bench/search_data.py (built on first use), in one run:
  * building the documents alone: the product's reader, document builder and `_bulk` bodies over
    the whole data set, written to a file (cached next to the data set with its timing);
  * the limit: those bodies POSTed to `_bulk` with opensearch-py, as many at once as the product
    sends, into an index with the product's mapping and settings (shards
    included), refreshed; a part of it is loaded first, untimed, to warm up the node;
  * `registry reindex` (a subprocess, the real command) into OpenSearch: reads entities and records
    from SQLite, builds the documents, bulk-loads a new index, swaps the alias.
Prints docs/s of each and the ratio of the reindex to raw `_bulk`. The indices are made under
`bench-` prefixes and deleted at the end; --keep-index keeps the reindexed one (bench-<records>)
for bench/search_latency.py to reuse. --profile adds the top functions (cProfile) of building the
documents.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

from bench.search_data import DEFAULT_WORKDIR, app_for, ensure_dataset, index_prefix  # noqa: E402

BIN = Path(sys.executable).parent
TARGET_RATIO, TARGET_RATE = 0.7, 5000
WARM_UP_BODIES = 50


def _documents(database: Path):
    """Every document `registry reindex` sends, built by the product's own reader."""
    from sqlalchemy.orm import Session

    from registry.extensions import db
    from search.drain import document_batches

    with app_for(database).app_context(), Session(db.engine) as reader:
        yield from document_batches(reader, publish_natural_persons=False)


def profile_documents(database: Path) -> str:
    """cProfile of reading and building every document into the product's `_bulk` bodies."""
    from search.elastic import _load_bodies

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in _load_bodies(_documents(database)):
        pass
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def bulk_file(database: Path, chunk: int) -> tuple[Path, int, float]:
    """The product's `_bulk` bodies for every document (cached), how many documents, and how long
    reading, building and serialising them took: the product's own share of a reindex, without the engine."""
    from search.elastic import _load_bodies

    path = database.with_suffix(f".bodies-{chunk}.ndjson")
    summary = path.with_suffix(".json")
    if not summary.exists():
        partial = path.with_suffix(".partial")
        started, count = time.perf_counter(), 0
        with open(partial, "wb") as out:
            for body in _load_bodies(_documents(database)):
                out.write(body)
                count += body.count(b"\n") // 2
        os.replace(partial, path)
        summary.write_text(json.dumps({"documents": count, "seconds": time.perf_counter() - started}))
    built = json.loads(summary.read_text())
    return path, built["documents"], built["seconds"]


def _bodies(path: Path, chunk: int):
    with open(path, "rb") as lines:
        while True:
            body = b"".join(line for _, line in zip(range(2 * chunk), lines, strict=False))
            if not body:
                return
            yield body


def raw_bulk(url: str, index: str, path: Path, chunk: int, threads: int, expected: int,
             limit: int | None = None) -> tuple[int, float]:
    """POST the bulk file (or its first `limit` bodies) to a new index with the settings and mapping the
    product gives an index of `expected` documents; (docs, seconds)."""
    from search.connection import client_for
    from search.elastic import ExternalEngine

    client = client_for(url)
    engine = ExternalEngine(url, prefix="bench-unused")  # only for the index body the product builds
    client.indices.create(index=index, body=engine.load_index_body(expected))

    def send(body: bytes) -> int:
        answer = client.bulk(body=body, index=index, request_timeout=120)
        if answer["errors"]:
            failed = [item for item in answer["items"] if item["index"].get("error")]
            raise SystemExit(f"raw _bulk refused {len(failed)} documents: {failed[0]}")
        return len(answer["items"])

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        count = sum(pool.map(send, islice(_bodies(path, chunk), limit)))
    client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
    client.indices.refresh(index=index)
    return count, time.perf_counter() - started


def product_reindex(database: Path, url: str, prefix: str) -> tuple[int, float]:
    """`registry reindex` as an operator runs it; (documents, wall seconds)."""
    env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite:///{database}", "REGISTRY_SEARCH_URL": url,
           "REGISTRY_SEARCH_INDEX_PREFIX": prefix, "REGISTRY_INSTANCE_DIR": str(database.parent),
           "REGISTRY_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    out = subprocess.run([str(BIN / "registry"), "reindex"], env=env, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    return json.loads(out.stdout.strip().splitlines()[-1])["indexed"], seconds


def drop(url: str, pattern: str) -> None:
    from search.connection import client_for

    client = client_for(url)
    for index in client.indices.get(index=pattern, ignore_unavailable=True):
        client.indices.delete(index=index)


def line(name: str, count: int, seconds: float, note: str = "") -> None:
    print(f"{name:<38} {count:>9,} docs {seconds:>8.1f} s {count / seconds:>9,.0f} docs/s  {note}", flush=True)


def main() -> None:
    from search.elastic import CHUNK_SIZE, LOAD_THREADS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--opensearch", default=os.environ.get("REGISTRY_TEST_OPENSEARCH_URL"))
    parser.add_argument("--keep-index", action="store_true", help="keep the reindexed index for search_latency.py")
    parser.add_argument("--profile", action="store_true", help="cProfile of building the documents")
    args = parser.parse_args()
    if not args.opensearch:
        parser.error("give --opensearch URL or set REGISTRY_TEST_OPENSEARCH_URL")
    started = time.perf_counter()
    database, summary = ensure_dataset(args.workdir, args.records)
    print(f"data set: {summary['records']:,} records, {summary['entities']:,} entities, "
          f"{summary['documents']:,} search documents ({database})")
    print(f"{CHUNK_SIZE} documents a bulk request, {LOAD_THREADS} threads", flush=True)
    path, built, build_seconds = bulk_file(database, CHUNK_SIZE)
    line("building documents alone", built, build_seconds, "(SQLite read + documents + JSON)")
    prefix = index_prefix(args.records)
    raw_index = f"bench-reindex-{os.getpid()}-raw"
    try:
        # A freshly started node indexes slowly until its code is compiled: warm it up, untimed.
        raw_bulk(args.opensearch, raw_index, path, CHUNK_SIZE, LOAD_THREADS, built, limit=WARM_UP_BODIES)
        drop(args.opensearch, raw_index)
        raw_count, raw_seconds = raw_bulk(args.opensearch, raw_index, path, CHUNK_SIZE, LOAD_THREADS, built)
        drop(args.opensearch, raw_index)
        line("raw _bulk (opensearch-py, prebuilt)", raw_count, raw_seconds, "limit")
        count, seconds = product_reindex(database, args.opensearch, prefix)
    finally:
        drop(args.opensearch, raw_index)
        if not args.keep_index:
            drop(args.opensearch, f"{prefix}-*")
    rate, raw_rate = count / seconds, raw_count / raw_seconds
    line("registry reindex", count, seconds, f"{rate / raw_rate:.2f}x raw")
    print(f"targets: >= {TARGET_RATIO}x raw ({'met' if rate / raw_rate >= TARGET_RATIO else 'missed'}), "
          f">= {TARGET_RATE:,} docs/s ({'met' if rate >= TARGET_RATE else 'missed'})")
    if args.profile:
        print(profile_documents(database))
    print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
