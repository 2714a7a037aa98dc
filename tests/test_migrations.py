"""The schema comes from the migrations alone: models agree with them, and they round-trip."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from registry.extensions import db
from search.sql_models import include_object


def _differences(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    assert _differences(app) == []


def test_columns_compare_as_the_models_say(app):
    """Alembic's comparison leaves collations out: codes compare byte by byte on PostgreSQL."""
    with app.app_context():
        dialect = db.engine.dialect
        declared = {(table.name, column.name): getattr(column.type.dialect_impl(dialect), "collation", None)
                    for table in db.metadata.sorted_tables for column in table.columns}
        inspector = inspect(db.engine)
        migrated = {(table, column["name"]): getattr(column["type"], "collation", None)
                    for table in {t for t, _ in declared} for column in inspector.get_columns(table)}
    assert migrated == declared
    if dialect.name == "postgresql":
        assert migrated[("records", "decision_no")] == migrated[("entities", "uscc")] == "C"


def test_downgrade_to_nothing_and_upgrade_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"records", "entities", "departments", "principals"} <= set(inspect(db.engine).get_table_names())
    assert _differences(app) == []
