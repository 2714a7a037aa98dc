"""The open-data change feed: its event log (in commit order), the retention horizon, subscribers
with their delivery log; notice webhooks gain a secret to sign their deliveries.

Revision ID: 0027_feed
Revises: 0026_queue
Create Date: 2026-12-06
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0027_feed"
down_revision = "0026_queue"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("record_kind", sa.String(20), nullable=True),
        sa.Column("domain_key", sa.String(50), nullable=True),
        sa.Column("district", sa.String(12), nullable=True),
        sa.Column("natural_person", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_events")),
    )
    op.create_index(op.f("ix_feed_events_at"), "feed_events", ["at"])
    op.create_table(
        "feed_horizon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purged_through", sa.BigInteger(), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_horizon")),
    )
    op.create_table(
        "feed_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["principal_id"], ["principals.id"],
                                name=op.f("fk_feed_subscribers_principal_id_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_subscribers")),
    )
    op.create_index(op.f("ix_feed_subscribers_principal_id"), "feed_subscribers", ["principal_id"])
    op.create_table(
        "feed_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("first_event", sa.BigInteger(), nullable=False),
        sa.Column("last_event", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subscriber_id"], ["feed_subscribers.id"],
                                name=op.f("fk_feed_deliveries_subscriber_id_feed_subscribers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_deliveries")),
    )
    op.create_index(op.f("ix_feed_deliveries_subscriber_id"), "feed_deliveries", ["subscriber_id"])
    with op.batch_alter_table("webhooks") as table:
        table.add_column(sa.Column("secret", sa.String(100), nullable=True))
    # Each existing notice webhook gets a secret of its own (its recipient reads it from the API).
    connection = op.get_bind()
    for (hook_id,) in connection.execute(sa.text("SELECT id FROM webhooks")).all():
        connection.execute(sa.text("UPDATE webhooks SET secret = :secret WHERE id = :id"),
                           {"secret": "whsec_" + secrets.token_urlsafe(32), "id": hook_id})


def downgrade():
    with op.batch_alter_table("webhooks") as table:
        table.drop_column("secret")
    op.drop_index(op.f("ix_feed_deliveries_subscriber_id"), table_name="feed_deliveries")
    op.drop_table("feed_deliveries")
    op.drop_index(op.f("ix_feed_subscribers_principal_id"), table_name="feed_subscribers")
    op.drop_table("feed_subscribers")
    op.drop_table("feed_horizon")
    op.drop_index(op.f("ix_feed_events_at"), table_name="feed_events")
    op.drop_table("feed_events")
