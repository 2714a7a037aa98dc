"""Test isolation: the tables emptied after each test, children first."""

import importlib
import pkgutil

from sqlalchemy import text

import registry
from registry.bootstrap import initialise
from registry.extensions import db


def _import_every_model() -> None:
    """Every module that declares tables, so that the metadata lists them all, whatever a test imported."""
    models = [module.name for module in pkgutil.walk_packages(registry.__path__, "registry.")
              if module.name.endswith(".models")]
    for name in [*models, "search.sql_models"]:
        importlib.import_module(name)


_import_every_model()
# Children first, so that no row is deleted before the rows that refer to it.
TABLES = tuple(table.name for table in reversed(db.metadata.sorted_tables))


def empty_database(app) -> None:
    """Empty every table, then reload the reference data."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
            else:
                for table in TABLES:
                    connection.execute(text(f"DELETE FROM {table}"))
        initialise()
