"""Real `registry worker` processes on the test database and on a Redis queue of the test's own."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from redis import Redis

from tests.services import redis_url

REGISTRY = [sys.executable, "-m", "registry.cli"]


@pytest.fixture
def redis():
    return redis_url()


@pytest.fixture
def workers(app, redis, tmp_path):
    """start(*options, clock=None) runs a worker (its log in tmp_path), killed with its children at the end.
    `clock` starts the schedule's clock at that moment (REGISTRY_QUEUE_CLOCK_START)."""
    config = app.config["REGISTRY"]
    name = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "REGISTRY_DATABASE_URL": config.DATABASE_URL, "REGISTRY_INSTANCE_DIR": config.INSTANCE_DIR,
           "REGISTRY_QUEUE_URL": redis, "REGISTRY_QUEUE_NAME": name}
    started = []

    def start(*options, clock=None):
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115 (closed with the worker)
        process = subprocess.Popen([*REGISTRY, "worker", *options], stdout=log, stderr=subprocess.STDOUT,
                                   env={**env, **({"REGISTRY_QUEUE_CLOCK_START": clock} if clock else {})},
                                   start_new_session=True)
        started.append((process, log))
        return process

    start.env = env
    yield start
    for process, log in started:
        kill_group(process)
        log.close()
    client = Redis.from_url(redis)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)


def kill_group(process: subprocess.Popen) -> None:
    """kill -9 the worker and what it started (an import's reading processes)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(30)


def wait_for(check, seconds=60, every=0.2):
    """check()'s first true value, polled; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(every)
    raise AssertionError(f"not so after {seconds} s: {check.__doc__ or check}")
