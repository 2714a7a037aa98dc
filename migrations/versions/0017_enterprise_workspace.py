"""The enterprise workspace: which notices an enterprise has read, and the files attached to an
objection (its clock is counted from the filing day when shown, so it needs no column).

Revision ID: 0017_enterprise_workspace
Revises: 0016_import_limits
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_enterprise_workspace"
down_revision = "0016_import_limits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("notice_reads",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("read_by", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_notice_reads_notice_id_notices")),
        sa.ForeignKeyConstraint(["read_by"], ["principals.id"], name=op.f("fk_notice_reads_read_by_principals")),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_notice_reads")),
    )
    op.create_table("objection_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["objection_id"], ["objections.id"],
                                name=op.f("fk_objection_attachments_objection_id_objections")),
        sa.ForeignKeyConstraint(["uploaded_by"], ["principals.id"],
                                name=op.f("fk_objection_attachments_uploaded_by_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection_attachments")),
    )
    op.create_index(op.f("ix_objection_attachments_objection_id"), "objection_attachments", ["objection_id"])


def downgrade():
    op.drop_index(op.f("ix_objection_attachments_objection_id"), table_name="objection_attachments")
    op.drop_table("objection_attachments")
    op.drop_table("notice_reads")
