"""The reviewers' queue: an index of the open cases' states and deadlines, so that sorting 10,000 open
applications by their nearest deadline reads the index alone, not every application's row.

Revision ID: 0015_review_queue_index
Revises: 0014_account_single_sign_on
Create Date: 2026-12-06
"""

from alembic import op

revision = "0015_review_queue_index"
down_revision = "0014_account_single_sign_on"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_repair_applications_queue", "repair_applications",
                    ["state", "result_due", "department_due", "materials_due", "id"])


def downgrade():
    op.drop_index("ix_repair_applications_queue", table_name="repair_applications")
