"""A bank's reports in bulk: a batch (its file of credit codes, its progress) and its items (each
line's code and outcome), and the indexes a bank's own pages read by: the authorisations granted to
it, and the reports it requested (query log by principal).

Revision ID: 0021_report_batches
Revises: 0020_department_records_index
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_report_batches"
down_revision = "0020_department_records_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_uscc", sa.String(length=18), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["principal_id"], ["principals.id"],
                                name=op.f("fk_report_batches_principal_id_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_batches")),
    )
    op.create_index("ix_report_batches_bank_uscc_id", "report_batches", ["bank_uscc", "id"])
    op.create_table(
        "report_batch_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("typed", sa.String(length=64), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("report_number", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("domains_found", sa.Text(), nullable=True),
        sa.Column("message_zh", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["report_batches.id"],
                                name=op.f("fk_report_batch_items_batch_id_report_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_batch_items")),
    )
    op.create_index("ix_report_batch_items_batch_id_line", "report_batch_items", ["batch_id", "line"])
    op.create_index("ix_bank_authorisations_bank_uscc", "bank_authorisations", ["bank_uscc"])
    op.create_index("ix_query_log_principal_id_id", "query_log", ["principal_id", "id"])


def downgrade():
    op.drop_index("ix_query_log_principal_id_id", table_name="query_log")
    op.drop_index("ix_bank_authorisations_bank_uscc", table_name="bank_authorisations")
    op.drop_index("ix_report_batch_items_batch_id_line", table_name="report_batch_items")
    op.drop_table("report_batch_items")
    op.drop_index("ix_report_batches_bank_uscc_id", table_name="report_batches")
    op.drop_table("report_batches")
