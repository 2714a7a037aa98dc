"""Operations endpoints: liveness and readiness (database, search engine, task queue, outbox lag);
metrics: registry.monitoring."""

from functools import lru_cache

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import inspect, text

from search.connection import SearchUnavailable, server_info

from .extensions import db
from .outbox import lag_seconds
from .runtime import settings
from .tasks.queue import queue_of

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    checks = {}
    try:
        checks["database"] = _schema_state()
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    search_url = settings().SEARCH_URL
    if search_url == "builtin":
        checks["search"] = "ok"  # the built-in engine is the database itself
    else:
        try:
            info = server_info(search_url)
            checks["search"] = "ok"
            checks["search_engine"] = f"{info.distribution} {info.version}"
        except SearchUnavailable as exc:
            checks["search"] = f"error: {exc}"
    checks["queue"] = _queue_state()
    ready = all(checks[name] == "ok" for name in ("database", "search", "queue")) and _outbox_in_bound(checks)
    return {"status": "ready" if ready else "not_ready", "checks": checks}, 200 if ready else 503


def _queue_state() -> str:
    """ok when the task queue's storage answers (Redis, or the embedded queue's SQLite file)."""
    try:
        queue_of().huey.pending_count()
    except Exception as exc:  # readiness reports, it does not raise
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _outbox_in_bound(checks: dict) -> bool:
    """Whether the search engine is behind the database by less than REGISTRY_READY_OUTBOX_LAG_SECONDS
    (always, when that is 0); the lag is reported either way once the database answers."""
    if checks["database"] != "ok":
        return False
    checks["outbox_lag_seconds"] = round(lag_seconds(db.session), 1)
    bound = settings().READY_OUTBOX_LAG_SECONDS
    return not bound or checks["outbox_lag_seconds"] <= bound


def _schema_state() -> str:
    """ok once the schema is the one this code's migrations end with (`registry init` makes it so)."""
    current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() \
        if inspect(db.engine).has_table("alembic_version") else None
    head = _last_migration(current_app.extensions["migrate"].directory)
    return "ok" if current == head else f"error: schema at {current or 'nothing'}, code needs {head}; run registry init"


@lru_cache(maxsize=1)
def _last_migration(directory: str) -> str:
    """Read once: the migration scripts do not change while the code runs."""
    return ScriptDirectory(directory).get_current_head()

