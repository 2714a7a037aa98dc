"""Import speed: drop the indexes of records and entities that no query uses.

No query filters records by status or by domain alone (a domain or a status always comes with a
USCC, an entity or a publicity date, and the sweep uses publicity_end), nor entities by folded
name or district (name searches go to the search engine's own tables); a bulk import paid for
all four on every record and entity it wrote.

Revision ID: 0007_import_speed
Revises: 0007_search_name_prefix
Create Date: 2026-11-27
"""

from alembic import op

revision = "0007_import_speed"
down_revision = "0007_search_name_prefix"  # main gained its own 0007 meanwhile: one chain
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index(op.f("ix_records_status"), table_name="records")
    op.drop_index(op.f("ix_records_domain_key"), table_name="records")
    op.drop_index(op.f("ix_entities_name_normalised"), table_name="entities")
    op.drop_index(op.f("ix_entities_district_code"), table_name="entities")


def downgrade():
    op.create_index(op.f("ix_entities_district_code"), "entities", ["district_code"], unique=False)
    op.create_index(op.f("ix_entities_name_normalised"), "entities", ["name_normalised"], unique=False)
    op.create_index(op.f("ix_records_domain_key"), "records", ["domain_key"], unique=False)
    op.create_index(op.f("ix_records_status"), "records", ["status"], unique=False)
