"""The department workspace lists a department's records newest decision first, page by page: an index
on (department, decision date, id) answers each page from the index instead of sorting the department's
records (200,000 for a large one) every time.

Revision ID: 0020_department_records_index
Revises: 0019_rate_limit_counters
Create Date: 2026-12-06
"""

from alembic import op

revision = "0020_department_records_index"
down_revision = "0019_rate_limit_counters"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_records_department_id_decision_date_id", "records", ["department_id", "decision_date", "id"])


def downgrade():
    op.drop_index("ix_records_department_id_decision_date_id", table_name="records")
