"""Statistics benchmark: the credit centre's statistics page and a department's data-quality page on
PostgreSQL with many records, against the grouping query alone.

    python bench/stats_pages.py [--records 1000000] [--departments 20] [--runs 7]

Makes a fresh database (`<name>_stats_bench` beside the test server's), copies one pushed penalty
`--records` times across the departments, decided over two years and first submitted 0-20 days
after the decision (so some late), and times, median of `--runs`: the page `/statistics` for the
last year (reviewer), `/quality` for one department, and the SQL the collection figures group by,
run raw. The pages' time includes rendering and the calendar arithmetic; the raw query does not.
"""

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

from registry import create_app  # noqa: E402
from registry.bootstrap import initialise  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.runtime import runtime  # noqa: E402
from tests import factories  # noqa: E402
from tests.people import sign_in  # noqa: E402
from tests.statistics.data import submit_record  # noqa: E402

TODAY = date(2026, 12, 1)
COPY = """
INSERT INTO records ({columns}, decision_no, department_id, decision_date, created_at)
SELECT {columns}, r.decision_no || '-' || g, d.ids[1 + g % array_length(d.ids, 1)],
       date '2025-01-01' + (g % 700), (date '2025-01-01' + (g % 700) + ((g / 700) % 21)) + time '02:30'
FROM records r, generate_series(1, :n) g, (SELECT array_agg(id ORDER BY id) ids FROM
     (SELECT id FROM departments ORDER BY id LIMIT :k) s) d
WHERE r.id = :template
"""
RAW = """
SELECT department_id, decision_date, CAST(timezone('Asia/Shanghai', created_at) AS date), count(*)
FROM records WHERE created_at >= %(since)s AND created_at < %(until)s GROUP BY 1, 2, 3
"""


def fresh_database() -> str:
    """A new, empty database of its own on the test server (another benchmark's is never touched)."""
    admin = importlib.import_module("bench.import").postgres_admin_url()
    base, name = admin.rsplit("/", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}_stats_bench WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}_stats_bench ENCODING 'UTF8' TEMPLATE template0")
    return f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}_stats_bench"


def seed(app, records: int, departments: int) -> int:
    with app.app_context():
        transport = factories.department("transport")
        key = factories.key_for(app, "department", department_uscc=transport["uscc"])
    template = submit_record(app, transport, key, date(2025, 1, 1), date(2025, 1, 3))
    with app.app_context():
        names = [c for c in db.session.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'records'")).scalars()
                 if c not in ("id", "decision_no", "department_id", "decision_date", "created_at")]
        db.session.execute(text(COPY.format(columns=", ".join(names))),
                           {"n": records, "k": departments, "template": template})
        db.session.commit()
        db.session.execute(text("ANALYZE records"))
        db.session.commit()
    return transport["id"]


def timed(runs: int, call) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--departments", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = fresh_database()
    app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": tempfile.mkdtemp()})
    with app.app_context():
        initialise()
        runtime().clock = lambda: TODAY
    started = time.perf_counter()
    department = seed(app, args.records, args.departments)
    print(f"seeded {args.records} records in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    centre, clerk = app.test_client(), app.test_client()
    sign_in(centre, app, "reviewer")
    with app.app_context():
        uscc = db.session.execute(text("SELECT uscc FROM departments WHERE id = :i"), {"i": department}).scalar()
    sign_in(clerk, app, "department", department_uscc=uscc)
    period = "from=2025-12-01&to=2026-11-30"
    for path, client in ((f"/statistics?{period}", centre), (f"/quality?{period}", clerk)):
        assert client.get(path).status_code == 200
        print(f"{path.split('?')[0]:12} p50 {timed(args.runs, lambda c=client, p=path: c.get(p)):7.1f} ms")
    raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    bounds = {"since": "2025-11-30T16:00:00Z", "until": "2026-11-30T16:00:00Z"}
    print(f"{'raw query':12} p50 {timed(args.runs, lambda: raw.execute(RAW, bounds).fetchall()):7.1f} ms")


if __name__ == "__main__":
    main()
