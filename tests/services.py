"""The real services the tests use, started on demand by the scripts in deploy/.

``postgres_url()``, ``opensearch_url()``, ``elasticsearch_url(major)``, ``keycloak_url()`` and
``redis_url()`` run ``deploy/postgres.sh start``, ``deploy/opensearch.sh start``,
``deploy/elasticsearch.sh start MAJOR``, ``deploy/keycloak.sh start`` and ``deploy/redis.sh start``
(idempotent and fast when the service is already up) once per process and return the URL the
script printed last.
``stop_opensearch()`` and ``start_opensearch()`` serve outage tests; the node
comes back on the same URL, with its indices kept.

Set ``REGISTRY_TEST_POSTGRES_URL``, ``REGISTRY_TEST_OPENSEARCH_URL``,
``REGISTRY_TEST_ELASTICSEARCH8_URL``, ``REGISTRY_TEST_ELASTICSEARCH9_URL``,
``REGISTRY_TEST_KEYCLOAK_URL`` or ``REGISTRY_TEST_REDIS_URL`` to use a service started some other way; nothing
is then started (or stopped) here.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DEPLOY_DIR = REPO_DIR / "deploy"

POSTGRES_URL_ENV = "REGISTRY_TEST_POSTGRES_URL"
OPENSEARCH_URL_ENV = "REGISTRY_TEST_OPENSEARCH_URL"
KEYCLOAK_URL_ENV = "REGISTRY_TEST_KEYCLOAK_URL"
REDIS_URL_ENV = "REGISTRY_TEST_REDIS_URL"
ELASTICSEARCH_URL_ENV = "REGISTRY_TEST_ELASTICSEARCH{major}_URL"
OPENSEARCH_CLUSTER_URL_ENV = "REGISTRY_TEST_OPENSEARCH_CLUSTER_URL"

# Generous: a fresh machine installs PostgreSQL from apt, or downloads the
# OpenSearch jars or Keycloak from Maven Central, on the first start.
SCRIPT_TIMEOUT_SECONDS = 900
STDERR_TAIL_LINES = 40

_lock = threading.Lock()
_urls: dict[str, str] = {}


def _run_script(script: str, *args: str) -> str:
    """Run ``deploy/<script> <args>`` and return the last non-empty line of its stdout."""
    command = ["bash", str(DEPLOY_DIR / script), *args]
    shown = " ".join(["deploy/" + script, *args])
    try:
        result = subprocess.run(
            command,
            cwd=REPO_DIR,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"{shown} did not finish in {SCRIPT_TIMEOUT_SECONDS} s:\n{_tail(exc.stderr)}") from exc
    if result.returncode != 0:
        raise RuntimeError(f"{shown} failed with exit code {result.returncode}:\n{_tail(result.stderr)}")
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _tail(stderr: str | bytes | None) -> str:
    if stderr is None:
        return "(no stderr)"
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    return "\n".join(stderr.splitlines()[-STDERR_TAIL_LINES:]) or "(no stderr)"


def _start(key: str, script: str, env_var: str, *args: str) -> str:
    override = os.environ.get(env_var)
    if override:
        return override
    with _lock:
        if key not in _urls:
            url = _run_script(script, "start", *args)
            if not url:
                raise RuntimeError(f"deploy/{script} start printed no URL")
            _urls[key] = url
        return _urls[key]


def postgres_url() -> str:
    """SQLAlchemy URL (``postgresql+psycopg://...``) of the test database, started if need be."""
    return _start("postgres", "postgres.sh", POSTGRES_URL_ENV)


def opensearch_url() -> str:
    """Base URL (``http://127.0.0.1:PORT``) of the test OpenSearch node, started if need be."""
    return _start("opensearch", "opensearch.sh", OPENSEARCH_URL_ENV)


def elasticsearch_url(major: int) -> str:
    """Base URL of the test Elasticsearch node of this major version (8 or 9), started if need be."""
    return _start(f"elasticsearch{major}", "elasticsearch.sh", ELASTICSEARCH_URL_ENV.format(major=major), str(major))


def opensearch_cluster_url() -> str:
    """URL of node 1 of the three-node OpenSearch cluster (deploy/opensearch-cluster.sh), started, or
    brought back to three nodes, if need be."""
    return _start("opensearch-cluster", "opensearch-cluster.sh", OPENSEARCH_CLUSTER_URL_ENV)


def restart_cluster_nodes() -> str:
    """Start the cluster's nodes that do not run (after a test killed one); returns node 1's URL."""
    with _lock:
        _urls.pop("opensearch-cluster", None)
    return opensearch_cluster_url()


def cluster_node_pid(node: int) -> int:
    """The pid of cluster node `node` (1 to 3), for a test that kills it."""
    return int(_run_script("opensearch-cluster.sh", "pid", str(node)))


def keycloak_url() -> str:
    """Issuer URL (``http://127.0.0.1:PORT/realms/tongliao``) of the test realm, started if need be."""
    return _start("keycloak", "keycloak.sh", KEYCLOAK_URL_ENV)


def redis_url() -> str:
    """URL (``redis://127.0.0.1:PORT/0``) of the test Redis, the task queue's, started if need be."""
    return _start("redis", "redis.sh", REDIS_URL_ENV)


def opensearch_is_managed() -> bool:
    """True when this module starts and stops the node (no external URL was given)."""
    return not os.environ.get(OPENSEARCH_URL_ENV)


def stop_opensearch() -> None:
    """Stop the test node (for outage tests). The next ``opensearch_url()`` starts it again."""
    _require_managed()
    with _lock:
        _urls.pop("opensearch", None)
        _run_script("opensearch.sh", "stop")


def start_opensearch() -> str:
    """Start the test node again after ``stop_opensearch()``; returns its URL (the same as before
    unless that port was taken by something else meanwhile)."""
    _require_managed()
    with _lock:
        _urls.pop("opensearch", None)
    return opensearch_url()


def _require_managed() -> None:
    if not opensearch_is_managed():
        raise RuntimeError(f"OpenSearch comes from {OPENSEARCH_URL_ENV}; the tests cannot stop or start it")
