"""Bulk report benchmark: a bank's batch of credit codes made into signed reports and their PDFs.

    python bench/bulk_reports.py [--reports 300] [--records 3] [--unauthorised 30] [--database-url URL]

Builds, in a fresh PostgreSQL database (default: `registry_bulk_reports_bench` on the server of
`deploy/postgres.sh`; or the given one, emptied), `--reports` enterprises with `--records` penalties
each over as many domains (pushed through the records API), all of which authorise one bank, and
`--unauthorised` more that do not. It then runs the bank's batch of all their codes as the workspace
runs it (`registry.reports.batches.run_batch`: request, sign, store, render the PDF, write it) and
prints the signed PDFs a second with the configuration. The target is 15 a second on the machine's
2 cores. On a shared machine the wall-clock rate is what the others leave over, so it also prints
the CPU the batch took (its process, its PDF workers and the database backends serving it, sampled
from /proc as bench/import.py does) and the rate those seconds allow on two otherwise idle cores.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry import create_app  # noqa: E402
from registry.access.services import Viewer, create_principal  # noqa: E402
from registry.bootstrap import initialise  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.reports import batches  # noqa: E402
from registry.reports.models import Authorisation  # noqa: E402
from registry.runtime import settings, today  # noqa: E402
from tests import factories  # noqa: E402

_spec = importlib.util.spec_from_file_location("import_bench", ROOT / "bench" / "import.py")
import_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_bench)  # its /proc sampling of a process tree and database backends

DOMAINS = ("market_supervision", "tax", "ecology_environment", "emergency_management", "fire", "transport")
BENCH_DATABASE = "registry_bulk_reports_bench"


def fresh_database() -> str:
    """A new empty database on the server deploy/postgres.sh runs; its SQLAlchemy URL."""
    out = subprocess.run(["bash", str(ROOT / "deploy" / "postgres.sh"), "start"], check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    admin = out.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE} ENCODING 'UTF8' TEMPLATE template0")
    return admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + BENCH_DATABASE


def seed(app, reports: int, records: int, unauthorised: int) -> tuple[Viewer, list[str]]:
    """The enterprises and their penalties, the bank and its authorisations; returns the bank and the codes."""
    client = app.test_client()
    codes = [factories.new_uscc() for _ in range(reports + unauthorised)]
    names = {code: factories.company_name() for code in codes}
    for domain in DOMAINS[:records]:
        with app.app_context():
            dep = factories.department(domain)
        key = factories.key_for(app, "department", department_uscc=dep["uscc"])
        rows = [factories.penalty(dep, uscc=code, party_name=names[code],
                                  decision_date=(date.today() - timedelta(days=40 + n % 700)).isoformat())
                for n, code in enumerate(codes)]
        for start in range(0, len(rows), 1000):
            answer = client.post("/api/v1/records", json=rows[start:start + 1000], headers=factories.auth(key))
            assert answer.status_code == 200, answer.json
    bank_uscc = factories.new_uscc(division="150500")
    with app.app_context():
        bank, _ = create_principal("bank", "通辽农村商业银行", uscc=bank_uscc)
        db.session.add_all(Authorisation(uscc=code, bank_uscc=bank_uscc, purpose="流动资金贷款审批",
                                         valid_until=today() + timedelta(days=30), granted_by=bank.id)
                           for code in codes[:reports])
        db.session.commit()
        return Viewer("bank", bank.id, uscc=bank_uscc), codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300, help="authorised enterprises: reports issued")
    parser.add_argument("--records", type=int, default=3, choices=range(0, len(DOMAINS) + 1),
                        help="penalties of each enterprise, one a domain")
    parser.add_argument("--unauthorised", type=int, default=30, help="codes in the file the bank may not query")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database to empty and use")
    args = parser.parse_args()
    url = args.database_url or fresh_database()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": tmp, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            if args.database_url:
                db.drop_all()
            initialise()
        bank, codes = seed(app, args.reports, args.records, args.unauthorised)
        with app.app_context():
            batch_id = batches.start_batch(bank, "bench.csv", "\n".join(codes).encode(), {}, today()).id
            workers = settings().REPORT_BATCH_WORKERS
        load = os.getloadavg()[0]
        wall, cpu, outcome = timed_batch(app, batch_id, url.rsplit("/", 1)[1])
        assert outcome["state"] == batches.DONE and outcome["issued"] == args.reports, outcome
        with app.app_context():
            pdfs = len(list(batches.batch_folder(batch_id).glob("*.pdf")))
    total = sum(cpu.values())
    print(f"database: PostgreSQL ({url.rsplit('@', 1)[-1]}); cores: {os.cpu_count()}; "
          f"load average before: {load:.2f}; REGISTRY_REPORT_BATCH_WORKERS={workers}")
    print(f"batch: {len(codes)} codes ({args.reports} authorised, {args.unauthorised} not), "
          f"{args.records} penalties an enterprise")
    print(f"{pdfs} signed PDFs in {wall:.1f} s: {pdfs / wall:.1f} PDFs/s (wall clock)")
    print("CPU: " + ", ".join(f"{ROLE_NAMES.get(role, role)} {seconds:.1f} s" for role, seconds in cpu.items())
          + f"; {1000 * total / pdfs:.1f} ms a report: {pdfs / (total / 2):.1f} PDFs/s on 2 idle cores")


ROLE_NAMES = {"importing process": "batch process", "workers": "PDF workers"}


def timed_batch(app, batch_id: int, database: str):
    """Run the batch on a thread while sampling the CPU of this process tree and of the database's
    backends; returns the wall seconds, the CPU seconds by role, and how the batch ended."""
    finished = {}

    def run():
        with app.app_context():
            batch = batches.run_batch(batch_id, "https://credit.example/")
            finished.update(state=batch.state, issued=batch.issued, message=batch.message_zh)

    by_role = import_bench.CpuByRole(os.getpid(), database)
    by_role.sample(import_bench.process_tree(os.getpid()), look_for_backends=True)
    before = dict(by_role.totals())
    started = time.perf_counter()
    thread = threading.Thread(target=run)
    thread.start()
    while thread.is_alive():
        by_role.sample(import_bench.process_tree(os.getpid()), look_for_backends=True)
        thread.join(0.2)
    wall = time.perf_counter() - started
    by_role.sample(import_bench.process_tree(os.getpid()), look_for_backends=True)
    cpu = {role: seconds - before.get(role, 0) for role, seconds in by_role.totals().items()}
    return wall, cpu, finished


if __name__ == "__main__":
    main()
