"""The search engine of this deployment, and keeping it in step with the database."""

from flask import Flask

from search.drain import drain
from search.engine import SearchEngine

from ..config import Config
from ..extensions import db
from ..runtime import Runtime, runtime, settings, today


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
    return drain(db.session, configured_engine(), settings().PUBLISH_NATURAL_PERSONS, limit, today=today())


def _sync_changes(uow) -> None:
    if uow.noted_changes:
        sync_search()
