"""gunicorn's settings for `registry serve` (`--config python:registry.gunicorn_conf`): its own log
lines masked as the application's are, a worker's metrics marked dead when it exits, and the loaded
application kept out of the garbage collector's passes."""

import gc
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


def post_worker_init(_worker):
    """gunicorn's hook in a worker once it has loaded the application: what loading made lives as long
    as the worker, so the collector's full passes need not walk it again (~235,000 objects, 0.1 s a
    pass, landing in the middle of some request)."""
    gc.freeze()
