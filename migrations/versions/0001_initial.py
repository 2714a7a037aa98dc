"""Initial schema: reference data, entities, records with history, principals.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "districts",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_districts")),
    )
    op.create_table(
        "domains",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("special_sector", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_domains")),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_normalised", sa.String(length=200), nullable=False),
        sa.Column("former_names", sa.JSON(), nullable=False),
        sa.Column("name_as_of", sa.Date(), nullable=True),
        sa.Column("party_category", sa.String(length=30), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("legal_rep", sa.String(length=100), nullable=True),
        sa.Column("legal_rep_id_type", sa.String(length=50), nullable=True),
        sa.Column("legal_rep_id_no", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("uscc", name=op.f("uq_entities_uscc")),
    )
    op.create_index(op.f("ix_entities_district_code"), "entities", ["district_code"], unique=False)
    op.create_index(op.f("ix_entities_name_normalised"), "entities", ["name_normalised"], unique=False)
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("domain_key", sa.String(length=40), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("severity_overrides", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_code"], ["districts.code"], name=op.f("fk_departments_district_code_districts")
        ),
        sa.ForeignKeyConstraint(
            ["domain_key"], ["domains.key"], name=op.f("fk_departments_domain_key_domains")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("code", name=op.f("uq_departments_code")),
        sa.UniqueConstraint("uscc", name=op.f("uq_departments_uscc")),
    )
    op.create_table(
        "principals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("district_code", sa.String(length=6), nullable=True),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_principals_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principals")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_principals_key_hash")),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("domain_key", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("party_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column("party_category", sa.String(length=30), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("business_reg_no", sa.String(length=50), nullable=True),
        sa.Column("org_code", sa.String(length=50), nullable=True),
        sa.Column("tax_reg_no", sa.String(length=50), nullable=True),
        sa.Column("institution_cert_no", sa.String(length=50), nullable=True),
        sa.Column("social_org_reg_no", sa.String(length=50), nullable=True),
        sa.Column("legal_rep", sa.String(length=100), nullable=True),
        sa.Column("legal_rep_id_type", sa.String(length=50), nullable=True),
        sa.Column("legal_rep_id_no", sa.String(length=64), nullable=True),
        sa.Column("id_type", sa.String(length=50), nullable=True),
        sa.Column("id_no", sa.String(length=64), nullable=True),
        sa.Column("decision_no", sa.String(length=128), nullable=False),
        sa.Column("decision_title", sa.String(length=200), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("authority_uscc", sa.String(length=18), nullable=False),
        sa.Column("source_unit", sa.String(length=200), nullable=False),
        sa.Column("source_unit_uscc", sa.String(length=18), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("violation_type", sa.String(length=500), nullable=True),
        sa.Column("facts", sa.Text(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("penalty_types", sa.JSON(), nullable=True),
        sa.Column("penalty_content", sa.Text(), nullable=True),
        sa.Column("fine_amount", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("confiscated_amount", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("license_affected", sa.String(length=500), nullable=True),
        sa.Column("penalty_valid_until", sa.Date(), nullable=True),
        sa.Column("publicity_until_sent", sa.Date(), nullable=True),
        sa.Column("severity_sent", sa.String(length=10), nullable=True),
        sa.Column("license_category", sa.String(length=10), nullable=True),
        sa.Column("certificate_name", sa.String(length=200), nullable=True),
        sa.Column("license_no", sa.String(length=128), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("license_status", sa.String(length=50), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("rule_set", sa.String(length=20), nullable=True),
        sa.Column("publicity_start", sa.Date(), nullable=True),
        sa.Column("repairable_from", sa.Date(), nullable=True),
        sa.Column("publicity_end", sa.Date(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_records_department_id_departments")
        ),
        sa.ForeignKeyConstraint(["domain_key"], ["domains.key"], name=op.f("fk_records_domain_key_domains")),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name=op.f("fk_records_entity_id_entities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint(
            "department_id",
            "decision_no",
            "party_key",
            name=op.f("uq_records_department_id_decision_no_party_key"),
        ),
    )
    op.create_index(op.f("ix_records_domain_key"), "records", ["domain_key"], unique=False)
    op.create_index(
        "ix_records_entity_id_decision_date", "records", ["entity_id", "decision_date"], unique=False
    )
    op.create_index(op.f("ix_records_publicity_end"), "records", ["publicity_end"], unique=False)
    op.create_index(op.f("ix_records_status"), "records", ["status"], unique=False)
    op.create_table(
        "record_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["principals.id"], name=op.f("fk_record_versions_changed_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_record_versions_record_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_versions")),
        sa.UniqueConstraint("record_id", "version", name=op.f("uq_record_versions_record_id_version")),
    )
    op.create_index(op.f("ix_record_versions_record_id"), "record_versions", ["record_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_record_versions_record_id"), table_name="record_versions")
    op.drop_table("record_versions")
    op.drop_index(op.f("ix_records_status"), table_name="records")
    op.drop_index(op.f("ix_records_publicity_end"), table_name="records")
    op.drop_index("ix_records_entity_id_decision_date", table_name="records")
    op.drop_index(op.f("ix_records_domain_key"), table_name="records")
    op.drop_table("records")
    op.drop_table("principals")
    op.drop_table("departments")
    op.drop_index(op.f("ix_entities_name_normalised"), table_name="entities")
    op.drop_index(op.f("ix_entities_district_code"), table_name="entities")
    op.drop_table("entities")
    op.drop_table("domains")
    op.drop_table("districts")
