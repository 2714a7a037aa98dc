"""A server's pooled connections keep writing the built-in index after another process changed the
schema: an import's bulk load drops and makes the records' indexes, a reindex makes the search
tables again, a migration alters them."""

import subprocess
import sys

import pytest
from sqlalchemy import delete, func, select

from registry.extensions import db
from registry.uow import unit_of_work
from search.sql_query import docs

pytestmark = pytest.mark.committed  # another process writes the database

INDEX = "ix_records_entity_id_decision_date"
DDL = ("import sys, sqlalchemy as sa\n"
       "engine = sa.create_engine(sys.argv[1])\n"
       f"with engine.begin() as c: c.exec_driver_sql('DROP INDEX {INDEX}')\n"
       f"with engine.begin() as c: c.exec_driver_sql('CREATE INDEX {INDEX} ON records (entity_id, decision_date)')\n")


def test_a_pooled_connection_deletes_documents_after_another_process_changed_the_schema(app):
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(docs))  # a connection that knows the schema, pooled
        db.session.commit()
    subprocess.run([sys.executable, "-c", DDL, app.config["REGISTRY"].DATABASE_URL], check=True)
    with app.app_context(), unit_of_work() as uow:  # its first statement: a delete, as a withdrawal's index write
        assert uow.session.execute(delete(docs).where(docs.c.id == "record-0")).rowcount == 0
