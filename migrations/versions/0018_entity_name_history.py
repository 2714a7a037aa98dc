"""Entity renames keep their history: the name before and after, the department whose record renamed
the entity, who sent it and when (only the registration authority renames entities now). An import
job keeps the warnings it gave about party names that differ from the registered ones.

Revision ID: 0018_entity_name_history
Revises: 0017_enterprise_workspace
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_entity_name_history"
down_revision = "0017_enterprise_workspace"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entity_name_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("old_name", sa.String(length=200), nullable=False),
        sa.Column("new_name", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name=op.f("fk_entity_name_history_entity_id_entities")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_entity_name_history_department_id_departments")),
        sa.ForeignKeyConstraint(["changed_by"], ["principals.id"],
                                name=op.f("fk_entity_name_history_changed_by_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_name_history")),
    )
    op.create_index(op.f("ix_entity_name_history_entity_id"), "entity_name_history", ["entity_id"])
    with op.batch_alter_table("import_jobs") as table:
        table.add_column(sa.Column("warnings", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_jobs") as table:
        table.drop_column("warnings")
    op.drop_index(op.f("ix_entity_name_history_entity_id"), table_name="entity_name_history")
    op.drop_table("entity_name_history")
