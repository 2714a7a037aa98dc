"""A key revoked or rotated out on the command line fails on the very next request in every gunicorn worker
of a real server: no worker keeps a key it once accepted."""

import re
import socket
import time
import urllib.error
import urllib.request

from tests.served import registry_command, served

WORKERS = 3
PATH = "/api/v1/principals"


def test_a_revoked_or_rotated_out_key_fails_at_once_in_every_worker(tmp_path):
    # Without the front: nginx would read each request whole before a worker sees it, and the test
    # needs the workers to hold the requests it has not finished sending (see _once_per_worker).
    # The refused keys below would soon be rate limited (tests/test_rate_limits.py): not what this test is about.
    with served(tmp_path, "--workers", str(WORKERS), "--no-front", env={"REGISTRY_AUTH_FAILURE_LIMIT": "1000"}) as base:
        revoked_id, revoked = _admin(tmp_path)
        rotated_id, rotated_out = _admin(tmp_path)
        for key in (revoked, rotated_out):
            assert _once_per_worker(base, key) == [200] * WORKERS
            assert {_status(base, key) for _ in range(5)} == {200}

        registry_command(tmp_path, "principals", "revoke", str(revoked_id))
        new = registry_command(tmp_path, "principals", "rotate", str(rotated_id)).stdout.strip().splitlines()[-1]

        for key in (revoked, rotated_out):
            assert _once_per_worker(base, key) == [401] * WORKERS
            assert [_status(base, key) for _ in range(20)] == [401] * 20
        assert _once_per_worker(base, new) == [200] * WORKERS


def _admin(instance) -> tuple[int, str]:
    made = registry_command(instance, "principals", "create", "--role", "admin")
    return int(re.search(r"#(\d+)", made.stderr).group(1)), made.stdout.strip().splitlines()[-1]


def _status(base: str, key: str) -> int:
    request = urllib.request.Request(base + PATH, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def _once_per_worker(base: str, key: str) -> list[int]:
    """One request answered by each worker: as many connections as workers each send their request
    but its last line. A sync worker reads one request at a time, so each connection is held by a
    worker of its own until all are finished together; the statuses, in connection order."""
    host, port = base.removeprefix("http://").split(":")
    head = f"GET {PATH} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n"
    connections = [socket.create_connection((host, int(port)), timeout=30) for _ in range(WORKERS)]
    try:
        for connection in connections:
            connection.sendall(head.encode())
        time.sleep(1)  # every worker takes up one connection and waits for the rest of its request
        for connection in connections:
            connection.sendall(b"\r\n")
        return [_answer_status(connection) for connection in connections]
    finally:
        for connection in connections:
            connection.close()


def _answer_status(connection: socket.socket) -> int:
    status_line = connection.makefile("rb").readline().decode()
    return int(status_line.split()[1])
