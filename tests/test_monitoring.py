"""Operations: /metrics as Prometheus reads it, who may read it, request ids and the masked log."""

import json
import logging
import re
import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from registry import create_app
from registry.audit.models import AuditEntry
from registry.audit.services import new_request_id
from registry.bootstrap import initialise
from registry.db import utcnow
from registry.domain.masking import ID_NUMBER_IN_TEXT
from registry.extensions import db
from registry.logs import MaskSecrets, configure, mask_secrets
from registry.outbox import SearchOutbox
from registry.tasks.queue import consumer, queue_of
from tests import factories
from tests.imports.files import write_csv
from tests.imports.test_import_jobs import wait_for_job
from tests.logscan import leaked_lines
from tests.problems import assert_problem
from tests.served import served

RECORD_ROUTE = "/api/v1/records/<int:record_id>"  # the URL rule, its converter's arguments left out
STRANGER = {"REMOTE_ADDR": "203.0.113.9"}  # outside REGISTRY_METRICS_NETWORKS (loopback by default)


def scrape(client, **kwargs) -> dict:
    """{(sample name, sorted labels): value} of one scrape, parsed as Prometheus parses it."""
    answer = client.get("/metrics", **kwargs)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return parsed(answer.get_data(as_text=True))


def parsed(text: str) -> dict:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_latency_histogram_moves_by_route_and_status(client):
    before = scrape(client)
    for _ in range(3):
        assert_problem(client.get("/api/v1/records/999999"), 404, "record_not_found")
    after = scrape(client)
    labels = {"route": RECORD_ROUTE, "method": "GET", "status": "404"}
    assert value(after, "registry_http_request_seconds_count", **labels) == \
        value(before, "registry_http_request_seconds_count", **labels) + 3
    assert value(after, "registry_http_request_seconds_bucket", le="+Inf", **labels) == \
        value(before, "registry_http_request_seconds_bucket", le="+Inf", **labels) + 3
    assert value(after, "registry_http_requests_total", **labels) == \
        value(before, "registry_http_requests_total", **labels) + 3
    assert not any("999999" in str(key) for key in after)  # the rule, not the path: a bounded set of series


def test_the_database_state_is_read_at_scrape_time(client):
    samples = scrape(client)
    assert value(samples, "registry_outbox_lag_seconds") >= 0
    states = {dict(labels)["state"] for name, labels in samples if name == "registry_repair_applications"}
    assert {"submitted", "forwarded", "done"} <= states


def test_import_rows_and_reports_issued_are_counted(cli, client, app, tmp_path, department, push):
    rows = [factories.penalty(department) for _ in range(5)] + [factories.penalty(department, decision_date="x")]
    write_csv(tmp_path / "p.csv", rows)
    before = scrape(client)
    assert cli("import", tmp_path / "p.csv", "--department", department["uscc"]).exit_code == 0
    licence = factories.licence(department)
    assert push(licence).status_code == 200
    own = factories.auth(factories.key_for(app, "enterprise", uscc=licence["uscc"]))
    assert client.post("/api/v1/reports", json={"uscc": licence["uscc"]}, headers=own).status_code == 201
    after = scrape(client)
    for outcome, added in (("inserted", 5), ("rejected", 1)):
        assert value(after, "registry_import_rows_total", outcome=outcome) == \
            value(before, "registry_import_rows_total", outcome=outcome) + added
    assert value(after, "registry_reports_issued_total") == value(before, "registry_reports_issued_total") + 1


def test_an_engine_that_does_not_answer_shows_as_errors_and_outbox_lag(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "INSTANCE_DIR": str(tmp_path),
                      "SEARCH_URL": "http://127.0.0.1:9"})  # nothing listens there
    with app.app_context():
        initialise()
        db.session.add(SearchOutbox(kind="record", ref=1, created_at=utcnow() - timedelta(seconds=120)))
        db.session.commit()
    client = app.test_client()
    before = scrape(client)
    assert client.get("/api/v1/search", query_string={"q": "食品"}).status_code == 503
    after = scrape(client)
    assert value(after, "registry_search_errors_total", operation="search") == \
        value(before, "registry_search_errors_total", operation="search") + 1
    assert 120 <= value(after, "registry_outbox_lag_seconds") < 600


def test_readiness_fails_once_the_outbox_lags_past_its_bound(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "INSTANCE_DIR": str(tmp_path),
                      "READY_OUTBOX_LAG_SECONDS": 60})
    with app.app_context():
        initialise()
    client = app.test_client()
    assert client.get("/readyz").json["checks"]["outbox_lag_seconds"] == 0
    with app.app_context():
        db.session.add(SearchOutbox(kind="record", ref=1, created_at=utcnow() - timedelta(seconds=61)))
        db.session.commit()
    late = client.get("/readyz")
    assert late.status_code == 503 and late.json["checks"]["outbox_lag_seconds"] >= 61


def test_other_networks_need_an_admin_key(client, app, department_key):
    refused = client.get("/metrics", environ_base=STRANGER)
    assert refused.status_code == 403 and refused.json["code"] == "metrics_forbidden"
    wrong_role = client.get("/metrics", environ_base=STRANGER, headers=factories.auth(department_key))
    assert wrong_role.status_code == 403
    assert client.get("/metrics", environ_base=STRANGER, headers=factories.auth("crk_not-a-key")).status_code == 401
    admin = factories.auth(factories.key_for(app, "admin"))
    assert "registry_http_requests_total" in str(scrape(client, environ_base=STRANGER, headers=admin))


def test_a_configured_network_reads_without_a_key(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "INSTANCE_DIR": str(tmp_path),
                      "METRICS_NETWORKS": "10.0.0.0/8"})
    with app.app_context():
        initialise()
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.2.3.4"}).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer listed


def test_the_request_id_is_taken_or_made_and_returned(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.19"}).headers["X-Request-ID"] == "lb-7f3a.19"
    made = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    person = client.get("/healthz", headers={"X-Request-ID": "110101199003074512"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", person)  # an ID number is no request id: it would be logged


def test_a_made_request_id_never_reads_as_an_id_number():
    """About one random hex id in 1,500 holds 18 decimal digits in a row; the log would mask it, and the
    id written there would no longer be the one the caller was given (20,000 draws: all but sure to
    meet one)."""
    made = [new_request_id() for _ in range(20000)]
    assert len(set(made)) == 20000 and not [id_ for id_ in made if ID_NUMBER_IN_TEXT.search(id_)]


@pytest.mark.parametrize(("text", "logged"), [
    ("id 150502198003151234 end", "id 150***********1234 end"),
    ("id 15050219800315123X", "id 150***********123X"),
    ("ID150502198003151234.", "ID150***********1234."),
    ("uscc 91150502MA0N1234X5 stays", "uscc 91150502MA0N1234X5 stays"),  # letters: a credit code, not an ID
    ("19 digits 1505021980031512345 stay", "19 digits 1505021980031512345 stay"),
    ("key crk_AbCdEfGhIjKlMnOpQrStUv-_w", "key crk_AbCdEfGh…"),
])
def test_masking_at_its_boundaries(text, logged):
    assert mask_secrets(text) == logged


def test_a_malformed_log_call_is_masked_without_its_arguments():
    record = logging.LogRecord("registry.test", logging.WARNING, __file__, 1,
                               "row %s of 150502198003151234 and %s", ("only one",), None)
    assert MaskSecrets().filter(record) and record.getMessage() == "row %s of 150***********1234 and %s"


def test_a_working_slice_logs_no_id_number_and_no_key(tmp_path, capsys):
    """Imports, pushes and searches of records that carry ID numbers, keys good and bad, and an
    unexpected error quoting both: every JSON line is masked and carries its request's id, the queued
    import's lines and audit entries the id of the upload that started it."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "INSTANCE_DIR": str(tmp_path),
                      "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json"})
    with app.app_context():
        initialise()
        dep = factories.department("market_supervision")
    key = factories.key_for(app, "department", department_uscc=dep["uscc"])
    person = "110101199003074512"
    leak = f"INSERT failed for ({person}, {key})"

    @app.get("/explode")
    def explode():  # an unexpected error whose message quotes a row and a key, as a driver's might
        raise RuntimeError(leak)

    client, headers = app.test_client(), factories.auth(key)
    workers = consumer(app, 1, periodic=False, quiet=True)  # the upload's import runs on the task queue
    workers.start()
    try:
        rows = [factories.penalty(dep, legal_rep_id_no=person) for _ in range(3)]
        rows.append(factories.penalty(dep, legal_rep_id_no=person, decision_date="not a date"))
        write_csv(tmp_path / "upload.csv", rows)
        with open(tmp_path / "upload.csv", "rb") as stream:
            upload = client.post("/api/v1/imports", data={"file": (stream, "upload.csv")},
                                 headers={**headers, "X-Request-ID": "upload-1"})
        assert wait_for_job(client, upload.headers["Location"], headers)["state"] == "done"
        push = client.post("/api/v1/records", json=factories.penalty(dep, legal_rep_id_no=person), headers=headers)
        assert push.status_code == 200
        assert client.get("/api/v1/search", query_string={"q": rows[0]["party_name"]}).status_code == 200
        assert_problem(client.get("/api/v1/records", headers=factories.auth(key[:-2] + "zz")), 401, "invalid_api_key")
        traced = client.get("/explode", headers={**headers, "X-Request-ID": "trace-1"})
        assert traced.status_code == 500
        with app.app_context():
            imported = db.session.scalars(select(AuditEntry.request_id).where(AuditEntry.action == "record.insert"))
            assert set(imported) == {"upload-1", push.headers["X-Request-ID"]}
    finally:
        workers.stop()
        configure("WARNING", "text")
    lines = capsys.readouterr().err.splitlines()
    events = [json.loads(line) for line in lines]
    assert not [line for line in lines if ID_NUMBER_IN_TEXT.search(line) or key in line or key[:-2] in line]
    error = next(event for event in events if event["request_id"] == "trace-1" and event["level"] == "ERROR")
    assert "RuntimeError: INSERT failed for (110***********4512, crk_" in error["exception"]
    answered = [event for event in events if event["logger"] == "registry.request"]
    assert {"/api/v1/imports", "/api/v1/records", "/api/v1/search"} <= {event["route"] for event in answered}
    assert all(event["request_id"] != "-" and event["latency_ms"] >= 0 for event in answered)
    queued = next(event for event in events if event.get("task") == "import_job")
    assert queued["request_id"] == "upload-1" and queued["message"].startswith("task import_job done in ")


def test_the_projects_packages_log_at_the_configured_level_and_libraries_at_theirs(capsys):
    configure("INFO", "text")
    try:
        logging.getLogger("search.sql").info("%d search documents in the database", 3)
        logging.getLogger("registry.imports.services").info("bulk load: indexes set aside")
        logging.getLogger("elastic_transport.transport").info("HEAD http://127.0.0.1:9200/ [status:200]")
    finally:
        configure("WARNING", "text")
    written = capsys.readouterr().err
    assert "3 search documents in the database" in written and "bulk load" in written
    assert "HEAD http" not in written  # a library's chatter stays below its own level


def test_gunicorn_workers_add_up_in_one_scrape(tmp_path):
    """Two workers write their values to files (multiprocess mode); a scrape answered by either adds
    up both, so every request between two scrapes is counted once."""
    healthz = {"route": "/healthz", "method": "GET", "status": "200"}
    with served(tmp_path / "instance", "--workers", "2") as base:
        before = value(served_scrape(base), "registry_http_requests_total", **healthz)
        for _ in range(20):
            urllib.request.urlopen(f"{base}/healthz", timeout=10).close()
        after = value(served_scrape(base), "registry_http_requests_total", **healthz)
    assert after - before == 20
    assert list((tmp_path / "instance" / "run" / "metrics").glob("counter_*.db"))


def served_scrape(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as answer:
        return parsed(answer.read().decode())


def test_task_runs_are_counted_by_name_and_outcome(client, app):
    """A task run by a worker (here called in place, as the consumer calls it) moves the task counter."""
    before = scrape(client)
    queue_of(app).tasks["reindex"].call_local()
    after = scrape(client)
    assert value(after, "registry_task_runs_total", task="reindex", outcome="ok") == \
        value(before, "registry_task_runs_total", task="reindex", outcome="ok") + 1


@pytest.mark.parametrize(("line", "leaked"), [
    ("party 110101199003074512 fined", True),
    ("party 110***********4512 fined", False),
    ("key crk_" + "A" * 43 + " refused", True),
    ("key crk_AbCdEfGh… refused", False),
    ("job 1505021980031512345 (19 digits)", False),
])
def test_the_suites_log_check_finds_a_full_id_number_or_key(line, leaked):
    """tests/logscan.py, which fails the run when any of its log lines leaked: it must see a leak."""
    assert bool(leaked_lines(f"before\n{line}\nafter")) is leaked
