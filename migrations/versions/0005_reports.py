"""Special credit reports, bank authorisations and the query log.

Revision ID: 0005_reports
Revises: 0004_search_outbox
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_reports"
down_revision = "0004_search_outbox"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "credit_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("verification_code", sa.String(length=16), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope_key", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["requested_by"], ["principals.id"],
                                name=op.f("fk_credit_reports_requested_by_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_reports")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_reports_number")),
        sa.UniqueConstraint("uscc", "issued_on", "scope_key", name=op.f("uq_credit_reports_uscc_issued_on_scope_key")),
    )
    op.create_index(op.f("ix_credit_reports_uscc"), "credit_reports", ["uscc"])
    op.create_table(
        "bank_authorisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("bank_uscc", sa.String(length=18), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["granted_by"], ["principals.id"],
                                name=op.f("fk_bank_authorisations_granted_by_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_authorisations")),
    )
    op.create_index("ix_bank_authorisations_uscc_bank_uscc", "bank_authorisations", ["uscc", "bank_uscc"])
    op.create_table(
        "query_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("report_number", sa.String(length=32), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["principal_id"], ["principals.id"], name=op.f("fk_query_log_principal_id_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_query_log")),
    )
    op.create_index("ix_query_log_uscc_id", "query_log", ["uscc", "id"])


def downgrade():
    op.drop_index("ix_query_log_uscc_id", table_name="query_log")
    op.drop_table("query_log")
    op.drop_index("ix_bank_authorisations_uscc_bank_uscc", table_name="bank_authorisations")
    op.drop_table("bank_authorisations")
    op.drop_index(op.f("ix_credit_reports_uscc"), table_name="credit_reports")
    op.drop_table("credit_reports")
