"""Credit Registry: a city's public credit information platform."""

from functools import partial

import orjson
from flask import Flask

REQUEST_MAX_BYTES = 16 * 1024 * 1024


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application; `overrides` replaces settings (tests pass a dict)."""
    from sqlalchemy import event
    from werkzeug.middleware.proxy_fix import ProxyFix

    from . import calendars, forms, headers, logs, monitoring, ops, tasks, workspaces
    from .access import http as access_http
    from .access.views import blp as principals_blp
    from .accounts import http as accounts_http
    from .accounts import sso_pages
    from .accounts.admin_pages import bp as account_admin_bp
    from .accounts.audit_pages import bp as audit_pages_bp
    from .accounts.key_pages import bp as key_pages_bp
    from .accounts.pages import bp as accounts_bp
    from .audit import http as audit_http
    from .audit.views import blp as audit_blp
    from .config import Config
    from .enterprises.views import blp as enterprises_blp
    from .errors import register_error_handlers
    from .extensions import api, db, migrate
    from .feed.views import blp as feed_blp  # open data: change feed and exports
    from .imports.quality_views import blp as quality_blp
    from .imports.views import blp as imports_blp
    from .jsonbody import JSONProvider
    from .notices.views import blp as notices_blp
    from .publicsearch import engines as search_engines
    from .publicsearch.views import blp as search_blp
    from .records.views import blp as records_blp
    from .repairs.objection_views import blp as objections_blp
    from .repairs.pages import bp as repair_pages_bp
    from .repairs.views import blp as repairs_blp
    from .reports import services as reports_services
    from .reports.pages import bp as report_pages_bp
    from .reports.views import blp as reports_blp
    from .reports.views import enterprise_blp as enterprise_reports_blp
    from .runtime import EXTENSION, Runtime
    from .web import caching
    from .web.api_docs import bp as api_docs_bp
    from .web.views import bp as web_bp

    config = Config.from_env(overrides=overrides)
    app = Flask(__name__, instance_path=config.INSTANCE_DIR)
    app.config.update(
        REGISTRY=config,
        SECRET_KEY=config.SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=config.DATABASE_URL,
        # --- partners (issue 24 leftovers): JSON columns read by orjson, not the standard library's
        # decoder, which cost the change feed's pages more than their SQL ---
        # A connection lent by the pool is checked first: PostgreSQL's by a ping (the server may have
        # restarted), SQLite's by a read of its schema (_sqlite_schema_read; a file has no server).
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": not config.is_sqlite, "json_deserializer": orjson.loads},
        JSON_AS_ASCII=False,
        # A request body is read whole before the view runs: cap it (a batch of 1,000 records is
        # about 2 MB). Department files are uploaded to imports, which lift the cap for themselves.
        MAX_CONTENT_LENGTH=REQUEST_MAX_BYTES,
        API_TITLE="Credit Registry API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an API key (registry principals)"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            }},
            "security": [{"bearer": []}, {"apiKey": []}, {}],  # {}: the public endpoints need no key
        },
    )
    if config.TRUSTED_PROXIES:  # the client's address and scheme as the front saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.TRUSTED_PROXIES, x_proto=config.TRUSTED_PROXIES)
    app.json = JSONProvider(app)
    app.json.ensure_ascii = False
    logs.configure(config.LOG_LEVEL, config.LOG_FORMAT)  # operations: masked text or JSON lines
    db.init_app(app)
    if config.is_sqlite:
        with app.app_context():
            event.listen(db.engine, "connect", partial(_sqlite_pragmas, busy_ms=config.SQLITE_BUSY_SECONDS * 1000))
            event.listen(db.engine, "checkout", _sqlite_schema_read)
    migrate.init_app(app, db, directory=_migrations_dir())
    app.extensions[EXTENSION] = runtime = Runtime(settings=config)
    if fixed := config.today_fixed():  # a drill's or test's day, the same in all its processes
        runtime.clock = lambda: fixed
    calendars.init_app(app)
    search_engines.init_app(app, runtime)
    reports_services.init_app(runtime)
    api.init_app(app)
    api.register_blueprint(enterprises_blp)
    api.register_blueprint(records_blp)
    api.register_blueprint(imports_blp)
    api.register_blueprint(search_blp)
    api.register_blueprint(repairs_blp)
    api.register_blueprint(objections_blp)
    api.register_blueprint(notices_blp)
    api.register_blueprint(reports_blp)
    api.register_blueprint(enterprise_reports_blp)
    api.register_blueprint(principals_blp)
    api.register_blueprint(audit_blp)
    api.register_blueprint(quality_blp)
    api.register_blueprint(feed_blp)  # open data: change feed and exports
    app.register_blueprint(report_pages_bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(repair_pages_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(api_docs_bp)  # the API docs page, its assets from swagger-ui-bundle
    app.register_blueprint(accounts_bp)
    app.register_blueprint(account_admin_bp)
    app.register_blueprint(key_pages_bp)
    app.register_blueprint(audit_pages_bp)
    workspaces.init_app(app)
    tasks.init_app(app)  # the task queue (imports, notices, the sweep, webhooks, the drain)
    sso_pages.init_app(app, runtime)  # single sign-on, when REGISTRY_OIDC_* is set
    monitoring.init_app(app)  # operations: request ids, request log lines, /metrics
    headers.init_app(app)
    accounts_http.init_app(app)  # before access: a signed-in person is the viewer of the pages
    forms.init_app(app)
    access_http.init_app(app)
    audit_http.init_app(app)
    caching.init_app(app)  # public answers kept briefly: its hooks last (docs: operators/load.md)
    register_error_handlers(app)
    return app


def _sqlite_pragmas(dbapi_connection, _record, busy_ms: int):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.close()


def _sqlite_schema_read(dbapi_connection, _record, _proxy):
    """Read the schema's table on taking a connection from the pool, so that it knows of another
    process's DDL (an import's bulk load, a reindex, a migration) before its first statement. SQLite
    3.40 otherwise answers a connection's first DELETE on a table whose triggers write an FTS5 index
    with "no such table" (a SELECT would have noticed the change; a `SELECT 1` ping does not)."""
    dbapi_connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").close()


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "migrations")  # a link to ../migrations in a checkout
