"""Reviewer queue benchmark: the /review page's latency with 10,000 open repair applications, on SQLite
and PostgreSQL, against the page's own query run raw through the driver.

    python bench/review_queue.py [--open 10000] [--requests 300] [--only sqlite|postgresql] [--postgres URL]

For each database: loads a demo city (`registry demo`) big enough to hold the applications, adds
the open applications in bulk (states, submission days and provisional clocks spread as a city's
are), signs a reviewer in through the sign-in pages (password and second factor), then times
GET /review (the first page, nearest deadline first), GET /review?overdue=1 and the page after the
first (keyset cursor) through the test client: routing, session, query, clocks and template. The
raw line runs the first page's SQL statement, compiled with its values, through the driver's cursor.
Prints p50 and p99 in milliseconds for each.

`--postgres` is the server's URL (default: `deploy/postgres.sh start`); the benchmark creates, and
recreates on every run, a database named `registry_bench_review` on it.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = str(Path(sys.executable).parent / "registry")
DATABASE = "registry_bench_review"
PASSWORD = "通辽信用-基准测试2026-审核"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def postgres_url(server: str | None) -> str:
    import psycopg

    if server is None:
        out = subprocess.run(["bash", str(ROOT / "deploy" / "postgres.sh"), "start"], check=True,
                             capture_output=True, text=True).stdout
        server = out.strip().splitlines()[-1]
    server = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(server.rsplit("/", 1)[0] + "/" + DATABASE, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return "postgresql+psycopg://" + server.split("://", 1)[1].rsplit("/", 1)[0] + "/" + DATABASE


def add_open_applications(count: int) -> int:
    """Insert `count` open applications for published penalties, in bulk (a read benchmark)."""
    from sqlalchemy import insert, select

    from registry.access.services import create_principal
    from registry.calendars import calendar
    from registry.db import utcnow
    from registry.extensions import db
    from registry.records.models import PUBLISHED, Record
    from registry.repairs import rules
    from registry.repairs.models import RepairApplication
    from registry.runtime import today

    rng, day, cal = Random(20261206), today(), calendar()
    agent, _ = create_principal("agent", "基准代办窗口", district_code="150502")
    records = db.session.execute(select(Record.id, Record.department_id, Record.uscc, Record.party_name).where(
        Record.kind == "penalty", Record.status == PUBLISHED, Record.uscc.is_not(None)).order_by(Record.id)
        .limit(count)).all()
    states = [rules.SUBMITTED] * 5 + [rules.ACCEPTED] * 2 + [rules.FORWARDED] * 2 + [rules.AWAITING_MATERIALS]
    rows = []
    for n, record in enumerate(records):
        submitted, state = day - timedelta(days=rng.randint(0, 25)), rng.choice(states)
        result = cal.add_workdays(submitted, 10)
        moved = submitted + timedelta(days=rng.randint(0, 5))
        rows.append({"number": f"XFB{n:021d}", "query_code_hash": "0" * 64, "record_id": record.id,
                     "open_record_id": record.id, "department_id": record.department_id,
                     "applicant_uscc": record.uscc, "applicant_name": record.party_name,
                     "district_code": record.uscc[2:8], "filed_by": agent.id, "filed_by_role": "agent",
                     "state": state, "commitment_text": "承诺书", "commitment_sha256": "0" * 64,
                     "commitment_signed_by": agent.id, "commitment_signed_at": utcnow(), "submitted_on": submitted,
                     "result_due": result.due, "result_due_provisional": result.provisional,
                     "forwarded_on": moved if state == rules.FORWARDED else None,
                     "department_due": cal.add_workdays(moved, 3).due if state == rules.FORWARDED else None,
                     "accepted_on": moved if state != rules.SUBMITTED else None,
                     "materials_due": cal.add_workdays(moved, 5).due if state == rules.AWAITING_MATERIALS else None,
                     "missing_materials": ["business_licence"] if state == rules.AWAITING_MATERIALS else None,
                     "version": 1, "created_at": utcnow(), "updated_at": utcnow()})
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(RepairApplication), rows[start:start + 1000])
    db.session.commit()
    return len(rows)


def signed_in_reviewer(app):
    """A test client signed in as a reviewer, through the pages, as a person would."""
    import pyotp

    from registry.accounts.passwords import hash_password
    from registry.accounts.services import create_account
    from registry.uow import unit_of_work

    secret = pyotp.random_base32()
    with app.app_context(), unit_of_work() as uow:
        account, _ = create_account("reviewer", "基准审核员", "bench.reviewer@tongliao.example", uow=uow)
        account.password_hash, account.must_change_password = hash_password(PASSWORD), False
        account.totp_secret = secret
    client = app.test_client()
    for path, data in (("/signin", {"email": "bench.reviewer@tongliao.example", "password": PASSWORD}),
                       ("/signin/second-factor", {"code": pyotp.TOTP(secret).now()})):
        token = TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 302
    return client


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms"


def timed(action, requests: int) -> list[float]:
    for _ in range(10):  # warm caches and the connection pool
        action()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def measure(backend: str, env: dict, open_count: int, requests: int) -> None:
    subprocess.run([REGISTRY, "demo", "--entities", str(open_count), "--records", str(open_count * 3)], env=env,
                   check=True, capture_output=True)
    os.environ.update(env)
    from registry import create_app
    from registry.extensions import db
    from registry.repairs.review import queue_query
    from registry.runtime import today

    app = create_app()
    with app.app_context():
        added = add_open_applications(open_count)
    if added < open_count:
        sys.exit(f"the demo city has only {added} published penalties of enterprises; ask for more records")
    client = signed_in_reviewer(app)
    first = client.get("/review").get_data(as_text=True)
    cursor = re.search(r'href="(/review\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")

    def page(path):
        def get():
            answer = client.get(path)
            assert answer.status_code == 200, answer.status_code
        return get

    print(f"{backend}: {added} open applications, {requests} requests each")
    for label, path in (("GET /review", "/review"), ("GET /review?overdue=1", "/review?overdue=1"),
                        ("GET /review (2nd page)", cursor)):
        print(f"  {label:24} {percentiles(timed(page(path), requests))}")
    with app.app_context():
        statement = queue_query(today()).compile(db.engine, compile_kwargs={"literal_binds": True})
        connection = db.engine.raw_connection()
        try:
            def raw():
                cursor = connection.cursor()
                cursor.execute(str(statement))
                cursor.fetchall()
                cursor.close()
            print(f"  {'raw query (driver)':24} {percentiles(timed(raw, requests))}")
        finally:
            connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--child", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child is None:  # each database in a process of its own: the app's settings are per process
        for backend in [options.only] if options.only else ["sqlite", "postgresql"]:
            subprocess.run([sys.executable, __file__, "--child", backend, "--open", str(options.open),
                            "--requests", str(options.requests)] + (["--postgres", options.postgres]
                                                                     if options.postgres else []), check=True)
        return
    with tempfile.TemporaryDirectory() as instance:
        env = {"REGISTRY_INSTANCE_DIR": instance, "REGISTRY_LOG_LEVEL": "WARNING"}
        os.environ.pop("REGISTRY_DATABASE_URL", None)
        if options.child == "postgresql":
            env["REGISTRY_DATABASE_URL"] = postgres_url(options.postgres)
        measure(options.child, {**os.environ, **env}, options.open, options.requests)


if __name__ == "__main__":
    main()
