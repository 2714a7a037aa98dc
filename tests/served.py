"""A registry served for real (`registry serve`, gunicorn and its front) on a free loopback port, and
clients as slow as the hardening test's: what the serving tests and bench/slow_clients.py drive."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"
REGISTRY = [sys.executable, "-m", "registry.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def served(instance_dir: Path, *serve_options: str, env: dict | None = None, log: Path | None = None):
    """`registry serve` on an initialised SQLite database under `instance_dir`, until the block ends;
    yields the base URL once /healthz answers. `log` receives what the server writes (its access log)."""
    env = _instance_env(instance_dir, env)
    subprocess.run([*REGISTRY, "init"], env=env, check=True, capture_output=True)
    port = free_port()
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed with the server)
    errors_path = instance_dir.with_name(f"{instance_dir.name}-serve-{port}.log")  # read by tests/logscan.py
    errors = open(errors_path, "wb")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen([*REGISTRY, "serve", "--bind", f"{HOST}:{port}", *serve_options], env=env,
                              stdout=output, stderr=errors, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        _wait_ready(base, server, errors_path)
        yield base
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
        errors.close()
        if log:
            output.close()


def registry_command(instance_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """`registry ARGS` run on the instance a server serves (as its operator would), output as text."""
    return subprocess.run([*REGISTRY, *args], env=_instance_env(instance_dir), check=True, capture_output=True,
                          text=True)


def _instance_env(instance_dir: Path, env: dict | None = None) -> dict:
    """The environment of a command on the instance's own SQLite database."""
    env = {**os.environ, "REGISTRY_INSTANCE_DIR": str(instance_dir), **(env or {})}
    env.pop("REGISTRY_DATABASE_URL", None)
    return env


def _wait_ready(base: str, server: subprocess.Popen, errors: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"registry serve stopped: {errors.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"registry serve did not answer /healthz in {seconds} s")


@contextmanager
def slow_clients(base: str, count: int, seconds: float):
    """`count` connections that each send a request line and then one header line a second, for at
    most `seconds` (bounded: the loop stops by itself); closed when the block ends."""
    host, port = base.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        connection = socket.create_connection((host, int(port)), timeout=5)
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: slow\r\n")
        sockets.append(connection)
    stop = threading.Event()

    def trickle():
        ends = time.monotonic() + seconds
        while not stop.wait(1) and time.monotonic() < ends:
            for connection in sockets:
                try:
                    connection.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass  # the server gave up on this one: as it should

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(2)  # let the slow requests reach whoever reads them
        yield
    finally:
        stop.set()
        thread.join()
        for connection in sockets:
            connection.close()


def seconds_to_answer(url: str, timeout: float = 60) -> float:
    """How long `url` takes to answer 200 (the timeout, if it never does)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            answer.read()
            assert answer.status == 200
    except OSError:
        return timeout
    return time.perf_counter() - started
