"""Alembic environment: the application's engine and metadata; on PostgreSQL one run at a time, with timeouts."""

from alembic import context
from flask import current_app
from sqlalchemy import text

# Also puts the search tables on the metadata; include_object leaves out what only migrations create
# (the FTS5 table on SQLite, trigram indexes on PostgreSQL).
from registry.db import wait_for_schema_changes
from search.sql_models import include_object

db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                _serialise(connection)
            context.run_migrations()


def _serialise(connection) -> None:
    """Wait for any other migration run, then set this one's timeouts."""
    # Two `registry init` at once would both find the schema behind and run the same migrations, the
    # slower failing half-way. The lock is the transaction's: the second run waits here until the
    # first commits (or dies), then reads the schema at head. It comes before the lock timeout,
    # which would also cut that wait short.
    wait_for_schema_changes(connection)
    # Never queue behind a long transaction holding a lock for minutes on a live system.
    connection.execute(text("SET lock_timeout = '10s'"))
    connection.execute(text("SET statement_timeout = '15min'"))


def run_migrations_offline() -> None:
    context.configure(
        url=str(db.engine.url), target_metadata=target_metadata, literal_binds=True, include_object=include_object
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
