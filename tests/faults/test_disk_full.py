"""Disk full on the instance directory during an upload: the department gets a clear error, nothing of
the file stays (no stray file, no job, no record), and the same upload works once space is freed."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.errors import PROBLEM_JSON
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.records.models import Record
from tests import factories
from tests.faults.disks import small_disk
from tests.imports.files import write_csv
from tests.imports.test_import_jobs import wait_for_job

ROWS = 600  # about 330 KB of CSV
DISK = 1024 * 1024
LEFT_FREE = 64 * 1024


def upload(client, path: Path, headers: dict):
    with open(path, "rb") as stream:
        return client.post("/api/v1/imports", data={"file": (stream, path.name)}, headers=headers,
                           content_type="multipart/form-data")


def counted(app) -> tuple[int, int]:
    """(import jobs, records) in the database."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(ImportJob)),
                db.session.scalar(select(func.count()).select_from(Record)))


@pytest.mark.committed  # the second upload's job runs on the queue's worker threads
def test_an_upload_the_disk_cannot_hold_is_refused_whole_and_the_next_one_works(app, client, tmp_path, department,
                                                                                department_key, caplog):
    path = tmp_path / "penalties.csv"
    write_csv(path, [factories.penalty(department) for _ in range(ROWS)])
    assert path.stat().st_size > 4 * LEFT_FREE
    headers = factories.auth(department_key)
    jobs, records = counted(app)
    with small_disk(Path(app.config["REGISTRY"].INSTANCE_DIR) / "uploads", str(DISK)) as uploads:
        filler = uploads / "other-files"
        filler.write_bytes(bytes(DISK - LEFT_FREE))

        with caplog.at_level(logging.ERROR, logger="registry.imports.uploads"):
            refused = upload(client, path, headers)
        assert (refused.status_code, refused.mimetype, refused.json["code"]) == (507, PROBLEM_JSON, "storage_full")
        assert "磁盘空间不足" in refused.json["message_zh"] and "nothing was stored" in refused.json["message_en"]
        assert "no space left" in caplog.text  # the operator's log says what filled up
        assert [p.name for p in uploads.iterdir()] == [filler.name]  # no partial file left behind
        assert counted(app) == (jobs, records)  # no job, stuck or otherwise, and no record

        filler.unlink()  # the operator frees space
        accepted = upload(client, path, headers)
        assert accepted.status_code == 202, accepted.json
        job = wait_for_job(client, accepted.headers["Location"], headers)
    assert (job["state"], job["inserted"], job["rejected"]) == ("done", ROWS, 0)
    assert counted(app) == (jobs + 1, records + ROWS)
