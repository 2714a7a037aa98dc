"""The audit trail: who did what to which object and when, one row per action, each chained to the
row before it by a SHA-256 hash so that an edited, deleted or inserted row is found by a walk of it.

Revision ID: 0013_audit_trail
Revises: 0012_key_lifecycle
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_audit_trail"
down_revision = "0012_key_lifecycle"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_entries_prev_hash")),
    )
    op.create_index(op.f("ix_audit_entries_at"), "audit_entries", ["at"])
    op.create_index("ix_audit_entries_principal_id_id", "audit_entries", ["principal_id", "id"])
    op.create_index("ix_audit_entries_action_id", "audit_entries", ["action", "id"])
    op.create_index("ix_audit_entries_object_type_object_id_id", "audit_entries", ["object_type", "object_id", "id"])


def downgrade():
    op.drop_index("ix_audit_entries_object_type_object_id_id", table_name="audit_entries")
    op.drop_index("ix_audit_entries_action_id", table_name="audit_entries")
    op.drop_index("ix_audit_entries_principal_id_id", table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_at"), table_name="audit_entries")
    op.drop_table("audit_entries")
