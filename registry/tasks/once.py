"""Run once in effect: a task's lock (one holder at a time, released when its process dies) and the
daily runs' record (a day's run that finished is not run again, whoever offers it next)."""

import hashlib
import time
from collections.abc import Callable
from datetime import date

from ..db import utcnow
from ..extensions import db
from ..locks import ProcessLock
from ..runtime import settings
from ..uow import unit_of_work
from .models import TaskRun

LOCK_POLL_SECONDS = 0.2


def exclusive(task: str) -> ProcessLock:
    """The lock of `task`: one worker of the deployment runs it at a time."""
    key = int.from_bytes(hashlib.sha256(f"credit-registry task {task}".encode()).digest()[:8], "big", signed=True)
    return ProcessLock(key, f"task-{task}.lock", settings().INSTANCE_DIR)


def once_a_day(task: str, day: date, work: Callable[[date], dict]) -> dict | None:
    """work(day) unless the day's run of `task` has finished or is under way elsewhere (then None).
    A run killed midway leaves no record, so the next offer runs it again: the work must be idempotent."""
    with exclusive(task) as held:
        if not held or db.session.get(TaskRun, (task, day.isoformat())) is not None:
            db.session.rollback()
            return None
        result = work(day)
        with unit_of_work() as uow:
            uow.session.add(TaskRun(task=task, slot=day.isoformat(), finished_at=utcnow(), result=result))
        return result


def while_held(task: str, work: Callable[[], object], wait: float = 0.0):
    """work() if no other worker is running `task` now or within `wait` seconds, else None."""
    lock, deadline = exclusive(task), time.monotonic() + wait
    while not lock.acquire():
        if time.monotonic() >= deadline:
            return None
        time.sleep(LOCK_POLL_SECONDS)
    try:
        return work()
    finally:
        lock.release()
