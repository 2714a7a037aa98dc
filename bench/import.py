"""Import benchmark: the product's import into SQLite and PostgreSQL against a raw COPY, same file.

    python bench/import.py [--rows 1000000] [--file PATH] [--department USCC] [--only sqlite|postgresql]
                           [--postgres URL] [--search-url URL] [--again] [--reindex] [--writer-alone]

Generates (or reuses) a penalty file with 1% bad rows, then in one run measures:
  * `registry import` into a fresh SQLite database and into a fresh PostgreSQL database
    (each in its own process: wall time, rows/s, peak RSS of the process and its workers);
  * the limit: psycopg COPY of the same rows, unvalidated, into a bare table of text columns.
Prints one line per measurement, the ratio of each import to the raw COPY, the CPU time the
machine spent busy meanwhile (the database server's and the workers' included) and how much of it
went to the import's own process, its workers and the PostgreSQL backends serving it, and where each
import's time went by stage (the workers' stages summed over the workers; `wait_for_workers` is the
writer waiting for them). The headline is the embedded default, what `make run` gives: SQLite with the
built-in search engine, which indexes in bulk in the batches' transactions (`search_index`) and is
done when the job is (`search_sync` is what is left for the sync after the last commit); each import's
share of time spent indexing is printed. `--search-url http://...` measures the deployment whose external engine is fed
by `registry search drain` in another process (the import then only writes the outbox).
`--again` then imports the same file a second time into the same database: every row must come
back unchanged, and the line says how long finding that out took.
`--reindex` then runs `registry reindex` on the imported database (the built-in engine: every
document built again and indexed) against the limit of the database's own indexing, in the same run:
FTS5's `rebuild` of both indexes on SQLite, REINDEX of the search tables on PostgreSQL, over the
documents the reindex wrote (documents a second each, and the ratio).
`--writer-alone` then measures the two halves of each import apart, with nothing else running:
its workers validating, preparing and encoding the whole file (into a temporary file) with no
writer waiting for them, then the importing process with no worker to wait for: the product's job
fed those batches (on the built-in engine its index step included), the floor the schema and its
statements set; and prints the import's ratio to it.

`--postgres` is a URL whose server and credentials to use (default: `deploy/postgres.sh start`);
the benchmark creates, and recreates on every run, a database named after it with `_bench`.
"""

import argparse
import csv
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MARKET_SUPERVISION = "11150500011620002E"
INDEXING_STAGES = ("search_index", "search_sync")  # the built-in engine's, in the batches and after the last


def ensure_file(rows: int, department: str) -> Path:
    path = ROOT / "bench" / "out" / f"penalties-{rows}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_import_file.py"), str(path), "--rows", str(rows),
                        "--kind", "penalty", "--department", department, "--bad-share", "0.01", "--seed", "1"],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def fresh_sqlite() -> str:
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='registry-bench-')) / 'bench.sqlite3'}"


def postgres_admin_url() -> str:
    out = subprocess.run(["bash", str(ROOT / "deploy" / "postgres.sh"), "start"], check=True, capture_output=True,
                         text=True).stdout
    return out.strip().splitlines()[-1].replace("postgresql+psycopg://", "postgresql://")


def fresh_postgres(admin_url: str) -> str:
    base, name = admin_url.rsplit("/", 1)
    bench = f"{name}_bench"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for attempt in range(60):
            try:
                connection.execute(f"DROP DATABASE IF EXISTS {bench} WITH (FORCE)")
                break
            except psycopg.errors.InsufficientPrivilege:
                # Only a superuser may end the autovacuum worker that a big import sets to work on it.
                if attempt == 59:
                    raise
                time.sleep(1)
        connection.execute(f"CREATE DATABASE {bench} ENCODING 'UTF8' TEMPLATE template0")
    return base.replace("postgresql://", "postgresql+psycopg://") + "/" + bench


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (the import's forkserver and workers)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append(current)
    return found


def tree_memory_kb(pids: list[int]) -> tuple[int, int]:
    """RSS and PSS of a process tree. Summed RSS counts the pages a forked worker shares with its
    forkserver twice; PSS splits them."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return rss, pss


def command_line(pid: int) -> bytes:
    """A process's command line, its arguments NUL-separated (PostgreSQL's backends: their title; empty
    once the process is gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def backends_of(database: str) -> list[int]:
    """The database server's processes serving `database` (PostgreSQL names it in their title)."""
    marker = f" {database} ".encode()
    return [int(pid) for pid in filter(str.isdigit, os.listdir("/proc"))
            if (title := command_line(int(pid))).startswith(b"postgres: ") and marker in title]


def process_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (None once the process is gone): the
    state first, the session fourth, user and system CPU ticks twelfth and thirteenth."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used so far (None once it is gone)."""
    fields = process_stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuByRole:
    """CPU seconds of an import by role (its own process, its workers, the database backends serving
    it), each process's time as last seen: a process that ends loses at most one sampling interval."""

    def __init__(self, root: int, database: str | None):
        self.root, self.database, self.seen, self.backends = root, database, {}, []

    def sample(self, tree: list[int], look_for_backends: bool) -> None:
        if self.database and look_for_backends:
            self.backends = backends_of(self.database)
        roles = [(pid, "importing process" if pid == self.root else "workers") for pid in tree]
        for pid, role in roles + [(pid, "database backends") for pid in self.backends]:
            if (seconds := process_cpu_seconds(pid)) is not None:
                self.seen[pid] = (role, seconds)

    def totals(self) -> dict[str, float]:
        totals = {}
        for role, seconds in self.seen.values():
            totals[role] = totals.get(role, 0) + seconds
        return totals


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy (all cores, all processes: the database server's too)."""
    with open("/proc/stat") as stat:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed_process(args: list[str], env: dict, database: str | None) -> tuple[float, float, dict, tuple[int, int], str]:
    """Run a command; return its wall seconds, the machine's busy CPU seconds meanwhile and the part
    of them by role (the backends serving PostgreSQL `database` included), the peak RSS and PSS of
    its process tree in MB, and its stdout."""
    started, busy = time.perf_counter(), busy_cpu_seconds()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.DEVNULL, text=True)
        peak_rss = peak_pss = 0
        by_role = CpuByRole(process.pid, database)
        samples = 0
        while process.poll() is None:
            tree = process_tree(process.pid)
            rss, pss = tree_memory_kb(tree)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            by_role.sample(tree, look_for_backends=samples % 10 == 0)  # connections are opened early, and rarely
            samples += 1
            time.sleep(0.2)
        elapsed, cpu = time.perf_counter() - started, busy_cpu_seconds() - busy
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed")
        out.seek(0)
        return elapsed, cpu, by_role.totals(), (peak_rss // 1024, peak_pss // 1024), out.read()


def bench_env(database_url: str, search_url: str = "builtin") -> dict:
    instance = tempfile.mkdtemp(prefix="registry-bench-")
    return {**os.environ, "REGISTRY_DATABASE_URL": database_url, "REGISTRY_INSTANCE_DIR": instance,
            "REGISTRY_LOG_LEVEL": "WARNING", "REGISTRY_SEARCH_URL": search_url}


def product_import(database_url: str, path: Path, department: str, search_url: str = "builtin",
                   again: bool = False) -> list[dict]:
    """`registry import` of the file into a fresh database; with `again`, then a second import of the
    same file into the same database (every row should come back unchanged)."""
    env = bench_env(database_url, search_url)
    subprocess.run([str(BIN / "registry"), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    database = database_url.rsplit("/", 1)[1] if database_url.startswith("postgresql") else None
    results = []
    for _ in range(2 if again else 1):
        seconds, cpu, by_role, (rss, pss), out = timed_process(
            [str(BIN / "registry"), "import", str(path), "--department", department], env, database)
        summary = json.loads(out.strip().splitlines()[-1])
        results.append({"seconds": seconds, "cpu_seconds": cpu, "cpu_by_role": by_role, "rss_mb": rss,
                        "pss_mb": pss, "rows": summary["rows"], "summary": summary})
    return results


def reindex(database_url: str) -> tuple[dict, dict]:
    """`registry reindex` of the built-in engine, then the database indexing those documents alone."""
    database = database_url.rsplit("/", 1)[1] if database_url.startswith("postgresql") else None
    seconds, cpu, by_role, (rss, pss), out = timed_process([str(BIN / "registry"), "reindex"],
                                                           bench_env(database_url), database)
    documents = json.loads(out.strip().splitlines()[-1])["indexed"]
    product = {"seconds": seconds, "cpu_seconds": cpu, "cpu_by_role": by_role, "rss_mb": rss, "pss_mb": pss,
               "rows": documents}
    if database is None:
        import sqlite3

        statements = [f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')" for fts in ("search_fts", "search_text_fts")]
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    else:
        statements = ["REINDEX TABLE search_documents", "REINDEX TABLE search_document_texts"]
        connection = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"))
    started = time.perf_counter()
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    return product, {"seconds": time.perf_counter() - started, "rows": documents, "rss_mb": None}


def writer_alone(database_url: str, path: Path, department: str, search_url: str) -> tuple[dict, dict]:
    """The two halves of an import apart: its workers with no writer waiting for them (the file's
    batches read, validated, prepared and encoded into a temporary file), then the importing process
    with no worker to wait for: the product's job (`run_job`: its settings, bulk load, batches,
    commits and, on the built-in engine, index step) fed those batches from the file."""
    instance = tempfile.mkdtemp(prefix="registry-bench-")
    os.environ.update(REGISTRY_DATABASE_URL=database_url, REGISTRY_INSTANCE_DIR=instance, REGISTRY_LOG_LEVEL="WARNING",
                      REGISTRY_SEARCH_URL=search_url)
    subprocess.run([str(BIN / "registry"), "init"], check=True, stdout=subprocess.DEVNULL)
    from dataclasses import replace

    from flask import current_app
    from sqlalchemy import select

    from registry import create_app
    from registry.departments.models import Department
    from registry.extensions import db
    from registry.imports import services
    from registry.imports.pipeline import Batch, read_batches
    from registry.records.bulk import writer_for
    from registry.records.prepare import DepartmentRef
    from registry.records.publicity import rules
    from registry.stages import StageTimes
    from registry.uow import UnitOfWork

    with create_app().app_context(), tempfile.TemporaryFile() as encoded:
        config, today = current_app.config["REGISTRY"], date.today()
        source = db.session.scalar(select(Department).where(Department.uscc == department))
        encoder = writer_for(UnitOfWork(db.session), source, rules(), today).encoder
        read = {"rows": 0, "rejected": 0, "seconds": StageTimes()}
        started, busy = time.perf_counter(), busy_cpu_seconds()
        for batch in read_batches(path, {}, 0, DepartmentRef.of(source), today, config.IMPORT_BATCH_ROWS, encoder,
                                  config.IMPORT_WORKERS):
            if isinstance(batch, Batch):
                read["rows"] += batch.rows_read
                read["rejected"] += batch.rejected_rows
                read["seconds"] += batch.seconds
                batch = replace(batch, encoder=None)
            pickle.dump(batch, encoded)
        workers = {"seconds": time.perf_counter() - started, "cpu_seconds": busy_cpu_seconds() - busy,
                   "rows": read.pop("rows"), "rss_mb": None, "summary": read}
        encoded.seek(0)
        job = services.start_job(source, path, path.name, {}, uow=UnitOfWork(db.session))
        db.session.commit()
        seconds, started, busy = StageTimes(), time.perf_counter(), busy_cpu_seconds()
        services.read_batches = lambda *args, **kwargs: _unpickled(encoded)  # the batches made above
        try:
            job = services.run_job(job.id, seconds=seconds)
        finally:
            services.read_batches = read_batches
        counts = {name: getattr(job, name) for name in ("inserted", "updated", "unchanged", "rejected")}
        own = {stage: value for stage, value in seconds.rounded().items() if stage not in read["seconds"]}
        return workers, {"seconds": time.perf_counter() - started, "cpu_seconds": busy_cpu_seconds() - busy,
                         "rows": job.rows_read, "rss_mb": None, "summary": {**counts, "seconds": own}}


def _unpickled(stream):
    while True:
        try:
            yield pickle.load(stream)
        except EOFError:
            return


def raw_copy(admin_url: str, path: Path) -> dict:
    """The limit: the file's rows COPYed as text into a bare table, no validation, no upsert."""
    with open(path, newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        columns = ", ".join(f"c{i} text" for i in range(len(header)))
        with psycopg.connect(admin_url) as connection:
            connection.execute(f"CREATE TEMP TABLE raw_rows ({columns})")
            started = time.perf_counter()
            rows = 0
            with connection.cursor() as cursor, cursor.copy("COPY raw_rows FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
                    rows += 1
            connection.commit()
            seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "rss_mb": None}


def report(name: str, result: dict, limit: dict | None, unit: str = "rows", raw: str = "raw COPY") -> None:
    rate = result["rows"] / result["seconds"]
    ratio = f"{rate / (limit['rows'] / limit['seconds']):.2f}x {raw}" if limit else "limit"
    rss = f"peak RSS {result['rss_mb']} MB (PSS {result['pss_mb']} MB)" if result["rss_mb"] is not None else ""
    seconds = result["seconds"]
    print(f"{name:<26} {result['rows']:>9} {unit} {seconds:>8.1f} s {rate:>9,.0f} {unit}/s  {ratio:<16} {rss}")
    summary = result.get("summary", {})
    if counts := {k: summary[k] for k in ("inserted", "updated", "unchanged", "rejected") if k in summary}:
        print("   ", json.dumps(counts))
    if "cpu_seconds" in result:
        cpu = result["cpu_seconds"]
        print(f"    machine CPU busy {cpu:.1f} s ({cpu / result['rows'] * 1e6:.0f} µs a {unit[:-1]}, all processes: "
              f"{cpu / result['seconds']:.2f} of the {os.cpu_count()} cores)")
        if by_role := result.get("cpu_by_role"):
            parts = sorted(by_role.items(), key=lambda item: -item[1]) + [("the rest", cpu - sum(by_role.values()))]
            print("    of it by process:", ", ".join(f"{role} {seconds:.1f} s" for role, seconds in parts))
        if stages := sorted(summary.get("seconds", {}).items(), key=lambda item: -item[1]):
            print("    seconds by stage:", ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in stages))
        indexing = sum(seconds for stage, seconds in stages if stage in INDEXING_STAGES)
        if indexing:
            print(f"    search indexing {indexing:.1f} s: {indexing / result['seconds']:.0%} of the import's time")


def report_halves(database: str, product: dict, empty_database: str, path: Path, department: str,
                  search_url: str, limit: dict) -> None:
    """The import's two halves apart, and the import against its writer alone: the floor the schema and
    its statements set, however fast the workers (issue 25's ratio)."""
    workers, writer = writer_alone(empty_database, path, department, search_url)
    report(f"{database} workers alone", workers, limit)
    report(f"{database} writer alone", writer, limit)
    print(f"    the import {writer['seconds'] / product['seconds']:.2f}x its writer alone ({product['seconds']:.1f} s "
          f"against {writer['seconds']:.1f} s)")


def report_reindex(database: str, product: dict, limit: dict) -> None:
    report(f"database reindex → {database}", limit, None, "docs")
    report(f"registry reindex → {database}", product, limit, "docs", "the database's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--department", default=MARKET_SUPERVISION)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--postgres", help="postgresql:// URL of a database on the server to use")
    parser.add_argument("--search-url", default="builtin", help="REGISTRY_SEARCH_URL of the imports")
    parser.add_argument("--again", action="store_true", help="then import the same file again (a no-op)")
    parser.add_argument("--reindex", action="store_true",
                        help="then `registry reindex` of the imported database against the database's own indexing")
    parser.add_argument("--writer-alone", action="store_true",
                        help="then the import's halves apart: its workers alone, its writer fed their batches")
    args = parser.parse_args()
    path = args.file or ensure_file(args.rows, args.department)
    engine = "built-in search (the embedded default)" if args.search_url == "builtin" else args.search_url
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB), search engine: {engine}")
    admin = (args.postgres or postgres_admin_url()).replace("postgresql+psycopg://", "postgresql://")
    limit = raw_copy(admin, path)
    report("raw COPY (psycopg)", limit, None)
    if args.only in (None, "sqlite"):  # first: the headline
        database = fresh_sqlite()
        results = product_import(database, path, args.department, args.search_url, args.again)
        for name, result in zip(("registry import → SQLite", "re-import → SQLite"), results):
            report(name, result, limit)
        if args.reindex:
            report_reindex("SQLite", *reindex(database))
        if args.writer_alone:
            report_halves("SQLite", results[0], fresh_sqlite(), path, args.department, args.search_url, limit)
    if args.only in (None, "postgresql"):
        database = fresh_postgres(admin)
        results = product_import(database, path, args.department, args.search_url, args.again)
        for name, result in zip(("registry import → PG", "re-import → PG"), results):
            report(name, result, limit)
        if args.reindex:
            report_reindex("PG", *reindex(database))
        if args.writer_alone:
            report_halves("PG", results[0], fresh_postgres(admin), path, args.department, args.search_url, limit)


if __name__ == "__main__":
    main()
