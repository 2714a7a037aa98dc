"""`registry serve` as deployed, behind its buffering front (nginx): slow clients do not stall it and
an upload slower than a worker's timeout still arrives whole and imports (hardening findings 2, 3)."""

import http.client
import json
import time
import urllib.request
import uuid
from pathlib import Path

from registry.demo import loader
from tests import factories
from tests.imports.files import headers_for, write_csv
from tests.served import registry_command, seconds_to_answer, served, slow_clients

UPLOAD_MB = 200


def test_fifty_slow_clients_do_not_stall_health_checks(tmp_path):
    with served(tmp_path, "--workers", "2") as base, slow_clients(base, 50, seconds=30):
        waits = [seconds_to_answer(f"{base}/healthz", timeout=30) for _ in range(5)]
    assert max(waits) < 1, waits


def test_an_upload_slower_than_the_worker_timeout_imports_whole(tmp_path):
    """200 MB sent at 25 MB/s takes 8 s; the workers are killed after 3 s of one request. The front
    takes the body first, so a worker only ever sees a whole request."""
    shipped = json.loads((Path(loader.__file__).parent / "departments.json").read_text(encoding="utf-8"))[0]
    source = {"uscc": shipped["uscc"], "name": shipped["name"]}
    rows = [factories.penalty(source) for _ in range(4000)]
    padding = "备" * (UPLOAD_MB * 1024 * 1024 // len(rows) // 3)  # a column the layout does not know
    for row in rows:
        row["padding"] = padding
    path = tmp_path / "penalties.csv"
    write_csv(path, rows, columns=[*headers_for("penalty"), ("padding", "内部备注")])
    assert path.stat().st_size >= UPLOAD_MB * 1024 * 1024
    with served(tmp_path / "instance", "--workers", "2", "--timeout", "3") as base:
        key = _department_key(tmp_path / "instance", source["uscc"])
        answer = _upload_throttled(base, path, key, bytes_per_second=25 * 1024 * 1024)
        assert answer["status"] == 202, answer
        job = _finished(base, answer["body"]["id"], key)
    assert (job["state"], job["inserted"], job["rejected"]) == ("done", len(rows), 0), job
    assert job["unknown_columns"] == ["内部备注"]


def _department_key(instance, uscc: str) -> str:
    out = registry_command(instance, "principals", "create", "--role", "department", "--department", uscc)
    return out.stdout.strip().splitlines()[-1]


def _upload_throttled(base: str, path, key: str, bytes_per_second: int) -> dict:
    """POST the file as multipart form field `file`, no faster than `bytes_per_second`."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    connection.putrequest("POST", "/api/v1/imports")
    connection.putheader("Authorization", f"Bearer {key}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    connection.endheaders()
    connection.send(head)
    started, sent = time.monotonic(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            connection.send(chunk)
            sent += len(chunk)
            time.sleep(max(0.0, sent / bytes_per_second - (time.monotonic() - started)))
    connection.send(tail)
    response = connection.getresponse()
    body = response.read()
    return {"status": response.status, "body": json.loads(body) if body else None,
            "seconds": time.monotonic() - started}


def _finished(base: str, job_id: int, key: str, seconds: float = 240) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"{base}/api/v1/imports/{job_id}", headers=factories.auth(key))
        with urllib.request.urlopen(request, timeout=30) as answer:
            job = json.loads(answer.read())
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(1)
    raise AssertionError(f"import job {job_id} did not finish in {seconds} s")


def test_codes_in_addresses_stay_out_of_the_access_log(tmp_path):
    log = tmp_path / "access.log"
    with served(tmp_path / "instance", "--workers", "1", log=log) as base:
        for path in ("/reports/BG20261206A1B2C3/verify?code=SECRETCODE1", "/repairs/XF20261206AB12?code=SECRETCODE2"):
            seconds_to_answer(f"{base}{path}", timeout=10)
        seconds_to_answer(f"{base}/healthz")
    written = log.read_text(encoding="utf-8")
    assert "/reports/BG20261206A1B2C3/verify" in written and "/healthz" in written
    assert "SECRETCODE" not in written
