"""Open-data benchmark: the daily export and the change feed, each against the raw query in the same run.

    python bench/open_data.py --database-url postgresql+psycopg://... [--records 100000] [--keep]
                              [--sqlite-records 20000] [--feed-only | --export-only]

Loads the demo city with `--records` records into the PostgreSQL database given (its schema is
replaced; `--keep` reuses what an earlier run loaded: the demo's writes leave their events in the
feed), then measures:
  * `registry exports build` in its own process (both audiences' file sets, the public's and the
    data-sharing partners'): wall time, the machine's busy CPU, peak PSS and RSS of the process and its
    workers together (sampled as `bench/import.py` does); against it, psycopg's `COPY (the public records)
    TO STDOUT` gzip'd into a file, the limit of reading them out;
  * one reader following the whole feed as the public through `GET /api/v1/changes?limit=1000`
    (Flask's test client: no network; the pages decoded by orjson, as a partner's client would): events
    a second; against it, the same pages of events with
    their records read raw through psycopg;
  * the same reader and raw query on SQLite, over a demo city of `--sqlite-records` records loaded
    into a temporary file (0: skip), the raw pages read through the sqlite3 module.
`--feed-only` skips the export, `--export-only` the feeds.
"""

import argparse
import gc
import gzip
import importlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import psycopg

REGISTRY = str(Path(sys.executable).parent / "registry")
PUBLIC = ("r.status = 'published' AND (r.publicity_end IS NULL OR r.publicity_end > CURRENT_DATE) "
          "AND r.party_category <> 'natural_person'")
RAW_PAGE = ("SELECT e.*, r.* FROM feed_events e LEFT JOIN records r ON r.id = e.record_id AND " + PUBLIC +
            " WHERE e.id > %s ORDER BY e.id LIMIT 1000")


def load(url: str, records: int) -> None:
    if url.startswith("postgresql"):
        with psycopg.connect(_plain(url), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public; "
                               "CREATE EXTENSION IF NOT EXISTS pg_trgm")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_LOG_LEVEL": "WARNING"}
    subprocess.run([REGISTRY, "demo", "--entities", str(max(records // 5, 100)), "--records", str(records)], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def export(url: str, directory: str) -> tuple[float, float, tuple[int, int], dict]:
    """Seconds, machine CPU seconds, peak RSS and PSS (MB, the process and its workers together) and the
    public manifest of `registry exports build` in its own process."""
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_EXPORT_DIR": directory,
           "REGISTRY_LOG_LEVEL": "WARNING"}
    seconds, cpu, _, memory, out = importlib.import_module("import").timed_process(  # bench/import.py, beside this file
        [REGISTRY, "exports", "build"], env, None)
    return seconds, cpu, memory, json.loads(out)


def raw_copy(url: str, directory: str) -> float:
    began = time.perf_counter()
    query = f"COPY (SELECT r.* FROM records r WHERE {PUBLIC} ORDER BY r.id) TO STDOUT"
    with psycopg.connect(_plain(url)) as connection, gzip.open(Path(directory) / "raw.gz", "wb") as out, \
            connection.cursor().copy(query) as copy:
        for block in copy:
            out.write(block)
    return time.perf_counter() - began


def follow_feed(url: str) -> tuple[int, float]:
    """Events read and seconds, following the whole feed as the public through the API."""
    os.environ.update(REGISTRY_DATABASE_URL=url, REGISTRY_LOG_LEVEL="WARNING")
    from registry import create_app

    client, after, events = create_app().test_client(), 0, 0
    gc.freeze()  # as a gunicorn worker does once the application is loaded (registry/gunicorn_conf.py)
    began = time.perf_counter()
    while True:
        page = orjson.loads(client.get("/api/v1/changes", query_string={"after": after, "limit": 1000}).data)
        events += len(page["events"])
        if page["next"] == after:
            return events, time.perf_counter() - began
        after = page["next"]


def raw_feed(url: str) -> tuple[int, float]:
    rows, after = 0, 0
    began = time.perf_counter()
    if url.startswith("sqlite"):
        connection, query = sqlite3.connect(url.removeprefix("sqlite:///")), RAW_PAGE.replace("%s", "?")
    else:
        connection, query = psycopg.connect(_plain(url)), RAW_PAGE
    with connection:
        while page := connection.execute(query, (after,)).fetchall():
            rows += len(page)
            after = page[-1][0]
    return rows, time.perf_counter() - began


def compare_feeds(url: str, engine: str) -> None:
    """The reader through the API against the raw query, one after the other on the same database."""
    events, seconds = follow_feed(url)
    raw_rows, raw_seconds = raw_feed(url)
    print(f"feed (API)   {engine:<10} {events:>9,} events {seconds:7.1f} s  {events / seconds:9,.0f} events/s")
    print(f"raw query    {engine:<10} {raw_rows:>9,} events {raw_seconds:7.1f} s  {raw_rows / raw_seconds:9,.0f} "
          f"events/s  feed / raw = {raw_seconds / seconds:.2f}")


def measure_export(url: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        seconds, cpu, (rss, pss), manifest = export(url, directory)
        raw = raw_copy(url, directory)
        partner = json.loads((Path(directory) / manifest["day"] / "partner" / "manifest.json").read_bytes())
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    shared = {entry["name"]: entry["rows"] for entry in partner["files"]}
    print(f"export       {rows['records.ndjson.gz']:>9,} records {rows['entities.ndjson.gz']:>8,} entities "
          f"(partners: {shared['records.ndjson.gz']:,} records) {seconds:7.1f} s  machine CPU {cpu:.1f} s  "
          f"peak PSS {pss} MB (RSS {rss} MB, all its processes)")
    print(f"raw COPY     {rows['records.ndjson.gz']:>9,} records (gzip'd, one format) {raw:7.1f} s  "
          f"export / raw = {seconds / raw:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--sqlite-records", type=int, default=20000)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--feed-only", action="store_true")
    only.add_argument("--export-only", action="store_true")
    args = parser.parse_args()
    if not args.keep:
        began = time.perf_counter()
        load(args.database_url, args.records)
        print(f"loaded the demo city with {args.records:,} records in {time.perf_counter() - began:.1f} s")
    print(f"load average {os.getloadavg()[0]:.1f} at the start (the machine is shared)")
    if not args.feed_only:
        measure_export(args.database_url)
    if not args.export_only:
        follow_both(args.database_url, args.sqlite_records)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def follow_both(url: str, sqlite_records: int) -> None:
    """The feeds of PostgreSQL (`url`) and of a demo city of `sqlite_records` in SQLite (0: none)."""
    compare_feeds(url, "PostgreSQL")
    if sqlite_records:
        with tempfile.TemporaryDirectory() as directory:
            sqlite_url = f"sqlite:///{directory}/open-data.sqlite3"
            began = time.perf_counter()
            load(sqlite_url, sqlite_records)
            print(f"loaded the demo city with {sqlite_records:,} records into SQLite in "
                  f"{time.perf_counter() - began:.1f} s")
            compare_feeds(sqlite_url, "SQLite")


if __name__ == "__main__":
    main()
