"""Configuration, operations endpoints and the published API description."""

import pytest

from registry import create_app
from registry.bootstrap import initialise
from registry.config import Config, ConfigError


@pytest.mark.parametrize(("variable", "value", "words"), [
    ("REGISTRY_DATABASE_URL", "mysql://x", "REGISTRY_DATABASE_URL"),
    ("REGISTRY_SEARCH_URL", "ftp://x", "REGISTRY_SEARCH_URL"),
    ("REGISTRY_PUBLISH_NATURAL_PERSONS", "maybe", "true or false"),
    ("REGISTRY_PAGE_SIZE_MAX", "many", "whole number"),
    ("REGISTRY_BATCH_MAX", "0", "REGISTRY_BATCH_MAX must be a positive"),
    ("REGISTRY_DATABASE_URL", "sqlite://", "in-memory SQLite database"),
    ("REGISTRY_TODAY", "2027-02-29", "REGISTRY_TODAY must be empty or a day as YYYY-MM-DD"),
    ("REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS", "-1", "between 0 (never wait) and 3600"),
    ("REGISTRY_IMPORT_BULK_LOAD_ROWS", "-1", "REGISTRY_IMPORT_BULK_LOAD_ROWS must be 0 (never)"),
])
def test_invalid_settings_stop_start_up_with_one_line(variable, value, words, tmp_path):
    with pytest.raises(ConfigError) as info:
        Config.from_env({variable: value, "REGISTRY_INSTANCE_DIR": str(tmp_path)})
    assert words in str(info.value) and "\n" not in str(info.value)


def test_an_instance_dir_that_cannot_be_made_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ConfigError) as info:
        Config.from_env({"REGISTRY_INSTANCE_DIR": str(tmp_path / "a-file" / "instance")})
    assert "REGISTRY_INSTANCE_DIR" in str(info.value) and "\n" not in str(info.value)


def test_embedded_default_is_sqlite_under_the_instance_dir(tmp_path):
    config = Config.from_env({"REGISTRY_INSTANCE_DIR": str(tmp_path)})
    assert config.DATABASE_URL == f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    assert config.SEARCH_URL == "builtin"


def test_postgres_urls_use_psycopg_3(tmp_path):
    config = Config.from_env({"REGISTRY_DATABASE_URL": "postgresql://u:p@h/db"})
    assert config.DATABASE_URL == "postgresql+psycopg://u:p@h/db"


@pytest.mark.parametrize(("database", "search", "rows"), [
    ("", "builtin", 2500),
    ("postgresql://u:p@h/db", "builtin", 5000),
    ("postgresql://u:p@h/db", "http://search:9200", 5000),
])
def test_import_batches_are_smaller_on_sqlite_unless_set(database, search, rows, tmp_path):
    environ = {"REGISTRY_INSTANCE_DIR": str(tmp_path), "REGISTRY_DATABASE_URL": database,
               "REGISTRY_SEARCH_URL": search}
    assert Config.from_env(environ).IMPORT_BATCH_ROWS == rows
    assert Config.from_env({**environ, "REGISTRY_IMPORT_BATCH_ROWS": "700"}).IMPORT_BATCH_ROWS == 700


@pytest.mark.parametrize(("search", "rows"), [("http://search:9200", 2000), ("builtin", 5000)])
def test_an_import_that_keeps_pace_with_an_external_engine_commits_smaller_batches(search, rows, tmp_path):
    environ = {"REGISTRY_INSTANCE_DIR": str(tmp_path), "REGISTRY_DATABASE_URL": "postgresql://u:p@h/db",
               "REGISTRY_SEARCH_URL": search, "REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS": "2"}
    assert Config.from_env(environ).IMPORT_BATCH_ROWS == rows


def test_create_app_rejects_bad_overrides(tmp_path):
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": "oracle://nope", "INSTANCE_DIR": str(tmp_path)})


def test_health_readiness_and_metrics(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz").json
    assert ready["status"] == "ready" and ready["checks"]["database"] == ready["checks"]["queue"] == "ok"
    before = _not_found_records(client)  # the counters are per process: other tests count too
    client.get("/api/v1/records/1")
    assert _not_found_records(client) == before + 1


def test_a_database_never_initialised_is_not_ready(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "INSTANCE_DIR": str(tmp_path)})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and "run registry init" in answer.json["checks"]["database"]


def test_a_queue_that_does_not_answer_is_not_ready(tmp_path):
    """Scale-out workers read Redis: a web node that cannot reach it takes no uploads it could not queue."""
    unreachable = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "INSTANCE_DIR": str(tmp_path),
                              "QUEUE_URL": "redis://127.0.0.1:9/0"})
    with unreachable.app_context():
        initialise()
    answer = unreachable.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["checks"]["queue"] == "error: ConnectionError"
    assert answer.json["checks"]["database"] == "ok"


def _not_found_records(client) -> float:
    metrics = client.get("/metrics").get_data(as_text=True)
    counted = [line for line in metrics.splitlines() if line.startswith("registry_http_requests_total{")
               and "/api/v1/records/<int" in line and 'status="404"' in line]
    return float(counted[0].rsplit(" ", 1)[1]) if counted else 0.0


def test_openapi_describes_the_core_paths(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/records", "/api/v1/records/{record_id}", "/api/v1/enterprises/{uscc}",
            "/api/v1/enterprises/{uscc}/records"} <= set(spec["paths"])
    record_in = spec["components"]["schemas"]["RecordIn"]["properties"]
    assert "decision_no" in record_in and "行政相对人名称" in record_in["party_name"]["description"]
    assert client.get("/api/v1/docs").status_code == 200
    # Errors are described as they are answered: problem+json with a string code.
    default_error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert list(default_error) == ["application/problem+json"]
    assert (problem["code"]["type"], problem["status"]["type"]) == ("string", "integer")
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}


@pytest.mark.opensearch
@pytest.mark.committed  # other apps read the test database
def test_readiness_names_the_external_engine_and_reports_it_down(app, tmp_path):
    from tests.services import opensearch_url

    config = app.config["REGISTRY"]
    with_engine = create_app({"DATABASE_URL": config.DATABASE_URL, "INSTANCE_DIR": str(tmp_path),
                              "SEARCH_URL": opensearch_url()})
    ready = with_engine.test_client().get("/readyz").json
    assert ready["status"] == "ready" and ready["checks"]["search_engine"].startswith("opensearch 2.")

    nowhere = create_app({"DATABASE_URL": config.DATABASE_URL, "INSTANCE_DIR": str(tmp_path),
                          "SEARCH_URL": "http://127.0.0.1:9"})
    down = nowhere.test_client().get("/readyz")
    assert down.status_code == 503 and down.json["checks"]["search"].startswith("error:")
