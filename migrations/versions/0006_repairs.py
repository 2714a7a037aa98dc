"""Credit repair: applications, materials, transition log, objections; notices, webhooks, deliveries.

Revision ID: 0006_repairs
Revises: 0005_reports
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_repairs"
down_revision = "0005_reports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=18), nullable=False),
        sa.Column("dedup_key", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_notices_dedup_key"))
    )
    op.create_index("ix_notices_recipient_kind_recipient", "notices", ["recipient_kind", "recipient"])
    op.create_table("webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=18), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
        sa.UniqueConstraint("recipient_kind", "recipient", name=op.f("uq_webhooks_recipient_kind_recipient"))
    )
    op.create_table("webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_webhook_deliveries_notice_id_notices")),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"], name=op.f("fk_webhook_deliveries_webhook_id_webhooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("webhook_id", "notice_id", name=op.f("uq_webhook_deliveries_webhook_id_notice_id"))
    )
    op.create_index(op.f("ix_webhook_deliveries_state"), "webhook_deliveries", ["state"])

    op.create_table("notice_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_notice_records_notice_id_notices")),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_notice_records_record_id_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_records")),
        sa.UniqueConstraint("kind", "record_id", name=op.f("uq_notice_records_kind_record_id"))
    )
    op.create_index(op.f("ix_notice_records_notice_id"), "notice_records", ["notice_id"])

    op.create_table("objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("open_record_id", sa.Integer(), nullable=True),
        sa.Column("applicant_uscc", sa.String(length=18), nullable=False),
        sa.Column("filed_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["filed_by"], ["principals.id"], name=op.f("fk_objections_filed_by_principals")),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_objections_record_id_records")),
        sa.ForeignKeyConstraint(["resolved_by"], ["principals.id"], name=op.f("fk_objections_resolved_by_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
        sa.UniqueConstraint("open_record_id", name=op.f("uq_objections_open_record_id"))
    )
    op.create_index(op.f("ix_objections_applicant_uscc"), "objections", ["applicant_uscc"])
    op.create_index(op.f("ix_objections_record_id"), "objections", ["record_id"])

    op.create_table("repair_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("query_code_hash", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("open_record_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("applicant_uscc", sa.String(length=18), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=True),
        sa.Column("filed_by", sa.Integer(), nullable=False),
        sa.Column("filed_by_role", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("commitment_text", sa.Text(), nullable=False),
        sa.Column("commitment_sha256", sa.String(length=64), nullable=False),
        sa.Column("commitment_signed_by", sa.Integer(), nullable=False),
        sa.Column("commitment_signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("result_due", sa.Date(), nullable=False),
        sa.Column("result_due_provisional", sa.Boolean(), nullable=False),
        sa.Column("forwarded_on", sa.Date(), nullable=True),
        sa.Column("department_due", sa.Date(), nullable=True),
        sa.Column("department_due_provisional", sa.Boolean(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("materials_due", sa.Date(), nullable=True),
        sa.Column("materials_due_provisional", sa.Boolean(), nullable=False),
        sa.Column("missing_materials", sa.JSON(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("record_status_before", sa.String(length=20), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("lockout_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["commitment_signed_by"], ["principals.id"], name=op.f("fk_repair_applications_commitment_signed_by_principals")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name=op.f("fk_repair_applications_department_id_departments")),
        sa.ForeignKeyConstraint(["filed_by"], ["principals.id"], name=op.f("fk_repair_applications_filed_by_principals")),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_repair_applications_record_id_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_repair_applications_number")),
        sa.UniqueConstraint("open_record_id", name=op.f("uq_repair_applications_open_record_id"))
    )
    op.create_index(op.f("ix_repair_applications_applicant_uscc"), "repair_applications", ["applicant_uscc"])
    op.create_index(op.f("ix_repair_applications_department_id"), "repair_applications", ["department_id"])
    op.create_index(op.f("ix_repair_applications_record_id"), "repair_applications", ["record_id"])
    op.create_index(op.f("ix_repair_applications_state"), "repair_applications", ["state"])

    op.create_table("repair_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["repair_applications.id"], name=op.f("fk_repair_materials_application_id_repair_applications")),
        sa.ForeignKeyConstraint(["uploaded_by"], ["principals.id"], name=op.f("fk_repair_materials_uploaded_by_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_materials"))
    )
    op.create_index(op.f("ix_repair_materials_application_id"), "repair_materials", ["application_id"])

    op.create_table("repair_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["principals.id"], name=op.f("fk_repair_transitions_actor_id_principals")),
        sa.ForeignKeyConstraint(["application_id"], ["repair_applications.id"], name=op.f("fk_repair_transitions_application_id_repair_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_transitions"))
    )
    op.create_index(op.f("ix_repair_transitions_application_id"), "repair_transitions", ["application_id"])


def downgrade():
    op.drop_table("repair_transitions")
    op.drop_table("repair_materials")
    op.drop_table("repair_applications")
    op.drop_table("objections")
    op.drop_table("notice_records")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("notices")
