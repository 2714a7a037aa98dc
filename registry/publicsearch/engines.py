"""The search engine of this deployment, and keeping it in step with the database."""

from flask import Flask

from search.drain import drain
from search.engine import SearchEngine, SearchUnavailable

from .. import metrics
from ..config import Config
from ..extensions import db
from ..runtime import Runtime, runtime, settings, today
from ..stages import StageTimes
from .pace import DrainPace


def init_app(app: Flask, runtime: Runtime) -> None:
    """Make the engine REGISTRY_SEARCH_URL names. The built-in engine lives in the database, so the
    embedded default syncs after every unit of work that changed something: done means searchable.
    An external engine is fed by `registry search drain` (run it as a worker), so a slow or absent
    engine never slows a write."""
    runtime.search_engine = make_engine(runtime.settings)
    if runtime.settings.SEARCH_URL == "builtin":
        runtime.after_commit.append(("search_sync", _sync_changes))


def make_engine(config: Config) -> SearchEngine:
    if config.SEARCH_URL == "builtin":
        from search.sql import BuiltinEngine

        return BuiltinEngine(db)
    from search.elastic import ExternalEngine

    return ExternalEngine(config.SEARCH_URL, prefix=config.SEARCH_INDEX_PREFIX)


def configured_engine() -> SearchEngine:
    """The engine of the current application."""
    return runtime().search_engine


def sync_search(limit: int | None = None) -> int:
    """Send pending changes to the engine; how many outbox rows were handled."""
    try:
        return drain(db.session, configured_engine(), settings().PUBLISH_NATURAL_PERSONS, limit, today=today())
    except SearchUnavailable:
        metrics.count_search_error("drain")
        raise


def builtin_engine():
    """The built-in engine (search.sql.BuiltinEngine) when it serves this deployment, else None."""
    return configured_engine() if settings().SEARCH_URL == "builtin" else None


def index_in_bulk(stages=None) -> None:
    """On the built-in engine, index in bulk what the outbox names, in the current transaction (where
    the engine has a bulk path): those changes are searchable when it commits, a crash loses or keeps
    both together, and the sync after the commit finds nothing left to do."""
    if engine := builtin_engine():
        with (stages or StageTimes()).timing("search_index"):
            engine.index_pending(settings().PUBLISH_NATURAL_PERSONS, today())


def import_pace(bind) -> DrainPace | None:
    """What keeps an import within REGISTRY_IMPORT_MAX_SEARCH_LAG_SECONDS of an external engine; None
    when unbounded, or on the built-in engine (an import indexes its own changes in bulk)."""
    config = settings()
    return DrainPace(bind, config.IMPORT_MAX_SEARCH_LAG_SECONDS) if config.import_paced else None


def _sync_changes(uow) -> None:
    if uow.noted_changes:
        sync_search()
