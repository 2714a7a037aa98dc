"""`registry worker`: threads that run the queue's tasks, and the schedule (docs: operators/jobs.md)."""

import logging
import os
import signal
import threading
import time

import click

from ..clitools import build_app
from ..config import ConfigError
from .queue import consumer


@click.command("worker", help="Run the queue's tasks (imports, notices, the sweep, webhooks, the search drain). "
                              "Start any number, on any machine, against the same Redis and PostgreSQL.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Tasks run at once (threads) [default: REGISTRY_QUEUE_WORKERS].")
@click.option("--schedule/--no-schedule", default=True, show_default=True,
              help="Offer the scheduled tasks too; each runs once in effect however many workers offer it.")
@click.option("--parent", type=int, default=None, hidden=True, help="Stop when this process ends (serve's own).")
def worker(workers, schedule, parent):
    try:
        app = build_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    config = app.config["REGISTRY"]
    logging.basicConfig(level=config.LOG_LEVEL.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if parent:
        threading.Thread(target=_stop_with, args=(parent,), daemon=True, name="parent-watch").start()
    consumer(app, workers or config.QUEUE_WORKERS, schedule).run()


def _stop_with(parent: int) -> None:
    """Once `parent` has ended (this process is handed to another), stop after the running tasks."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGINT)
