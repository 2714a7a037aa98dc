"""Test isolation: each test's writes rolled back, or the tables emptied after a test that must commit."""

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy.session import Session
from sqlalchemy import Connection, text

import registry
from registry.bootstrap import initialise
from registry.extensions import db


def _import_every_model() -> None:
    """Every module that declares tables, so that the metadata lists them all, whatever a test imported."""
    models = [module.name for module in pkgutil.walk_packages(registry.__path__, "registry.")
              if module.name.endswith(".models")]
    for name in [*models, "registry.ratelimit", "search.sql_models"]:  # the rate limits' counters too
        importlib.import_module(name)


_import_every_model()
# Children first, so that no row is deleted before the rows that refer to it.
TABLES = tuple(table.name for table in reversed(db.metadata.sorted_tables))


def empty_database(app) -> None:
    """Empty every table, then reload the reference data: after a test whose writes were committed."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
            else:
                for table in TABLES:
                    connection.execute(text(f"DELETE FROM {table}"))
        initialise()


class _ConnectionSession(Session):
    """Flask-SQLAlchemy's session picks the app's engine for every statement, whatever it is bound to;
    this one runs everything on the connection it is bound to."""

    def get_bind(self, *args, **kwargs) -> Connection:
        if self._db.engine is not self.bind.engine:
            raise RuntimeError("another app used the database in a rolled-back test: mark the test committed")
        return self.bind


@contextmanager
def rolled_back(app) -> Iterator[None]:
    """Run a test inside one transaction on one connection, rolled back at its end (warehouse's pattern).

    Every `db.session` the app makes during the test (each test-client request pushes an app context
    of its own, and so a session of its own) comes from a scoped session put in place of Flask-
    SQLAlchemy's for the test: `db._make_scoped_session`, scoped to the app context as the extension's
    own, with a session class that runs on the test's connection (Flask-SQLAlchemy's ignores a
    session's `bind`) and `join_transaction_mode="create_savepoint"`, so that each session works in a
    savepoint of the outer transaction and the code's own commit() and rollback() only release or roll
    back that savepoint.

    Only what uses `db.session` is inside: a connection of the code's own (db.engine.connect(), a
    worker process, another app, a server thread) sees none of the test's writes, and on SQLite waits
    for the test's write lock. Such a test is marked committed (tests/conftest.py).
    """
    with app.app_context():
        connection = db.engine.connect()
    transaction = _begin(connection)
    app_session, db.session = db.session, db._make_scoped_session(
        {"class_": _ConnectionSession, "bind": connection, "join_transaction_mode": "create_savepoint"})
    try:
        yield
    finally:
        db.session = app_session
        transaction.rollback()
        _end(connection)


def _begin(connection: Connection):
    """The outer transaction. pysqlite, left to itself, opens a transaction only before a data change
    and never before a SAVEPOINT: the first session's SAVEPOINT would open one of its own, and its
    RELEASE commit it for good. So on SQLite the driver opens none, and BEGIN is sent here."""
    if connection.dialect.name != "sqlite":
        return connection.begin()
    connection.connection.driver_connection.isolation_level = None
    transaction = connection.begin()
    connection.exec_driver_sql("BEGIN")
    return transaction


def _end(connection: Connection) -> None:
    """Back to the pool as it came out of it (pysqlite's default: it opens transactions itself)."""
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.isolation_level = ""
    connection.close()
