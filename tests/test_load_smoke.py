"""The load test's short version (bench/load, issue 23 §4): gunicorn serving a small demo city on the
embedded default, locust sending the whole mix for about 30 seconds; not one server error and no
failure but a 429. Timings are the benchmark's business (bench/load/run.py), not this test's."""

import json
from pathlib import Path

from bench.load.report import failures
from bench.load.run import demo_instance, drive, start_server, stop
from bench.load.scenario import prepare
from registry import create_app
from registry.extensions import db

USERS = "20"
SECONDS = 30


def test_the_mix_under_load_gets_no_server_error_and_no_failure_but_429(tmp_path):
    instance = tmp_path / "instance"
    env = {**demo_instance(instance, "--entities", "400", "--records", "2000", "--repairs", "5", "--objections", "2"),
           "REGISTRY_PUBLIC_CACHE_SECONDS": "10"}  # as deployed (the suite turns it off for itself)
    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'registry.sqlite3'}", "INSTANCE_DIR": str(instance),
                      "LOG_LEVEL": "WARNING"})
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps(prepare(app, names=300, reports=5), ensure_ascii=False), encoding="utf-8")
    with app.app_context():
        db.engine.dispose()
    workdir = tmp_path / "run"
    workdir.mkdir()
    server, worker, base = start_server("gthread:2x4", env, workdir)
    try:
        steps = drive(base, fixture, workdir / "result.json", USERS, SECONDS)
    finally:
        stop(server, worker)
    counts = failures(steps)
    classes = {name for step in steps for name in step["classes"]}
    assert classes == {"search", "entity", "verify", "api", "push"}, _log(workdir)
    assert counts["requests"] > 100
    assert counts["server_errors"] == 0 and counts["other_failures"] == 0, (counts, _log(workdir))


def _log(workdir: Path) -> str:
    """The end of the server's log, to say why."""
    return "\n".join(path.read_text(errors="replace")[-3000:] for path in workdir.glob("gunicorn-*.log"))
