"""A natural person is no market entity: records of 自然人 that carried a credit code (taken in before
intake refused it) are detached from entities, the entities only such records named are removed with
their search documents, and an entity such a record renamed takes back the name its own newest
record gives it.

Revision ID: 0010_natural_person_entities
Revises: 0009_query_log_verifications
Create Date: 2026-12-06
"""

import json

import sqlalchemy as sa
from alembic import op

from registry.domain.names import normalise_name

revision = "0010_natural_person_entities"
down_revision = "0009_query_log_verifications"
branch_labels = None
depends_on = None

PERSON = "party_category = 'natural_person'"


def upgrade():
    connection = op.get_bind()
    named = set(connection.scalars(sa.text(f"SELECT DISTINCT entity_id FROM records WHERE {PERSON} "
                                           "AND entity_id IS NOT NULL")))
    if not named:
        return
    kept = set(connection.scalars(sa.text(f"SELECT DISTINCT entity_id FROM records WHERE NOT ({PERSON}) "
                                          "AND entity_id IS NOT NULL")))
    connection.execute(sa.text(f"UPDATE records SET entity_id = NULL, uscc = NULL WHERE {PERSON}"))
    gone = sorted(named - kept)
    for entity_id in gone:
        uscc = connection.scalar(sa.text("SELECT uscc FROM entities WHERE id = :id"), {"id": entity_id})
        _drop_search_document(connection, f"entity-{uscc}")
        connection.execute(sa.text("DELETE FROM entities WHERE id = :id"), {"id": entity_id})
    for entity_id in sorted(named & kept):
        _rename_from_own_records(connection, entity_id)


def _drop_search_document(connection, doc_id: str) -> None:
    """The built-in engine's copy; an external engine's goes with `registry reindex` (README)."""
    seq = connection.scalar(sa.text("SELECT seq FROM search_documents WHERE id = :id"), {"id": doc_id})
    if seq is not None:
        connection.execute(sa.text("DELETE FROM search_document_texts WHERE seq = :seq"), {"seq": seq})
        connection.execute(sa.text("DELETE FROM search_documents WHERE seq = :seq"), {"seq": seq})


def _rename_from_own_records(connection, entity_id: int) -> None:
    newest = connection.execute(sa.text(
        "SELECT party_name, decision_date FROM records WHERE entity_id = :id "
        "ORDER BY decision_date DESC, id DESC LIMIT 1"), {"id": entity_id}).one()
    name, former = connection.execute(sa.text("SELECT name, former_names FROM entities WHERE id = :id"),
                                      {"id": entity_id}).one()
    if name == newest.party_name:
        return
    former = json.loads(former) if isinstance(former, str) else (former or [])
    former = [f for f in former if f != newest.party_name]
    connection.execute(sa.text(
        "UPDATE entities SET name = :name, name_normalised = :normalised, name_as_of = :as_of, "
        "former_names = :former, version = version + 1 WHERE id = :id"),
        {"name": newest.party_name, "normalised": normalise_name(newest.party_name), "as_of": newest.decision_date,
         "former": json.dumps(former, ensure_ascii=False), "id": entity_id})
    connection.execute(sa.text("INSERT INTO search_outbox (kind, ref, created_at) "
                               "VALUES ('entity', :id, CURRENT_TIMESTAMP)"), {"id": entity_id})


def downgrade():
    pass  # what was detached named no real entity: nothing to put back
