"""The task queue: Huey on a SQLite file (the embedded default) or on Redis (scale-out), its tasks
registered per application so that each runs in that application's context.

Huey takes a task off the queue before running it, so a worker killed mid-task loses that message:
the work itself is not lost, because every task's state lives in the database (an import job stays
queued or running) and the schedule re-offers what was not finished (`imports_recover`, the daily
tasks' hourly offers). Tasks are idempotent, so a task offered twice has its effect once.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app
from huey import Huey
from huey.consumer import Consumer, Scheduler
from huey.storage import RedisStorage, SqliteStorage

from ..audit.services import carrying, current_request_id
from ..config import Config
from ..metrics import count_task

EXTENSION = "registry.queue"
STARTED_BY = "request_id"  # the keyword a task is enqueued with: the request that started it
log = logging.getLogger(__name__)


class RegistryHuey(Huey):
    """Huey whose schedule reads `clock` (drills and tests start it at another moment), with the
    scheduled work its scheduler runs itself (`Entry.by_scheduler`): (entry, work) pairs."""

    def __init__(self, *args, clock: Callable[[], datetime], **kwargs):
        super().__init__(*args, **kwargs)
        self.clock = clock
        self.by_scheduler: list[tuple] = []

    def read_periodic(self, timestamp):
        return super().read_periodic(self.clock())


@dataclass
class Queue:
    huey: Huey
    tasks: dict = field(default_factory=dict)  # name -> Huey task wrapper (calling it enqueues)

    @property
    def embedded(self) -> bool:
        return isinstance(self.huey.storage, SqliteStorage)


def build(app: Flask, tasks: dict[str, tuple[Callable, dict]], schedule, scheduled: dict[str, Callable]) -> Queue:
    """The application's queue with `tasks` (name -> (function, Huey task options)) and the
    `schedule`'s entries, each calling scheduled[entry.task](now)."""
    config = app.config["REGISTRY"]
    huey = _huey(config)
    queue = Queue(huey)
    for name, (function, options) in tasks.items():
        queue.tasks[name] = huey.task(name=name, **options)(_in_context(app, function, name, logging.INFO))
    external_search = config.SEARCH_URL != "builtin"
    for entry in schedule:
        if entry.external_search_only and not external_search:
            continue
        # The schedule offers its tasks every minute or hour: their runs are logged only when debugging.
        work = _in_context(app, _at_now(huey, scheduled[entry.task]), f"schedule.{entry.task}", logging.DEBUG)
        if entry.by_scheduler:
            huey.by_scheduler.append((entry, work))
        else:
            huey.periodic_task(entry.due, name=f"schedule.{entry.task}", retries=2, retry_delay=60)(work)
    app.extensions[EXTENSION] = queue
    return queue


def _huey(config: Config) -> RegistryHuey:
    clock = _clock(config.QUEUE_CLOCK_START)
    if config.QUEUE_URL:
        return RegistryHuey(config.QUEUE_NAME, results=False, utc=True, clock=clock, storage_class=RedisStorage,
                            url=config.QUEUE_URL)
    return RegistryHuey(config.QUEUE_NAME, results=False, utc=True, clock=clock, storage_class=SqliteStorage,
                        filename=str(Path(config.INSTANCE_DIR) / "queue.sqlite3"))


def _clock(start: str) -> Callable[[], datetime]:
    if not start:
        return lambda: datetime.now(UTC)
    offset = datetime.fromisoformat(start).astimezone(UTC) - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


def _at_now(huey: RegistryHuey, function: Callable) -> Callable:
    def scheduled():
        return function(huey.clock())

    scheduled.__name__ = function.__name__
    return scheduled


def _in_context(app: Flask, function: Callable, name: str, done_level: int) -> Callable:
    """The task's function run in an application context, carrying the id of the request that started
    it into its log lines and audit entries; each run counted by name and outcome (/metrics) and logged
    (a failure as a warning, a success at `done_level`)."""
    def in_context(*args, **kwargs):
        with app.app_context(), carrying(kwargs.pop(STARTED_BY, None)):
            started = time.monotonic()
            try:
                result = function(*args, **kwargs)
            except BaseException:
                count_task(name, ok=False)
                log.warning("task %s failed after %.1f s", name, time.monotonic() - started, extra={"task": name})
                raise
            count_task(name, ok=True)
            log.log(done_level, "task %s done in %.1f s", name, time.monotonic() - started, extra={"task": name})
            return result

    in_context.__name__ = function.__name__
    return in_context


def queue_of(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions[EXTENSION]


def enqueue(name: str, *args) -> None:
    """Put the task `name` on the current application's queue, marked with the request that started it."""
    started_by = current_request_id()
    queue_of().tasks[name](*args, **({STARTED_BY: started_by} if started_by else {}))


def waiting(name: str) -> set[tuple]:
    """The arguments of the tasks `name` waiting on the current application's queue."""
    return {task.args for task in queue_of().huey.pending() if task.name == name}


class RegistryScheduler(Scheduler):
    """Huey's scheduler, which also runs the scheduled work that no task thread may hold up, each time
    it offers the queue's scheduled tasks (every minute)."""

    def enqueue_periodic_tasks(self, now):
        super().enqueue_periodic_tasks(now)
        moment = self.huey.clock()
        for entry, work in self.huey.by_scheduler:
            if entry.due(moment):
                try:
                    work()
                except Exception:  # the schedule goes on; the next minute offers it again
                    log.exception("scheduled %s failed", entry.task)


class RegistryConsumer(Consumer):
    scheduler_class = RegistryScheduler


class QuietConsumer(RegistryConsumer):
    """A consumer that leaves signals to its host: `registry serve`'s worker and the tests run one."""

    def _set_signal_handlers(self):
        pass


def consumer(app: Flask, workers: int, periodic: bool, *, quiet: bool = False) -> Consumer:
    """Threads working the application's queue; `periodic` runs the schedule too. Idle workers poll
    the SQLite queue every second at most (Redis answers them at once)."""
    kind = QuietConsumer if quiet else RegistryConsumer
    return kind(queue_of(app).huey, workers=workers, periodic=periodic, worker_type="thread", max_delay=1.0,
                check_worker_health=True)
