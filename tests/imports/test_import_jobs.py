"""Department files imported end to end: counts, idempotence, the error report, jobs over HTTP."""

import csv
import io
import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from registry.departments.models import Department
from registry.extensions import db
from registry.imports import services
from registry.imports.locks import JobLock
from registry.records.models import RecordVersion
from registry.tasks import jobs
from tests import factories
from tests.imports.files import headers_for, write_csv, write_ndjson, write_xlsx


def summary_of(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_csv_import_then_reimport_is_a_no_op(cli, client, tmp_path, department):
    rows = [factories.penalty(department) for _ in range(40)]
    path = tmp_path / "penalties.csv"
    write_csv(path, rows)
    first = cli("import", path, "--department", department["uscc"])
    assert first.exit_code == 0, first.output
    summary = summary_of(first)
    assert {k: summary[k] for k in ("rows", "inserted", "updated", "unchanged", "rejected")} == {
        "rows": 40, "inserted": 40, "updated": 0, "unchanged": 0, "rejected": 0}
    assert client.get(f"/api/v1/enterprises/{rows[7]['uscc']}").json["name"] == rows[7]["party_name"]

    again = summary_of(cli("import", path, "--department", department["uscc"]))
    assert again["job"] != summary["job"]
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 40)


def test_a_changed_row_updates_its_record_and_keeps_the_previous_version(cli, client, tmp_path, department, app):
    rows = [factories.penalty(department) for _ in range(3)]
    before = rows[1]["penalty_content"]
    write_csv(tmp_path / "a.csv", rows)
    cli("import", tmp_path / "a.csv", "--department", department["uscc"])
    rows[1]["penalty_content"] = "罚款人民币一万元"
    write_csv(tmp_path / "b.csv", rows)
    summary = summary_of(cli("import", tmp_path / "b.csv", "--department", department["uscc"]))
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (0, 1, 2)
    page = client.get(f"/api/v1/enterprises/{rows[1]['uscc']}/records").json
    assert page["items"][0]["penalty_content"] == "罚款人民币一万元" and page["items"][0]["version"] == 2
    with app.app_context():
        history = db.session.scalars(select(RecordVersion)).all()
    assert [(h.record_id, h.version, h.data["penalty_content"]) for h in history] == [
        (page["items"][0]["id"], 1, before)]


def test_a_record_repeated_in_a_later_batch_updates_it_and_the_rest_of_that_batch_is_inserted(
        cli, client, tmp_path, department, monkeypatch):
    """On PostgreSQL a first import inserts its batches as they are; the batch that repeats a stored
    record is written again as an upsert, and so are the batches after it."""
    rows = [factories.penalty(department) for _ in range(10)]
    rows[6] = {**rows[1], "penalty_content": "罚款人民币一万元"}  # batch 2 of 4-row batches repeats batch 1
    write_csv(tmp_path / "p.csv", rows)
    monkeypatch.setenv("REGISTRY_IMPORT_BATCH_ROWS", "4")
    summary = summary_of(cli("import", tmp_path / "p.csv", "--department", department["uscc"]))
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (9, 1, 0)
    for row in rows:
        stored = client.get(f"/api/v1/enterprises/{row['uscc']}/records").json["items"]
        assert [record["decision_no"] for record in stored] == [row["decision_no"]]
    [repeated] = client.get(f"/api/v1/enterprises/{rows[1]['uscc']}/records").json["items"]
    assert (repeated["penalty_content"], repeated["version"]) == ("罚款人民币一万元", 2)


def test_a_failed_import_run_again_with_other_options_is_a_new_import(cli, tmp_path, department):
    rows = [factories.penalty(department) for _ in range(3)]
    path = tmp_path / "mixed.csv"
    write_csv(path, rows, columns=headers_for("penalty") + [("content", "许可内容")])
    failed = cli("import", path, "--department", department["uscc"])
    assert failed.exit_code == 1 and "--kind" in failed.stderr
    result = cli("import", path, "--department", department["uscc"], "--kind", "penalty")
    assert result.exit_code == 0, result.output
    summary = summary_of(result)
    assert summary["job"] != summary_of(failed)["job"]
    assert (summary["state"], summary["inserted"]) == ("done", 3)


def test_an_unfinished_import_resumes_from_where_its_file_is_now(cli, tmp_path, department, app):
    rows = [factories.penalty(department) for _ in range(3)]
    first, moved = tmp_path / "first.csv", tmp_path / "moved" / "penalties.csv"
    write_csv(first, rows)
    with app.app_context():
        job = services.start_job(db.session.get(Department, department["id"]), first, first.name, {}).id
    moved.parent.mkdir()
    first.rename(moved)
    summary = summary_of(cli("import", moved, "--department", department["uscc"]))
    assert (summary["job"], summary["state"], summary["inserted"]) == (job, "done", 3)


def test_a_line_nested_too_deeply_is_a_rejected_row_and_the_others_are_imported(cli, client, tmp_path,
                                                                                department, department_key):
    path = tmp_path / "deep.ndjson"
    write_ndjson(path, [factories.penalty(department) for _ in range(3)])
    with open(path, "a", encoding="utf-8") as out:
        out.write('{"party_name": ' + "[" * 100000 + "\n")
    result = cli("import", path, "--department", department["uscc"])
    summary = summary_of(result)
    assert result.exit_code == 0 and (summary["inserted"], summary["rejected"]) == (3, 1)
    report = client.get(f"/api/v1/imports/{summary['job']}/errors", headers=factories.auth(department_key)).json
    assert [(e["row_number"], e["code"]) for e in report["items"]] == [(4, "invalid_json")]


@pytest.fixture
def failing_writer(monkeypatch, app):
    """The writer fails on its second batch of 4 rows, as a bug or a lost database connection would."""
    monkeypatch.setenv("REGISTRY_IMPORT_BATCH_ROWS", "4")  # the CLI's app
    monkeypatch.setattr(app.config["REGISTRY"], "IMPORT_BATCH_ROWS", 4)  # the HTTP job's
    make_writer = services.writer_for

    def writer_for(*args, **kwargs):
        writer = make_writer(*args, **kwargs)
        write, batches = writer.write_encoded, []

        def write_encoded(encoded):
            batches.append(encoded)
            if len(batches) == 2:
                raise RuntimeError("connection to the database lost")
            return write(encoded)

        writer.write_encoded = write_encoded
        return writer

    monkeypatch.setattr(services, "writer_for", writer_for)


def test_an_unexpected_failure_fails_the_job_and_says_which_rows_were_committed(
        cli, client, tmp_path, department, department_key, failing_writer):
    rows = [factories.penalty(department) for _ in range(10)]
    path = tmp_path / "p.csv"
    write_csv(path, rows)
    result = cli("import", path, "--department", department["uscc"])
    summary = summary_of(result)
    assert result.exit_code == 1 and "connection to the database lost" in result.stderr
    assert "Traceback" not in result.stderr
    assert (summary["state"], summary["inserted"], summary["rows_committed"]) == ("failed", 4, 5)
    assert "rows up to 5 were committed" in summary["message"]
    assert client.get(f"/api/v1/enterprises/{rows[3]['uscc']}/records").json["items"]

    dry = cli("import", path, "--department", department["uscc"], "--dry-run")
    assert dry.exit_code == 1 and summary_of(dry)["state"] == "failed"

    headers = factories.auth(department_key)
    with open(path, "rb") as stream:
        response = client.post("/api/v1/imports", data={"file": (stream, "p.csv"), "kind": "penalty"},
                               headers=headers, content_type="multipart/form-data")
    job = wait_for_job(client, response.headers["Location"], headers)
    assert (job["state"], job["rows_committed"]) == ("failed", 5) and "导入意外中断" in job["message_zh"]


@pytest.fixture
def broken_file(tmp_path, department, app):
    """A file whose rows 3-10 each have one defect of a different class; the rest are good."""
    with app.app_context():
        other = factories.department("tax")
    good = [factories.penalty(department) for _ in range(4)]
    bad = [
        ("uscc", "uscc_check", factories.penalty(department, uscc="91110000600037341X")),
        ("facts", "required", factories.penalty(department, facts="")),
        ("decision_date", "invalid_date", factories.penalty(department, decision_date="=1+1")),
        ("fine_amount", "invalid_amount", factories.penalty(department, fine_amount="-5")),
        ("penalty_types", "invalid_penalty_type", factories.penalty(department, penalty_types="打板子")),
        ("party_name", "too_long", factories.penalty(department, party_name="通" * 201)),
        ("party_category", "invalid_choice", factories.penalty(department, party_category="外星人")),
        ("source_unit_uscc", "foreign_source_unit", factories.penalty(department, source_unit_uscc=other["uscc"])),
    ]
    path = tmp_path / "broken.csv"
    write_csv(path, good[:1] + [row for _, _, row in bad] + good[1:])
    expected = {(3 + i, field, code) for i, (field, code, _) in enumerate(bad)}
    return path, expected


def test_every_bad_row_is_reported_with_its_row_number_and_valid_rows_are_kept(cli, client, broken_file,
                                                                               department, department_key):
    path, expected = broken_file
    result = cli("import", path, "--department", department["uscc"])
    assert result.exit_code == 0
    summary = summary_of(result)
    assert (summary["rows"], summary["inserted"], summary["rejected"]) == (12, 4, 8)

    headers = factories.auth(department_key)
    report = client.get(f"/api/v1/imports/{summary['job']}/errors", headers=headers).json
    assert {(e["row_number"], e["field"], e["code"]) for e in report["items"]} == expected
    assert all(e["message_zh"] and e["message_en"] for e in report["items"])

    as_csv = client.get(f"/api/v1/imports/{summary['job']}/errors?format=csv", headers=headers)
    assert as_csv.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(table) == 8
    formula = next(r for r in table if r["field"] == "decision_date")
    assert formula["value"] == "'=1+1"  # a spreadsheet shows it as text, never runs it
    negative = next(r for r in table if r["field"] == "fine_amount")
    assert negative["value"] == "'-5"


def test_dry_run_counts_and_writes_nothing(cli, client, broken_file, department):
    path, _ = broken_file
    result = cli("import", path, "--department", department["uscc"], "--dry-run")
    summary = summary_of(result)
    assert result.exit_code == 0 and summary["dry_run"] is True and summary["job"] is None
    assert (summary["inserted"], summary["rejected"]) == (4, 8)
    assert summary_of(cli("import", path, "--department", department["uscc"]))["inserted"] == 4


@pytest.mark.parametrize("maker", ["gb18030", "utf-8-sig", "xlsx", "ndjson"])
def test_each_format_imports_the_same_records(maker, cli, client, tmp_path, department):
    rows = [factories.penalty(department) for _ in range(5)]
    if maker == "xlsx":
        path = tmp_path / "p.xlsx"
        write_xlsx(path, rows)
    elif maker == "ndjson":
        path = tmp_path / "p.ndjson"
        write_ndjson(path, rows)
    else:
        path = tmp_path / "p.csv"
        write_csv(path, rows, encoding=maker)
    summary = summary_of(cli("import", path, "--department", department["uscc"]))
    assert (summary["inserted"], summary["rejected"]) == (5, 0), summary
    shown = client.get(f"/api/v1/enterprises/{rows[2]['uscc']}/records").json["items"][0]
    assert shown["party_name"] == rows[2]["party_name"] and shown["facts"] == rows[2]["facts"]


def test_a_file_that_cannot_be_read_exits_non_zero_with_a_clear_message(cli, tmp_path, department):
    garbage = tmp_path / "broken.xlsx"
    garbage.write_bytes(b"this is not a workbook")
    result = cli("import", garbage, "--department", department["uscc"])
    assert result.exit_code == 1
    assert "error:" in result.stderr and summary_of(result)["state"] == "failed"
    assert summary_of(result)["message"].endswith("; nothing was imported")
    missing = cli("import", tmp_path / "nothing.csv", "--department", department["uscc"])
    assert missing.exit_code != 0 and "no such file" in missing.output
    unknown = cli("import", garbage, "--department", factories.new_uscc("11"))
    assert unknown.exit_code != 0 and "no department" in unknown.output


@pytest.mark.committed  # the upload's job runs on a thread of its own, through a session of its own
def test_upload_over_http_returns_a_job_at_once_and_runs_it(client, tmp_path, department, department_key):
    rows = [factories.penalty(department) for _ in range(30)]
    path = tmp_path / "upload.csv"
    write_csv(path, rows)
    headers = factories.auth(department_key)
    with open(path, "rb") as stream:
        response = client.post("/api/v1/imports", data={"file": (stream, "upload.csv")}, headers=headers,
                               content_type="multipart/form-data")
    assert response.status_code == 202 and response.headers["Location"].endswith(f"/{response.json['id']}")
    job = wait_for_job(client, response.headers["Location"], headers)
    assert (job["state"], job["rows_read"], job["inserted"], job["progress"]) == ("done", 30, 30, 1.0)


@pytest.mark.committed  # the upload's job runs on a thread of its own, through a session of its own
def test_request_bodies_are_capped_but_department_files_are_not(client, tmp_path, department, department_key,
                                                                   monkeypatch):
    rows = [factories.penalty(department) for _ in range(30)]
    monkeypatch.setitem(client.application.config, "MAX_CONTENT_LENGTH", 4096)  # far below the file
    headers = factories.auth(department_key)
    too_big = client.post("/api/v1/records", json=rows, headers=headers)
    assert too_big.status_code == 413 and too_big.mimetype == "application/problem+json"
    path = tmp_path / "upload.csv"
    write_csv(path, rows)
    with open(path, "rb") as stream:
        response = client.post("/api/v1/imports", data={"file": (stream, "upload.csv")}, headers=headers,
                               content_type="multipart/form-data")
    assert response.status_code == 202
    assert wait_for_job(client, response.headers["Location"], headers)["inserted"] == 30


@pytest.mark.committed  # the job runs on the queue's worker threads, through sessions of their own
def test_a_job_whose_process_died_is_offered_again_by_the_queue_and_finishes(app, client, tmp_path, department,
                                                                            department_key):
    rows = [factories.penalty(department) for _ in range(5)]
    path = tmp_path / "upload.csv"
    write_csv(path, rows)
    with app.app_context():
        sender = db.session.scalar(select(Department).where(Department.uscc == department["uscc"]))
        job = services.start_job(sender, path, path.name, {})
        job.state = services.RUNNING  # as a worker killed mid-file leaves it
        db.session.commit()
        job_id = job.id
        held = JobLock(job_id, app.config["REGISTRY"].INSTANCE_DIR)
        assert held.acquire()  # while a live process runs it, it is running, and nobody offers it again
        assert jobs.imports_recover(datetime.now(UTC)) == []
    headers = factories.auth(department_key)
    assert client.get(f"/api/v1/imports/{job_id}", headers=headers).json["state"] == "running"
    held.release()  # the process dies
    with app.app_context():
        assert jobs.imports_recover(datetime.now(UTC)) == [job_id]
    finished = wait_for_job(client, f"/api/v1/imports/{job_id}", headers)
    assert (finished["state"], finished["inserted"]) == ("done", 5), finished["message_en"]


@pytest.mark.committed  # the upload's job runs on a thread of its own, through a session of its own
def test_upload_with_the_documented_format_field_is_read_in_that_format(client, tmp_path, department,
                                                                        department_key):
    rows = [factories.penalty(department) for _ in range(3)]
    path = tmp_path / "upload.txt"
    write_ndjson(path, rows)  # a name that would say CSV: only the field makes it NDJSON
    headers = factories.auth(department_key)
    with open(path, "rb") as stream:
        response = client.post("/api/v1/imports", data={"file": (stream, "upload.txt"), "format": "ndjson"},
                               headers=headers, content_type="multipart/form-data")
    job = wait_for_job(client, response.headers["Location"], headers)
    assert (job["state"], job["format"], job["inserted"]) == ("done", "ndjson", 3)


def wait_for_job(client, url, headers, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers).json
        if job["state"] in ("done", "failed", "stopped"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish: {job}")


@pytest.mark.committed  # the upload's job runs on a thread of its own, through a session of its own
def test_jobs_belong_to_their_department(client, tmp_path, department, department_key, app):
    path = tmp_path / "mine.csv"
    write_csv(path, [factories.penalty(department)])
    headers = factories.auth(department_key)
    with open(path, "rb") as stream:
        job_url = client.post("/api/v1/imports", data={"file": (stream, "mine.csv")}, headers=headers).headers[
            "Location"]
    wait_for_job(client, job_url, headers)
    with app.app_context():
        other = factories.department("tax")
    other_key = factories.key_for(app, "department", department_uscc=other["uscc"])
    assert client.get(job_url, headers=factories.auth(other_key)).status_code == 404
    assert client.get(job_url).status_code == 401
    reviewer = factories.key_for(app, "reviewer")
    assert client.get(job_url, headers=factories.auth(reviewer)).json["state"] == "done"


def test_uploads_of_other_types_and_without_a_file_are_refused(client, department_key):
    headers = factories.auth(department_key)
    no_file = client.post("/api/v1/imports", data={}, headers=headers, content_type="multipart/form-data")
    assert no_file.status_code == 422 and no_file.json["code"] == "file_required"
    exe = client.post("/api/v1/imports", data={"file": (io.BytesIO(b"MZ"), "x.exe")}, headers=headers)
    assert exe.status_code == 422 and exe.json["code"] == "unsupported_file_type"
