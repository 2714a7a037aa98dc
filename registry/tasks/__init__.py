"""Everything that is not a request runs here, as a task on the queue (docs: operators/jobs.md)."""

from flask import Flask

from .queue import enqueue, queue_of

__all__ = ["enqueue", "init_app", "queue_of"]


def init_app(app: Flask) -> None:
    from .jobs import SCHEDULED, TASKS
    from .queue import build
    from .schedule import SCHEDULE

    build(app, TASKS, SCHEDULE, SCHEDULED)
