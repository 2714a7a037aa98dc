"""Indexing throughput: a full `registry reindex` into OpenSearch against raw `_bulk` of the same documents.

    python bench/search_reindex.py [--records 1000000] [--workdir bench/.data] [--opensearch URL] [--profile]

On the cached demo data set of bench/search_data.py (built on first use), in one run:
  * `registry reindex` (a subprocess, the real command) into OpenSearch under a `bench-` prefix:
    reads entities and records from SQLite, builds the documents, bulk-loads a new index, swaps
    the alias; wall time and docs/s;
  * the limit: the same documents, serialised beforehand to a bulk file (cached next to the data
    set), POSTed to `_bulk` with opensearch-py in batches of the product's size by as many threads,
    into an index with the same mapping and settings, refreshed at the end;
  * for the breakdown: building the documents alone (reading and building, no engine).
Prints docs/s of each and the ratio of the reindex to raw `_bulk`. Every `bench-` index it makes is
deleted at the end. --profile adds the top functions (cProfile) of building the documents.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

from bench.search_data import DEFAULT_WORKDIR, app_for, ensure_dataset  # noqa: E402

BIN = Path(sys.executable).parent
TARGET_RATIO, TARGET_RATE = 0.7, 5000


def _documents(database: Path):
    """Every document `registry reindex` sends, built by the product's own reader."""
    from sqlalchemy.orm import Session

    from registry.extensions import db
    from search.drain import document_batches

    with app_for(database).app_context(), Session(db.engine) as reader:
        yield from document_batches(reader, publish_natural_persons=False)


def build_documents(database: Path, profile: bool) -> tuple[int, float, str | None]:
    """Read and build every document and serialise it as the client would; (count, seconds, profile)."""
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    count = sum(1 for document in _documents(database) if json.dumps(document, ensure_ascii=False))
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    if not profiler:
        return count, seconds, None
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return count, seconds, out.getvalue()


def bulk_file(database: Path, chunk: int) -> Path:
    """The documents as `_bulk` bodies, one chunk of `chunk` documents per line group (cached)."""
    path = database.with_suffix(f".bulk-{chunk}.ndjson")
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for document in _documents(database):
            out.write(json.dumps({"index": {"_id": document["id"]}}) + "\n")
            out.write(json.dumps(document, ensure_ascii=False) + "\n")
    os.replace(partial, path)
    return path


def _bodies(path: Path, chunk: int):
    with open(path, "rb") as lines:
        while True:
            body = b"".join(line for _, line in zip(range(2 * chunk), lines, strict=False))
            if not body:
                return
            yield body


def raw_bulk(url: str, index: str, path: Path, chunk: int, threads: int) -> tuple[int, float]:
    """POST the bulk file to a new index with the product's mapping and settings; (docs, seconds)."""
    from search.connection import client_for
    from search.elastic import ExternalEngine

    client = client_for(url)
    engine = ExternalEngine(url, prefix="bench-unused")  # only for the index body the product builds
    client.indices.create(index=index, body=engine._index_body(refresh_interval="-1"))

    def send(body: bytes) -> int:
        answer = client.bulk(body=body, index=index)
        if answer["errors"]:
            failed = [item for item in answer["items"] if item["index"].get("error")]
            raise SystemExit(f"raw _bulk refused {len(failed)} documents: {failed[0]}")
        return len(answer["items"])

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        count = sum(pool.map(send, _bodies(path, chunk)))
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
    print(f"{name:<40} {count:>9,} docs {seconds:>8.1f} s {count / seconds:>9,.0f} docs/s  {note}")


def main() -> None:
    from search.elastic import CHUNK_SIZE, LOAD_THREADS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--opensearch", default=os.environ.get("REGISTRY_TEST_OPENSEARCH_URL"))
    parser.add_argument("--profile", action="store_true", help="cProfile of building the documents")
    args = parser.parse_args()
    if not args.opensearch:
        parser.error("give --opensearch URL or set REGISTRY_TEST_OPENSEARCH_URL")
    started = time.perf_counter()
    database, summary = ensure_dataset(args.workdir, args.records)
    print(f"data set: {summary['records']:,} records, {summary['entities']:,} entities, "
          f"{summary['documents']:,} search documents ({database})")
    path = bulk_file(database, CHUNK_SIZE)
    print(f"bulk file: {path} ({path.stat().st_size / 1e6:,.0f} MB), {CHUNK_SIZE} documents a request, "
          f"{LOAD_THREADS} threads")
    prefix = f"bench-reindex-{os.getpid()}"
    try:
        raw_count, raw_seconds = raw_bulk(args.opensearch, f"{prefix}-raw", path, CHUNK_SIZE, LOAD_THREADS)
        drop(args.opensearch, f"{prefix}-raw")
        count, seconds = product_reindex(database, args.opensearch, prefix)
    finally:
        drop(args.opensearch, f"{prefix}-*")
    built, build_seconds, profile = build_documents(database, args.profile)
    raw_rate, rate = raw_count / raw_seconds, count / seconds
    line("raw _bulk (opensearch-py, prebuilt)", raw_count, raw_seconds, "limit")
    line("registry reindex", count, seconds, f"{rate / raw_rate:.2f}x raw")
    line("  of which building documents alone", built, build_seconds, "(SQLite read + documents + JSON)")
    print(f"targets: >= {TARGET_RATIO}x raw ({'met' if rate / raw_rate >= TARGET_RATIO else 'missed'}), "
          f">= {TARGET_RATE:,} docs/s ({'met' if rate >= TARGET_RATE else 'missed'})")
    if profile:
        print(profile)
    print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
