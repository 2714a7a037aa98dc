"""What a department's file may cost: workbooks that unpack too far, too many rejected rows, a daily
upload quota, uploaded files kept for a while only, and a bounded answer whatever the header."""

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.imports.models import ImportJob
from registry.imports.readers import ArchiveLimits, ImportFileError, open_rows
from tests import factories
from tests.imports.files import headers_for, write_csv, write_xlsx, write_xlsx_bomb
from tests.imports.test_import_jobs import summary_of, wait_for_job
from tests.problems import assert_problem

MB = 1024 * 1024


def upload(client, path, key, name=None):
    with open(path, "rb") as stream:
        return client.post("/api/v1/imports", data={"file": (stream, name or path.name)},
                           headers=factories.auth(key), content_type="multipart/form-data")


def jobs_of(app, department) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ImportJob)
                                 .where(ImportJob.department_id == department["id"]))


def test_a_workbook_bomb_is_refused_before_it_is_unpacked(cli, tmp_path, department):
    bomb = tmp_path / "bomb.xlsx"
    write_xlsx_bomb(bomb, 16 * MB)
    assert bomb.stat().st_size < 64 * 1024
    result = cli("import", bomb, "--department", department["uscc"])
    assert result.exit_code == 1 and "zip bomb" in result.stderr and "压缩炸弹" in result.stderr
    assert "Traceback" not in result.stderr
    summary = summary_of(result)
    assert (summary["state"], summary["inserted"], summary["rejected"]) == ("failed", 0, 0)


@pytest.mark.committed  # an accepted upload's job runs on a thread of its own
def test_an_uploaded_workbook_bomb_is_refused_at_once_and_not_kept(app, client, tmp_path, department,
                                                                   department_key):
    bomb = tmp_path / "bomb.xlsx"
    write_xlsx_bomb(bomb, 16 * MB)
    response = upload(client, bomb, department_key)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "xlsx_compression_ratio" and "压缩炸弹" in response.json["message_zh"]
    assert jobs_of(app, department) == 0
    assert not list((Path(app.config["REGISTRY"].INSTANCE_DIR) / "uploads").glob("*.xlsx"))

    fine = tmp_path / "fine.xlsx"
    write_xlsx(fine, [factories.penalty(department) for _ in range(3)])
    accepted = upload(client, fine, department_key)
    assert accepted.status_code == 202
    assert wait_for_job(client, accepted.headers["Location"], factories.auth(department_key))["inserted"] == 3


def test_a_part_read_whole_is_limited_by_its_unpacked_size_whatever_it_packs_to(tmp_path):
    """Shared strings that do not compress (a ratio of about 2) still may not exceed the part limit."""
    book = tmp_path / "wide.xlsx"
    write_xlsx_bomb(book, 2 * MB, filler=os.urandom(512 * 1024).hex().encode())
    with pytest.raises(ImportFileError) as refused:
        open_rows(book, archive_limits=ArchiveLimits(part_bytes=1 * MB))
    assert refused.value.code == "xlsx_too_large" and "xl/sharedStrings.xml" in refused.value.message_en
    with open_rows(book, archive_limits=ArchiveLimits(part_bytes=4 * MB)) as rows:
        assert [number for number, _ in rows] == [2]


@pytest.fixture
def small_limits(monkeypatch):
    """Batches of 4 rows, the share of rejections judged from the 8th row read."""
    for name, value in {"IMPORT_BATCH_ROWS": "4", "IMPORT_REJECTED_SHARE_AFTER": "8"}.items():
        monkeypatch.setenv(f"REGISTRY_{name}", value)


def junk(department, count: int) -> list[dict]:
    return [factories.penalty(department, facts="", decision_date="not a date") for _ in range(count)]


def test_an_import_rejecting_over_half_its_rows_stops_and_keeps_its_first_errors(
        cli, client, tmp_path, department, department_key, small_limits):
    good = [factories.penalty(department) for _ in range(8)]
    path = tmp_path / "mostly-junk.csv"
    write_csv(path, good + junk(department, 40))
    result = cli("import", path, "--department", department["uscc"])
    summary = summary_of(result)
    # Batches 1-2 good; 3 (4 of 12 rejected) and 4 (8 of 16: not over half) written; 5 (12 of 20) stops.
    assert result.exit_code == 1 and "拒绝行过多，导入已停止" in result.stderr
    assert (summary["state"], summary["inserted"], summary["rejected"], summary["rows"]) == ("stopped", 8, 12, 20)
    assert summary["rows_committed"] == 17 and "rows up to 17 were committed" in summary["message"]
    report = client.get(f"/api/v1/imports/{summary['job']}/errors", headers=factories.auth(department_key)).json
    assert sorted({e["row_number"] for e in report["items"]}) == list(range(10, 22))
    assert client.get(f"/api/v1/enterprises/{good[7]['uscc']}/records").json["items"]

    again = summary_of(cli("import", path, "--department", department["uscc"]))
    assert again["job"] != summary["job"] and again["state"] == "stopped"  # a stopped job is not resumed


def test_an_import_stops_after_the_configured_number_of_rejected_rows_and_writes_nothing_of_that_batch(
        cli, client, tmp_path, department, small_limits, monkeypatch):
    monkeypatch.setenv("REGISTRY_IMPORT_MAX_REJECTED_ROWS", "2")
    rows = [factories.penalty(department) for _ in range(20)]
    rows[1:4] = junk(department, 3)
    path = tmp_path / "three-bad.csv"
    write_csv(path, rows)
    summary = summary_of(cli("import", path, "--department", department["uscc"]))
    assert (summary["state"], summary["inserted"], summary["rejected"], summary["rows_committed"]) == (
        "stopped", 0, 3, 0)
    assert "nothing was imported" in summary["message"]
    # the good row 2 too
    assert_problem(client.get(f"/api/v1/enterprises/{rows[0]['uscc']}"), 404, "enterprise_not_found")

    dry = cli("import", path, "--department", department["uscc"], "--dry-run")
    assert dry.exit_code == 1 and summary_of(dry)["state"] == "stopped"


@pytest.mark.committed
def test_an_uploaded_job_that_stops_says_so(client, tmp_path, department, department_key, app, monkeypatch):
    monkeypatch.setattr(app.config["REGISTRY"], "IMPORT_REJECTED_SHARE_AFTER", 4)
    path = tmp_path / "junk.csv"
    write_csv(path, junk(department, 6))
    response = upload(client, path, department_key)
    job = wait_for_job(client, response.headers["Location"], factories.auth(department_key))
    assert (job["state"], job["inserted"], job["rejected"]) == ("stopped", 0, 6)
    assert job["message_zh"].startswith("拒绝行过多，导入已停止") and job["message_zh"].endswith("未导入任何数据")


@pytest.mark.committed
def test_a_departments_uploads_are_capped_over_24_hours(client, tmp_path, department, department_key, app,
                                                        monkeypatch):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_csv(first, [factories.penalty(department) for _ in range(3)])
    write_csv(second, [factories.penalty(department) for _ in range(3)])
    monkeypatch.setattr(app.config["REGISTRY"], "IMPORT_DAILY_BYTES", first.stat().st_size + 100)
    accepted = upload(client, first, department_key)
    assert accepted.status_code == 202
    wait_for_job(client, accepted.headers["Location"], factories.auth(department_key))

    refused = upload(client, second, department_key)
    assert refused.status_code == 429 and refused.json["code"] == "import_quota_exceeded"
    assert 86000 < int(refused.headers["Retry-After"]) <= 86401 and "每日限额" in refused.json["message_zh"]
    again = upload(client, first, department_key)  # the same file again is a new upload too
    assert again.status_code == 429

    monkeypatch.setattr(app.config["REGISTRY"], "IMPORT_DAILY_BYTES", 100)
    too_big = upload(client, second, department_key)
    assert too_big.status_code == 413 and "拆分" in too_big.json["message_zh"]
    assert jobs_of(app, department) == 1


def test_uploaded_files_are_purged_after_the_retention_period(cli, app, department):
    folder = Path(app.config["REGISTRY"].INSTANCE_DIR) / "uploads"
    folder.mkdir(exist_ok=True)
    old, fresh, queued = (folder / f"{name}.csv" for name in ("old", "fresh", "queued"))
    for path in (old, fresh, queued):
        path.write_text("x")
    # Every age stated by the clock the purge reads (under faketime the kernel stamps files with real times).
    now = time.time()
    month_ago = now - 31 * 86400
    for path, written in ((old, month_ago), (queued, month_ago), (fresh, now)):
        os.utime(path, (written, written))
    with app.app_context():
        db.session.add(ImportJob(department_id=department["id"], filename="q.csv", path=str(queued), checksum="0",
                                 size=1, options={}, state="queued", unknown_columns=[]))
        db.session.commit()
    result = cli("imports", "purge")
    assert result.exit_code == 0 and "old.csv" in summary_of(result)["files"]
    assert (old.exists(), fresh.exists(), queued.exists()) == (False, True, True)
    assert "fresh.csv" in summary_of(cli("imports", "purge", "--days", "0"))["files"] and queued.exists()


def test_a_header_of_many_unknown_columns_gives_a_bounded_answer(cli, client, tmp_path, department, department_key):
    extra = [(None, f"多余列{n}") for n in range(100_000)]
    path = tmp_path / "wide.csv"
    write_csv(path, [factories.penalty(department)], columns=headers_for("penalty") + extra)
    summary = summary_of(cli("import", path, "--department", department["uscc"]))
    assert (summary["inserted"], summary["unknown_column_count"]) == (1, 100_000)
    assert summary["unknown_columns"] == [f"多余列{n}" for n in range(20)]
    answer = client.get(f"/api/v1/imports/{summary['job']}", headers=factories.auth(department_key))
    assert len(answer.data) < 4096 and answer.json["unknown_column_count"] == 100_000
