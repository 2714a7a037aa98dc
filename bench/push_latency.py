"""Push API latency: a department's batches of records through `POST /api/v1/records`.

    python bench/push_latency.py [--batches 20] [--rows 1000] [--postgresql]

On the embedded default (a fresh SQLite file, the built-in search engine), or with `--postgresql` on
a fresh database of the server `deploy/postgres.sh` runs (made as `bench/import.py` makes its).
Sends `--batches` batches of `--rows` new penalties, then each batch again unchanged, then each with
one field of every row changed, and prints the p50 and p99 latency of each kind and the process CPU
a row. The requests go through Flask's test client in this process: the figure is the application's
and the database's time, no HTTP server's. Issue 25 asks that a batch of 1,000 rows be no slower
than before the columnar import: run it on two trees back to back (`PYTHONPATH=<tree> python
<tree>/bench/push_latency.py`).
"""

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry import create_app  # noqa: E402
from registry.bootstrap import initialise  # noqa: E402
from tests import factories  # noqa: E402

_spec = importlib.util.spec_from_file_location("import_bench", ROOT / "bench" / "import.py")
import_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_bench)  # its fresh PostgreSQL database


def send(client, key: str, batches: list[list[dict]]) -> tuple[list[float], float]:
    """Each batch's latency in seconds, and the process CPU seconds of them all."""
    latencies, cpu = [], time.process_time()
    for rows in batches:
        started = time.perf_counter()
        answer = client.post("/api/v1/records", json=rows, headers=factories.auth(key))
        latencies.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.json
    return latencies, time.process_time() - cpu


def report(kind: str, latencies: list[float], cpu: float, rows: int) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"{kind:<10} p50 {1000 * statistics.median(ordered):7.1f} ms   p99 {1000 * p99:7.1f} ms   "
          f"CPU {1e6 * cpu / rows:6.0f} µs a row")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1000, help="rows a batch (the API takes at most 1,000)")
    parser.add_argument("--postgresql", action="store_true", help="on a fresh PostgreSQL database, not SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = (import_bench.fresh_postgres(import_bench.postgres_admin_url()) if args.postgresql
               else f"sqlite:///{tmp}/push.sqlite3")
        app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": tmp, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            initialise()
            department = factories.department("market_supervision")
        key = factories.key_for(app, "department", department_uscc=department["uscc"])
        factories.reseed("push-latency")
        warm_up, *batches = [[factories.penalty(department) for _ in range(args.rows)] for _ in range(args.batches + 1)]
        changed = [[{**row, "penalty_content": f"{row['penalty_content']}（更正）"} for row in rows]
                   for rows in batches]
        client = app.test_client()
        send(client, key, [warm_up])  # the first request loads the rule book, the templates, ...: not counted
        print(f"database: {url.split('://', 1)[0]}; {args.batches} batches of {args.rows} penalties")
        for kind, sent in (("new", batches), ("unchanged", batches), ("updated", changed)):
            latencies, cpu = send(client, key, sent)
            report(kind, latencies, cpu, args.rows * args.batches)


if __name__ == "__main__":
    main()
