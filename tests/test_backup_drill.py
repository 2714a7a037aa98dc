"""The backup drill, on SQLite and PostgreSQL: an instance with records, a signed report and a repair
application with its material is backed up while an import runs, wiped, restored into a new instance,
and found whole: every record, the report still verifies, every material matches its hash."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from psycopg.errors import InsufficientPrivilege
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from registry import create_app
from registry.bootstrap import initialise
from registry.cli import main
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.records.models import Record
from registry.repairs.materials import stored_path
from registry.repairs.models import RepairMaterial
from tests import factories
from tests.imports.files import write_csv
from tests.services import postgres_url

REGISTRY = [sys.executable, "-m", "registry.cli"]
IMPORTED_ROWS = 20000
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def instance(request, tmp_path):
    """The settings of a new instance (its environment, for commands): SQLite under its directory, or
    a PostgreSQL database of its own, made empty again by `wipe`."""
    url = None
    if request.param == "postgresql":
        server = make_url(postgres_url())
        url = server.set(database=f"{server.database}_drill").render_as_string(False)
    instance = Instance(tmp_path / "instance", url)
    instance.wipe()
    yield instance
    instance.wipe()


class Instance:
    """An instance's directory and database URL (None: SQLite in the directory)."""

    def __init__(self, folder: Path, url: str | None = None):
        self.folder, self.url = folder, url
        # The `registry` command's settings (None: unset, so the instance's own SQLite file).
        self.settings = {"REGISTRY_INSTANCE_DIR": str(folder), "REGISTRY_DATABASE_URL": url}

    def app(self):
        return create_app({"INSTANCE_DIR": str(self.folder), **({"DATABASE_URL": self.url} if self.url else {})})

    def command(self, *args, expect: int = 0):
        """`registry ARGS` run in this process (click's Result)."""
        result = CliRunner().invoke(main, [str(a) for a in args], env=self.settings)
        assert result.exit_code == expect, result.output
        return result

    def process(self, *args, **settings) -> subprocess.Popen:
        """`registry ARGS` as a process of its own, its errors in .stderr."""
        env = {**os.environ, **self.settings, **settings}
        return subprocess.Popen([*REGISTRY, *args], env={k: v for k, v in env.items() if v is not None},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wipe(self) -> None:
        """Nothing left: no instance directory, and an empty PostgreSQL database."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.url:
            name = make_url(self.url).database
            server = create_engine(make_url(self.url).set(database="postgres"), isolation_level="AUTOCOMMIT")
            with server.connect() as connection:
                _drop_database(connection, name)
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            server.dispose()


def _drop_database(connection, name: str, seconds: float = 30) -> None:
    """DROP DATABASE ... WITH (FORCE), again while an autovacuum worker is in it: the worker runs as the
    superuser, whom our role may not terminate (PostgreSQL 15), and it ends by itself."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError as exc:
            if not isinstance(exc.orig, InsufficientPrivilege) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_backup_while_importing_then_restore_into_a_new_instance(instance, tmp_path):
    app = instance.app()
    with app.app_context():
        initialise()
    filled = fill(app)
    importing, import_department = start_import(instance, app, tmp_path)
    wait_until_committed(app)
    backed_up = instance.command("backup", tmp_path / "backup")
    assert importing.poll() is None, "the import ended before the backup: the drill needs a bigger file"
    assert importing.wait(300) == 0, importing.stderr.read()
    with app.app_context():
        db.engine.dispose()
    summary = json.loads(backed_up.stdout)
    assert summary["schema"] and summary["files"] >= 4  # database, signing key, material, upload, ...

    instance.wipe()
    restored = instance.command("restore", tmp_path / "backup")
    assert "registry init" in restored.stderr
    instance.command("init")

    app = instance.app()
    with app.app_context():
        records = {r.decision_no: r.version for r in db.session.scalars(select(Record))}
        assert filled["records"].items() <= records.items()
        job = db.session.scalar(select(ImportJob))
        imported = sum(1 for r in db.session.scalars(select(Record.department_id)) if r == import_department)
        assert 0 < job.rows_committed <= IMPORTED_ROWS and imported == job.inserted  # one snapshot, mid-import
        materials = db.session.scalars(select(RepairMaterial)).all()
        assert [m.sha256 for m in materials] == [filled["material"]]
        for material in materials:
            assert hashlib.sha256(stored_path(material.sha256).read_bytes()).hexdigest() == material.sha256
    number, code = filled["report"]
    verified = app.test_client().get(f"/api/v1/reports/{number}/verify", query_string={"code": code})
    assert verified.status_code == 200 and verified.json["signature_valid"] is True

    again = instance.command("restore", tmp_path / "backup", expect=1)
    assert "database is not empty" in again.stderr


def fill(app) -> dict:
    """Records of a transport department, a repair application on one with a material, and a signed report."""
    client = app.test_client()
    with app.app_context():
        transport = factories.department("transport")
    department = factories.auth(factories.key_for(app, "department", department_uscc=transport["uscc"]))
    decided = (factories.TODAY - timedelta(days=150)).isoformat()  # repairable (tests/repairs/conftest.py)
    rows = [factories.penalty(transport, decision_date=decided, violation_type="未按规定办理道路运输经营许可",
                              penalty_types="罚款") for _ in range(25)]
    pushed = client.post("/api/v1/records", json=rows, headers=department)
    assert pushed.status_code == 200, pushed.json
    record_id, uscc = pushed.json["results"][0]["id"], rows[0]["uscc"]
    enterprise = factories.auth(factories.key_for(app, "enterprise", uscc=uscc))
    application = client.post("/api/v1/repairs", json={"record_id": record_id, "sign_commitment": True},
                              headers=enterprise)
    assert application.status_code == 201, application.json
    material = client.post(f"/api/v1/repairs/{application.json['id']}/materials", headers=enterprise,
                           data={"kind": "performance_proof", "file": (BytesIO(PDF), "proof.pdf")},
                           content_type="multipart/form-data")
    assert material.status_code == 201, material.json
    report = client.post("/api/v1/reports", json={"uscc": uscc}, headers=enterprise)
    assert report.status_code == 201, report.json
    return {"records": {row["decision_no"]: 1 for row in rows}, "material": hashlib.sha256(PDF).hexdigest(),
            "report": (report.json["report"]["number"], report.json["report"]["verification_code"])}


def start_import(instance: Instance, app, tmp_path) -> tuple[subprocess.Popen, int]:
    """`registry import` of a large file by another department, in small batches, as a process of its own."""
    with app.app_context():
        market = factories.department("market_supervision")
    write_csv(tmp_path / "big.csv", [factories.penalty(market) for _ in range(IMPORTED_ROWS)])
    process = instance.process("import", str(tmp_path / "big.csv"), "--department", market["uscc"],
                               REGISTRY_IMPORT_BATCH_ROWS="250")
    return process, market["id"]


def wait_until_committed(app, seconds: float = 120) -> None:
    """Until the import has committed some batches (not all)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.scalar(select(ImportJob))
            if job is not None and job.rows_committed > 0:
                return
        time.sleep(0.05)
    raise AssertionError("the import committed nothing")


def test_a_damaged_backup_or_none_changes_nothing(tmp_path):
    source = Instance(tmp_path / "a")
    source.command("init")
    source.command("backup", tmp_path / "backup")
    key = next((tmp_path / "backup" / "files" / "report-keys").glob("*.pem"))
    key.write_bytes(key.read_bytes()[:-1] + b"!")
    target = Instance(tmp_path / "b")
    damaged = target.command("restore", tmp_path / "backup", expect=1)
    assert "differ from the manifest, first files/report-keys/" in damaged.stderr
    assert not (tmp_path / "b" / "report-keys").exists()
    assert "holds no manifest.json" in target.command("restore", tmp_path, expect=1).stderr
    assert "is not empty" in source.command("backup", tmp_path / "backup", expect=1).stderr
