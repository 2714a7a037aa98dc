"""The search engine of this deployment, and keeping it in step with the database."""

from flask import current_app

from search.drain import drain
from search.engine import SearchEngine

from ..extensions import db


def configured_engine() -> SearchEngine:
    """The engine REGISTRY_SEARCH_URL names, one per application."""
    engines = current_app.extensions.setdefault("registry_search_engines", {})
    url = current_app.config["REGISTRY"].SEARCH_URL
    if url not in engines:
        engines[url] = builtin_engine() if url == "builtin" else _external(url)
    return engines[url]


def builtin_engine() -> SearchEngine:
    from search.sql import BuiltinEngine

    return BuiltinEngine(db)


def _external(url: str) -> SearchEngine:
    from search.elastic import ExternalEngine

    return ExternalEngine(url, prefix=current_app.config["REGISTRY"].SEARCH_INDEX_PREFIX)


def sync_search(limit: int | None = None) -> int:
    """Send pending changes to the engine. The built-in engine lives in the database, so the
    embedded default syncs right after each commit; an external engine is fed by `registry search
    drain` (run it as a worker), so a slow or absent engine never slows a write."""
    return drain(db.session, configured_engine(), current_app.config["REGISTRY"].PUBLISH_NATURAL_PERSONS, limit)


def sync_if_builtin() -> None:
    if current_app.config["REGISTRY"].SEARCH_URL == "builtin":
        sync_search()
