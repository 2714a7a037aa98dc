"""Queue benchmark: an import run by a `registry worker` against the same import run inline, on
PostgreSQL with an external search engine; and the outbox lag the worker's drain keeps meanwhile.

    python bench/task_queue.py [--rows 100000] [--repeat 1] [--max-lag SECONDS] [--search-url URL] [--redis URL]

Each run starts from a fresh PostgreSQL database (`<test database>_bench`, recreated) and a
`registry worker --workers 2` on a Redis queue of its own, whose scheduled drain keeps the engine
in step in both modes, so the two imports compete with the same drain:
  * inline: `registry import FILE` (the import in the command's own process);
  * queued: `registry import FILE --queue`, run by the worker (a thread beside the drain).
An import's time is its job's, from its creation to its end (the database's timestamps). The
outbox lag is the age of the oldest pending change, sampled every 0.25 s while the import runs;
`caught up` is how long after the import's end the outbox was empty. Prints three lines per run (its
time and lag; its CPU by role; what the engine did), then the queued/inline ratio of the medians and
the largest lag, and the same ratio of CPU: of the import and the queue, and of the work both modes
do alike (the drain, the database's backends, the engine), and of the first as a share of the
second. A host probe (a fixed piece of work every 5 s, its CPU time) gauges how fast the machine
itself ran during each run: on a shared host a run can be slower in every process at once; the
last line compares the modes' times counted in probes. Each fresh database has the day's
scheduled tasks marked done, as on a deployment whose jobs ran at night. `--max-lag` runs both imports with
REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS (the import keeps pace with the drain); each import starts once
the worker's drain runs (the schedule offers it at the minute), so neither mode begins without one.
"""

import argparse
import hashlib
import importlib.util
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from registry.tasks.schedule import SCHEDULE, beijing_day

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MARKET_SUPERVISION = "11150500011620002E"
_spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
bench_import = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_import)


def service_url(script: str) -> str:
    out = subprocess.run(["bash", str(ROOT / "deploy" / script), "start"], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


class Periodic:
    """Calls `sample()` every `interval` seconds in a thread of its own, from entering to leaving."""

    interval = 1.0

    def __init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class LagSampler(Periodic):
    """The outbox's oldest pending change, in seconds, every 0.25 s."""

    interval = 0.25

    def __init__(self, url: str):
        super().__init__()
        self.samples, self._connection = [], psycopg.connect(url, autocommit=True)

    def sample(self):
        age = self._connection.execute("SELECT EXTRACT(EPOCH FROM now() - min(created_at)) FROM search_outbox"
                                       ).fetchone()[0]
        self.samples.append(float(age or 0))

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self._connection.close()


class HostProbe(Periodic):
    """The machine's own speed during a run: the CPU time one fixed piece of work (a 16 MB copy and its
    SHA-256) takes, every 5 s. A process's CPU seconds for the same work grow when the host's other
    tenants share its cores; no role of the run can make this work costlier but by leaving it no core,
    which thread CPU time does not count."""

    interval = 5.0
    BLOCK = bytes(range(256)) * (16 * 4096)

    def __init__(self):
        super().__init__()
        self.samples = []

    def sample(self):
        started = time.thread_time()
        hashlib.sha256(bytearray(self.BLOCK)).digest()
        self.samples.append((time.thread_time() - started) * 1000)

    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")


def session_of(pid: int) -> int | None:
    fields = bench_import.process_stat(pid)
    return None if fields is None else int(fields[3])


def is_engine(command: bytes) -> bool:
    """A search engine's JVM: an OpenSearch node (deploy/opensearch.sh runs it by OpenSearchRunner)."""
    return command.split(b"\0", 1)[0].endswith(b"java") and b"opensearch" in command.lower()


class CpuSampler(Periodic):
    """CPU seconds by role while a run imports, sampled every second: `import` (the inline command's
    process tree), `worker` (the queue worker's processes but the drain: in queued mode the import and
    its own workers run there), `drain`, `database` (the backends serving the run's database), `engine`
    (the OpenSearch node) and `rest` (the rest of the machine). So a slow run shows whether it
    spent more CPU of its own or waited for a slower engine. A process's time is counted from the
    sampler's start (the worker and the drain were running before) to its last sample."""

    def __init__(self, worker: int, database: str):
        self.worker, self.database, self.inline = worker, database, None
        self.start, self.last = {}, {}  # pid -> CPU seconds at the first and the last sample
        self.roles: dict[int, str] = {}
        super().__init__()

    def _role(self, pid: int, inline_tree: set[int], backends: set[int]) -> str | None:
        if pid in inline_tree:
            return "import"
        if pid in backends:
            return "database"
        if session_of(pid) == self.worker:
            return "drain" if b"search\0drain" in bench_import.command_line(pid) else "worker"
        if is_engine(bench_import.command_line(pid)):
            return "engine"
        return None

    def _sample(self, first: bool) -> None:
        inline_tree = set(bench_import.process_tree(self.inline)) if self.inline else set()
        backends = set(bench_import.backends_of(self.database))
        for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
            role = self.roles.get(pid) or self._role(pid, inline_tree, backends)
            if role and (seconds := bench_import.process_cpu_seconds(pid)) is not None:
                self.roles[pid] = role
                self.start.setdefault(pid, seconds if first else 0.0)
                self.last[pid] = seconds

    def sample(self) -> None:
        self._sample(first=False)

    def __enter__(self):
        self.busy = bench_import.busy_cpu_seconds()
        self._sample(first=True)
        return super().__enter__()

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self.busy = bench_import.busy_cpu_seconds() - self.busy

    def totals(self) -> dict[str, float]:
        totals = dict.fromkeys(("import", "worker", "drain", "database", "engine"), 0.0)
        for pid, role in self.roles.items():
            totals[role] += self.last[pid] - self.start[pid]
        totals["rest"] = self.busy - sum(totals.values())
        return totals


def job_row(connection: psycopg.Connection, job_id: int | None = None):
    where = "WHERE id = %s" if job_id else "ORDER BY id DESC LIMIT 1"
    return connection.execute(f"SELECT id, state, EXTRACT(EPOCH FROM finished_at - created_at), rows_read "
                              f"FROM import_jobs {where}", (job_id,) if job_id else ()).fetchone()


def outbox_empty_after(url: str, limit: float) -> tuple[float, int]:
    """Seconds until the outbox was empty, and what was still pending if it was not within `limit`."""
    start = time.monotonic()
    with psycopg.connect(url, autocommit=True) as connection:
        while pending := connection.execute("SELECT count(*) FROM search_outbox").fetchone()[0]:
            if time.monotonic() - start > limit:
                return time.monotonic() - start, pending
            time.sleep(0.25)
    return time.monotonic() - start, 0


def engine_read(search_url: str, path: str) -> dict:
    return json.load(urllib.request.urlopen(f"{search_url}/{path}", timeout=60))


def engine_writes(search_url: str) -> int:
    """Bulk shard requests the engine's nodes have done (their write pools)."""
    nodes = engine_read(search_url, "_nodes/stats/thread_pool")["nodes"].values()
    return sum(node["thread_pool"]["write"]["completed"] for node in nodes)


def engine_work(search_url: str, prefix: str, writes_before: int) -> dict:
    """What the engine did for the run's indexes: documents indexed, bulk shard requests, refreshes,
    merges and their time."""
    total = engine_read(search_url, f"{prefix}*/_stats/indexing,refresh,merge")["_all"]["total"]
    return {"documents": total["indexing"]["index_total"], "writes": engine_writes(search_url) - writes_before,
            "refreshes": total["refresh"]["total"], "merges": total["merges"]["total"],
            "merge_s": total["merges"]["total_time_in_millis"] / 1000}


def drop_indexes(search_url: str, prefix: str) -> None:
    """The run's indexes, by name (a wildcard delete is refused where destructive_requires_name holds)."""
    listed = urllib.request.urlopen(f"{search_url}/_cat/indices/{prefix}*?h=index", timeout=30).read().decode()
    for index in listed.split():
        urllib.request.urlopen(urllib.request.Request(f"{search_url}/{index}", method="DELETE"), timeout=60).close()


def wait_for_drain(worker: subprocess.Popen, limit: float = 90) -> None:
    """Until the worker's drain process runs (it is in the worker's session)."""
    deadline = time.monotonic() + limit
    while subprocess.run(["pgrep", "-s", str(worker.pid), "-f", "search drain"], stdout=subprocess.DEVNULL).returncode:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the worker started no drain within {limit:.0f} s")
        time.sleep(0.5)


def day_done(url: str) -> None:
    """Mark today's and tomorrow's daily tasks done in a fresh database, as on a deployment whose jobs ran
    at night: left to run, each fired at its minute on the first hour the run crossed it (the export of
    the records imported so far took a task thread and 88 s of CPU in one run), in one mode's run or
    the other's as the clock fell."""
    today = beijing_day(datetime.now(UTC))
    with psycopg.connect(url) as connection:
        connection.cursor().executemany(
            "INSERT INTO task_runs (task, slot, finished_at) VALUES (%s, %s, now())",
            [(entry.task, day.isoformat()) for entry in SCHEDULE if entry.daily_at
             for day in (today, today + timedelta(days=1))])


def one_run(mode: str, path: Path, admin: str, search_url: str, redis_url: str, catch_up: float,
            max_lag: int) -> dict:
    database = bench_import.fresh_postgres(admin)
    plain = database.replace("postgresql+psycopg://", "postgresql://")
    instance = tempfile.mkdtemp(prefix="registry-bench-queue-")
    tag = uuid.uuid4().hex[:8]
    env = {**os.environ, "REGISTRY_DATABASE_URL": database, "REGISTRY_INSTANCE_DIR": instance,
           "REGISTRY_SEARCH_URL": search_url, "REGISTRY_SEARCH_INDEX_PREFIX": f"bench-queue-{tag}",
           "REGISTRY_QUEUE_URL": redis_url, "REGISTRY_QUEUE_NAME": f"bench-{tag}", "REGISTRY_LOG_LEVEL": "WARNING",
           "REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS": str(max_lag)}
    subprocess.run([str(BIN / "registry"), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    day_done(plain)
    worker = subprocess.Popen([str(BIN / "registry"), "worker", "--workers", "2"], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_drain(worker)
        writes_before = engine_writes(search_url)
        command = [str(BIN / "registry"), "import", str(path), "--department", MARKET_SUPERVISION]
        with (LagSampler(plain) as lag, CpuSampler(worker.pid, database.rsplit("/", 1)[1]) as cpu,
              HostProbe() as probe, psycopg.connect(plain, autocommit=True) as jobs):
            if mode == "inline":
                inline = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
                cpu.inline = inline.pid
                if inline.wait():
                    raise RuntimeError(f"the inline import exited {inline.returncode}")
                job_id = job_row(jobs)[0]
            else:
                out = subprocess.run([*command, "--queue"], env=env, check=True, capture_output=True, text=True)
                job_id = json.loads(out.stdout.strip().splitlines()[-1])["job"]
                # On one connection, once a second (the job's time is its own timestamps'): connecting anew
                # every 0.2 s loaded the server (a backend forked each time) in the queued mode alone
                while job_row(jobs, job_id)[1] in ("queued", "running"):
                    time.sleep(1)
            _, state, seconds, rows = job_row(jobs, job_id)
        caught_up, behind = outbox_empty_after(plain, catch_up)
        engine = engine_work(search_url, f"bench-queue-{tag}-", writes_before)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        drop_indexes(search_url, f"bench-queue-{tag}-")
    if state != "done":
        raise RuntimeError(f"the {mode} import ended {state}")
    return {"mode": mode, "seconds": float(seconds), "rows": rows, "lag_max": max(lag.samples, default=0.0),
            "lag_p95": statistics.quantiles(lag.samples, n=20)[-1] if len(lag.samples) > 1 else 0.0,
            "caught_up": caught_up, "behind": behind, "cpu": cpu.totals(),
            "engine": engine, "probe_ms": probe.median()}


def own_cpu(run: dict) -> float:
    """The CPU seconds of what the two modes do differently: the import's own and the queue worker's."""
    return run["cpu"]["import"] + run["cpu"]["worker"]


def same_cpu(run: dict) -> float:
    """The CPU seconds of the work both modes do alike: the drain's, the database's and the engine's."""
    return run["cpu"]["drain"] + run["cpu"]["database"] + run["cpu"]["engine"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each mode, in the order inline, queued, queued, inline, ...")
    parser.add_argument("--search-url", default=None, help="default: deploy/opensearch.sh start")
    parser.add_argument("--redis", default=None, help="default: deploy/redis.sh start")
    parser.add_argument("--catch-up", type=float, default=600, help="seconds to wait for the outbox after an import")
    parser.add_argument("--max-lag", type=int, default=0,
                        help="the imports keep the search engine within this many seconds (0: they do not wait)")
    args = parser.parse_args()
    path = bench_import.ensure_file(args.rows, MARKET_SUPERVISION)
    admin = bench_import.postgres_admin_url()
    search_url = args.search_url or service_url("opensearch.sh")
    redis_url = args.redis or service_url("redis.sh")
    runs = []
    for repeat in range(args.repeat):
        # ABBA: a mode that always ran second would always follow the first's writes still settling
        for mode in ("inline", "queued") if repeat % 2 == 0 else ("queued", "inline"):
            run = one_run(mode, path, admin, search_url, redis_url, args.catch_up, args.max_lag)
            runs.append(run)
            rate = run["rows"] / run["seconds"]
            after = (f"caught up {run['caught_up']:.1f} s after" if not run["behind"] else
                     f"NOT caught up {run['caught_up']:.0f} s after: {run['behind']:,} changes still pending")
            print(f"{mode:7} {run['rows']:>9,} rows  {run['seconds']:7.1f} s  {rate:8,.0f} rows/s"
                  f"  outbox lag p95 {run['lag_p95']:.1f} s, max {run['lag_max']:.1f} s; {after}", flush=True)
            print("        CPU s: " + ", ".join(f"{role} {seconds:.1f}" for role, seconds in run["cpu"].items())
                  + f"; import and queue {own_cpu(run):.1f}, {own_cpu(run) / same_cpu(run):.3f} of the same work;"
                  f" host probe {run['probe_ms']:.1f} ms", flush=True)
            engine = run["engine"]
            print(f"        engine: {engine['documents']:,} documents in {engine['writes']:,} bulk shard requests,"
                  f" {engine['refreshes']:,} refreshes, {engine['merges']:,} merges ({engine['merge_s']:.1f} s)",
                  flush=True)
    by_clock = ratio(runs, lambda r: r["seconds"])
    print(f"queued / inline: {by_clock:.3f} ({(by_clock - 1) * 100:+.1f}%);"
          f" largest outbox lag while importing: {max(r['lag_max'] for r in runs):.1f} s")
    print(f"CPU, queued / inline: the import's and the queue's {ratio(runs, own_cpu):.3f}; the drain's, the"
          f" database's and the engine's (the same work in both modes) {ratio(runs, same_cpu):.3f}; the import's"
          f" and the queue's as a share of the same work {ratio(runs, lambda r: own_cpu(r) / same_cpu(r)):.3f}")
    print(f"host probe, queued / inline: {ratio(runs, lambda r: r['probe_ms']):.3f}; the time in probes,"
          f" queued / inline: {ratio(runs, lambda r: r['seconds'] / r['probe_ms']):.3f}")


def ratio(runs: list[dict], figure) -> float:
    """queued / inline of the medians of a run's `figure`."""
    return (statistics.median(figure(r) for r in runs if r["mode"] == "queued")
            / statistics.median(figure(r) for r in runs if r["mode"] == "inline"))


if __name__ == "__main__":
    main()
