"""Prometheus counters and histograms the services move; `/metrics` (registry.monitoring) serves them.

Under gunicorn each worker is a process of its own: `registry serve` sets PROMETHEUS_MULTIPROC_DIR
before the workers import this module, so prometheus-client keeps every value in a file there and a
scrape, answered by any one worker, adds up all of them. Without it (one process: tests, commands)
the values live in `PROCESS`. Gauges of the database's state are computed at scrape time instead.
"""

import os
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
PROCESS = CollectorRegistry()
disable_created_metrics()  # no *_created series: a worker's start time, twice the series for nothing

http_requests = Counter("registry_http_requests_total", "HTTP requests answered, by route (the URL rule, "
                        "not the path), method and status", ["route", "method", "status"], registry=PROCESS)
http_seconds = Histogram("registry_http_request_seconds", "Time to answer an HTTP request, by route, method and "
                         "status", ["route", "method", "status"], registry=PROCESS)
import_rows = Counter("registry_import_rows_total", "Rows of import jobs, by outcome (inserted, updated, "
                      "unchanged, rejected)", ["outcome"], registry=PROCESS)
search_errors = Counter("registry_search_errors_total", "Times the search engine did not answer, by what was "
                        "asked of it (search, drain)", ["operation"], registry=PROCESS)
reports_issued = Counter("registry_reports_issued_total", "Special credit reports issued", registry=PROCESS)
task_runs = Counter("registry_task_runs_total", "Background task runs, by task name and outcome (ok, failed)",
                    ["task", "outcome"], registry=PROCESS)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    http_requests.labels(route, method, str(status)).inc()
    http_seconds.labels(route, method, str(status)).observe(seconds)


def count_import_rows(counts: dict[str, int]) -> None:
    """Add one run's row counts, {outcome: rows} (an import job's counters)."""
    for outcome, rows in counts.items():
        if rows:
            import_rows.labels(outcome).inc(rows)


def count_search_error(operation: str) -> None:
    search_errors.labels(operation).inc()


def count_report_issued() -> None:
    reports_issued.inc()


def count_task(name: str, ok: bool) -> None:
    """One run of a background task: the task runner calls it after each run, `ok` False when it raised."""
    task_runs.labels(name, "ok" if ok else "failed").inc()


def collected():
    """What the counters hold now: every worker's when PROMETHEUS_MULTIPROC_DIR is set, else this process's."""
    if not os.environ.get(MULTIPROC_DIR):
        return PROCESS
    merged = CollectorRegistry()
    MultiProcessCollector(merged)
    return merged


def fresh_multiprocess_dir(instance_dir: str) -> str:
    """The directory of every worker's values for a server about to start (PROMETHEUS_MULTIPROC_DIR if
    set, else under the instance directory), emptied: files of a previous run would be added in."""
    folder = Path(os.environ.get(MULTIPROC_DIR) or Path(instance_dir) / "run" / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return str(folder)
