"""Alembic environment: the application's engine and metadata, with lock and statement timeouts."""

from alembic import context
from flask import current_app
from sqlalchemy import text

# Also puts the search tables on the metadata; include_object leaves out what only migrations create
# (the FTS5 table on SQLite, trigram indexes on PostgreSQL).
from search.sql_models import include_object

db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Never queue behind a long transaction holding a lock for minutes on a live system.
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text("SET statement_timeout = '15min'"))
            connection.commit()  # end the implicit transaction so the migration's own one commits
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


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
