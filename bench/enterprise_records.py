"""Enterprise record page benchmark: `/enterprise/records` signed in, against the same query run raw.

    python bench/enterprise_records.py --database-url postgresql+psycopg://... [--entities 20000]
                                       [--records 100000] [--requests 300] [--keep]

Loads the demo city into the PostgreSQL database given (its schema is replaced; `--keep` reuses what
an earlier run loaded), takes the enterprise with the most records, signs a person of it in through
the sign-in form (Flask's test client: no network, no server), then times `--requests` requests of
its record page (the records of the first page, their repair standing, the layout), and the page's
main query (the enterprise's records it may see, newest decision first, 21 rows) run raw through
psycopg as many times. Prints p50 / p99 / max of each, in milliseconds.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg

REGISTRY = str(Path(sys.executable).parent / "registry")
PASSWORD = "bench-企业-记录页-2026"
RAW = """SELECT r.* FROM records r
 WHERE r.entity_id = (SELECT id FROM entities WHERE uscc = %(uscc)s)
   AND ((r.status = 'published' AND (r.publicity_end IS NULL OR r.publicity_end > CURRENT_DATE)
         AND r.party_category <> 'natural_person') OR r.uscc = %(uscc)s)
 ORDER BY r.decision_date DESC, r.id DESC LIMIT 21"""


def load(url: str, entities: int, records: int) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION IF NOT EXISTS pg_trgm")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_LOG_LEVEL": "WARNING"}
    subprocess.run([REGISTRY, "demo", "--entities", str(entities), "--records", str(records)], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    at = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
    return f"p50 {at(0.50) * 1000:.1f} ms, p99 {at(0.99) * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def signed_in_client(app, uscc: str):
    from registry.accounts.passwords import hash_password
    from registry.accounts.services import create_account
    from registry.uow import unit_of_work

    email = f"bench.{time.time_ns()}@bench.example"
    with app.app_context(), unit_of_work() as uow:
        account, _ = create_account("enterprise", "基准测试", email, uscc=uscc, uow=uow)
        account.password_hash, account.must_change_password = hash_password(PASSWORD), False
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").get_data(as_text=True)).group(1)
    assert client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--entities", type=int, default=20000)
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    if not options.keep:
        load(options.database_url, options.entities, options.records)
    from registry import create_app

    app = create_app({"DATABASE_URL": options.database_url})
    raw_url = options.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw_url) as connection:
        total, (uscc, count) = (connection.execute("SELECT count(*) FROM records").fetchone()[0],
                                connection.execute("SELECT uscc, count(*) FROM records WHERE uscc IS NOT NULL "
                                                   "GROUP BY uscc ORDER BY count(*) DESC LIMIT 1").fetchone())
        client = signed_in_client(app, uscc)
        for _ in range(20):  # warm both paths
            client.get("/enterprise/records")
            connection.execute(RAW, {"uscc": uscc}).fetchall()
        page, raw = [], []
        for _ in range(options.requests):
            started = time.perf_counter()
            answer = client.get("/enterprise/records")
            page.append(time.perf_counter() - started)
            assert answer.status_code == 200
            started = time.perf_counter()
            connection.execute(RAW, {"uscc": uscc}).fetchall()
            raw.append(time.perf_counter() - started)
    print(f"postgresql {total} records; the enterprise {uscc} has {count}; {options.requests} requests each")
    print(f"  /enterprise/records page: {percentiles(page)}")
    print(f"  its main query, raw:      {percentiles(raw)}")


if __name__ == "__main__":
    main()
