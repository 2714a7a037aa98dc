"""gunicorn's settings for `registry serve` (`--config python:registry.gunicorn_conf`): its own log
lines masked as the application's are, and a worker's metrics marked dead when it exits."""

import os

from gunicorn.glogging import Logger
from prometheus_client import multiprocess

from registry.logs import JsonLines, protect


class MaskedLogger(Logger):
    """gunicorn's error and access logs, through the same masking filter as the application's log, and
    as JSON lines when the application's are (`registry serve` checked REGISTRY_LOG_FORMAT)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                protect(handler)
                if os.environ.get("REGISTRY_LOG_FORMAT") == "json":
                    handler.setFormatter(JsonLines())


logger_class = "registry.gunicorn_conf.MaskedLogger"


def child_exit(_server, worker):
    """gunicorn's hook in the master: the worker's live gauges no longer count (its counters still do)."""
    multiprocess.mark_process_dead(worker.pid)
