"""kill -9 in the middle of an import, then run it again: every row lands exactly once."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.demo.generator import generate_entities, generate_records
from registry.extensions import db
from registry.imports.models import ImportJob, ImportRejection
from registry.records import set_aside
from registry.records.models import Record
from tests.factories import TODAY
from tests.imports.files import write_csv

ROWS = 20000
BATCH = 500


def department_file(path: Path, department: dict, bad_rows: int) -> int:
    """A penalty file of the department with `bad_rows` rows whose USCC is broken; returns the valid count."""
    shipped = {"uscc": department["uscc"], "name": department["name"], "domain": "market_supervision",
               "district": "150500", "code": "tl-scjg"}
    entities = generate_entities(3000, seed=11)
    rows = []
    for row in generate_records(entities, [shipped], ROWS * 2, seed=12, today=TODAY):
        if row["kind"] == "penalty":
            rows.append(row)
        if len(rows) == ROWS:
            break
    for position in range(0, bad_rows * 997, 997):
        rows[position] = {**rows[position], "uscc": rows[position]["uscc"][:17] + "?"}
    write_csv(path, rows)
    return ROWS - bad_rows


def start_import(app, path, department, bulk_load_rows: int = 0) -> subprocess.Popen:
    config = app.config["REGISTRY"]
    env = {**os.environ, "REGISTRY_DATABASE_URL": config.DATABASE_URL, "REGISTRY_INSTANCE_DIR": config.INSTANCE_DIR,
           "REGISTRY_IMPORT_BATCH_ROWS": str(BATCH), "REGISTRY_IMPORT_BULK_LOAD_ROWS": str(bulk_load_rows)}
    return subprocess.Popen([sys.executable, "-m", "registry.cli", "import", str(path), "--department",
                             department["uscc"]], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def committed_rows(app) -> int:
    with app.app_context():
        job = db.session.scalars(select(ImportJob)).first()
        return job.rows_committed if job else 0


def missing_indexes(app) -> list[str]:
    with app.app_context():
        return set_aside.missing(db.session.connection())


@pytest.mark.committed  # the imports run in processes of their own
@pytest.mark.parametrize("bulk_load_rows", [0, BATCH], ids=["indexed", "bulk_load"])
def test_a_killed_import_reruns_to_exactly_one_copy_of_each_record(app, tmp_path, department, bulk_load_rows):
    path = tmp_path / "big.csv"
    valid = department_file(path, department, bad_rows=12)
    process = start_import(app, path, department, bulk_load_rows)
    deadline = time.monotonic() + 120
    while committed_rows(app) < 4 * BATCH and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed: make the file bigger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = committed_rows(app)
    assert 0 < killed_at < ROWS + 1
    assert bool(missing_indexes(app)) is bool(bulk_load_rows)  # left dropped by a killed bulk load

    rerun = start_import(app, path, department)  # made again at its end, whatever its own choice
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert (summary["rows"], summary["inserted"], summary["updated"], summary["unchanged"], summary["rejected"]) == (
        ROWS, valid, 0, 0, 12)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1  # resumed, not restarted
        records = db.session.scalar(select(func.count()).where(Record.department_id == department["id"]))
        assert records == valid
        assert db.session.scalar(select(func.count()).select_from(ImportRejection)) == 12
    assert missing_indexes(app) == []

    again = start_import(app, path, department)
    out, _ = again.communicate(timeout=300)
    assert json.loads(out.strip().splitlines()[-1])["unchanged"] == valid
