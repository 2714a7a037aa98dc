"""The department workspace's record list on PostgreSQL: the page against the same query run raw.

    REGISTRY_PG_DATABASE=registry_bench python bench/workspace_pages.py [--records 1000000] [--share 0.2]

Fills a PostgreSQL database (deploy/postgres.sh, database $REGISTRY_PG_DATABASE, emptied first) with
`--records` penalties, `--share` of them (200,000 of 1,000,000) of one department, the rest spread over
the other shipped departments, inserted set-based by SQL (the bench measures reading, not importing).
A person of that department signs in through the pages; each case (first page, filters, a page deep in
the list) is asked `--repeat` times through the page (Flask's test client: session, query, template)
and as its SQL alone on a raw connection. Prints p50 and p99 of each, in milliseconds.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's `registry`

FILL = """
WITH others AS (SELECT id, domain_key, uscc, name, row_number() OVER (ORDER BY id) - 1 AS n
                FROM departments WHERE id <> :chosen),
     numbered AS (SELECT g, CASE WHEN g <= :owned THEN NULL ELSE g % (SELECT count(*) FROM others) END AS n
                  FROM generate_series(1, :total) AS g)
INSERT INTO records (kind, department_id, domain_key, party_key, status, content_hash, party_name, party_category,
                     uscc, decision_no, decision_date, authority, authority_uscc, source_unit, source_unit_uscc,
                     penalty_types, penalty_content, severity, rule_set, publicity_start, publicity_end, version,
                     created_at, updated_at)
SELECT 'penalty', d.id, d.domain_key, 'P' || g, CASE WHEN g % 50 = 0 THEN 'withdrawn' ELSE 'published' END,
       md5(g::text), '通辽市测试商贸有限公司' || g, 'legal_person', NULL, '通罚〔2026〕' || g || '号',
       DATE '2026-11-27' - (g % 1800), d.name, d.uscc, d.name, d.uscc, '["罚款"]', '罚款人民币五千元', 'general',
       'gbf-2025-22', DATE '2026-11-27' - (g % 1800), DATE '2026-11-27' - (g % 1800) + 365, 1, now(), now()
FROM numbered JOIN LATERAL (
    SELECT id, domain_key, uscc, name FROM departments WHERE numbered.n IS NULL AND id = :chosen
    UNION ALL SELECT id, domain_key, uscc, name FROM others WHERE others.n = numbered.n) AS d ON true
"""


def database_url() -> str:
    line = subprocess.run(["bash", str(ROOT / "deploy" / "postgres.sh"), "start"], check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]
    return line


def fill(app, total: int, share: float) -> int:
    """Empty the database, migrate, load the reference data and the records; the chosen department's id."""
    from sqlalchemy import text

    from registry.bootstrap import initialise
    from registry.extensions import db

    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public; "
                                    "CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        initialise()
        chosen = db.session.scalar(text("SELECT min(id) FROM departments WHERE domain_key = 'market_supervision'"))
        started = time.perf_counter()
        with db.engine.begin() as connection:
            connection.execute(text(FILL), {"chosen": chosen, "owned": int(total * share), "total": total})
            connection.execute(text("ANALYZE records"))
        print(f"filled {total:,} records ({int(total * share):,} of department {chosen}) "
              f"in {time.perf_counter() - started:.0f} s", flush=True)
        return chosen


def filled(app) -> int:
    """The department a previous run filled the database for."""
    from sqlalchemy import text

    from registry.extensions import db

    with app.app_context():
        return db.session.scalar(text("SELECT min(id) FROM departments WHERE domain_key = 'market_supervision'"))


def signed_in_client(app, department_id: int):
    """A test client signed in as a new person of the department (password and second factor)."""
    import pyotp

    from registry.accounts.passwords import hash_password
    from registry.accounts.services import create_account
    from registry.departments.models import Department
    from registry.extensions import db
    from registry.uow import unit_of_work

    password, secret = "工作台基准-2026-通辽", pyotp.random_base32()
    email = f"bench-{secret[:8].lower()}@tongliao.example"  # a new person each run
    with app.app_context(), unit_of_work() as uow:
        uscc = db.session.get(Department, department_id).uscc
        account, _ = create_account("department", "基准测试", email, department_uscc=uscc, uow=uow)
        account.password_hash, account.totp_secret = hash_password(password), secret
        account.must_change_password = False
    client = app.test_client()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    for path, form in (("/signin", {"email": email, "password": password}),
                       ("/signin/second-factor", {"code": pyotp.TOTP(secret).now()})):
        form["csrf_token"] = token.search(client.get(path).get_data(as_text=True)).group(1)
        assert client.post(path, data=form).status_code == 302, path
    return client


def cases(app, department_id: int, owned: int) -> dict[str, dict]:
    """The query strings measured: the first page, filters, and a page half-way down the department's list."""
    from sqlalchemy import text

    from registry.extensions import db
    from registry.pagination import encode_cursor

    with app.app_context():
        deep = db.session.execute(text("SELECT decision_date, id FROM records WHERE department_id = :d "
                                       "ORDER BY decision_date DESC, id DESC OFFSET :o LIMIT 1"),
                                  {"d": department_id, "o": owned // 2}).first()
    found = {"first page": {}, "status published": {"status": "published"}, "withdrawn": {"status": "withdrawn"},
             "decided in 2025": {"kind": "penalty", "from": "2025-01-01", "to": "2025-12-31"},
             "decision number prefix": {"decision_no": "通罚〔2026〕12"}}
    if deep:
        found[f"{owned // 2:,} deep"] = {"cursor": encode_cursor(deep[0].isoformat(), deep[1])}
    return found


def raw_statement(app, department_id: int, args: dict) -> str:
    """The page's own statement (records.department.page_query), as SQL text with its values in place."""
    from sqlalchemy.dialects import postgresql

    from registry.records.department import page_query
    from registry.runtime import today
    from registry.workspaces.department_record_pages import FILTERS, PAGE_SIZE, _filters

    with app.app_context():
        form = {name: args.get(name, "") for name in FILTERS}
        statement = page_query(department_id, _filters(form), args.get("cursor"), today(), PAGE_SIZE)
        return str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--share", type=float, default=0.2, help="the department's share of the records")
    parser.add_argument("--repeat", type=int, default=100, help="requests of each case (default 100)")
    parser.add_argument("--reuse", action="store_true", help="measure the records a previous run left")
    options = parser.parse_args()
    os.environ.setdefault("REGISTRY_PG_DATABASE", "registry_bench")
    import psycopg

    from registry import create_app

    url = database_url()
    app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": str(ROOT / "bench" / ".data"), "LOG_LEVEL": "WARNING"})
    department_id = filled(app) if options.reuse else fill(app, options.records, options.share)
    client = signed_in_client(app, department_id)
    raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    print(f"{'case':<24}{'page p50':>10}{'page p99':>10}{'raw p50':>10}{'raw p99':>10}  (ms, {options.repeat} each)")
    for label, args in cases(app, department_id, int(options.records * options.share)).items():
        sql = raw_statement(app, department_id, args)
        page, query = [], []
        for _ in range(options.repeat):
            started = time.perf_counter()
            answer = client.get("/department/records", query_string=args)
            page.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.status_code
            started = time.perf_counter()
            raw.execute(sql).fetchall()
            query.append((time.perf_counter() - started) * 1000)
        print(f"{label:<24}{median(page):>10.1f}{percentile(page, 0.99):>10.1f}"
              f"{median(query):>10.1f}{percentile(query, 0.99):>10.1f}", flush=True)


if __name__ == "__main__":
    main()
