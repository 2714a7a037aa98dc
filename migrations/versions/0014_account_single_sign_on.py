"""Single sign-on: an account may be a person of the identity provider, found by the subject of their
ID token (issuer + "|" + sub), unique, and none for the accounts that sign in with a password.

Revision ID: 0014_account_single_sign_on
Revises: 0013_audit_trail
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_account_single_sign_on"
down_revision = "0013_audit_trail"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("accounts") as table:
        table.add_column(sa.Column("oidc_subject", sa.String(length=512), nullable=True))
        table.create_unique_constraint(op.f("uq_accounts_oidc_subject"), ["oidc_subject"])


def downgrade():
    with op.batch_alter_table("accounts") as table:
        table.drop_constraint(op.f("uq_accounts_oidc_subject"), type_="unique")
        table.drop_column("oidc_subject")
