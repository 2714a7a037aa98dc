"""The department workspace lists a department's records newest decision first, page by page: an index
on (department, decision date, id) answers each page from the index instead of sorting the department's
records (200,000 for a large one) every time.

Revision ID: 0015_ws_department
Revises: 0014_account_single_sign_on
Create Date: 2026-12-06
"""

from alembic import op

revision = "0015_ws_department"
down_revision = "0014_account_single_sign_on"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_records_department_id_decision_date_id", "records", ["department_id", "decision_date", "id"])


def downgrade():
    op.drop_index("ix_records_department_id_decision_date_id", table_name="records")
