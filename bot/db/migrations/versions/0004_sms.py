"""sms channel: inbound, opt-outs, options, delivery events

Revision ID: 0004_sms
Revises: 0001_foundation
Create Date: 2026-11-23 07:09:16.913265
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0004_sms"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_inbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("from_number", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("num_media", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_inbound")),
        sa.UniqueConstraint("message_sid", name=op.f("uq_sms_inbound_message_sid")),
    )
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.create_index("ix_sms_inbound_from_received", ["from_number", "received_at"], unique=False)

    op.create_table(
        "sms_opt_outs",
        sa.Column("phone_e164", sa.String(length=16), nullable=False),
        sa.Column("keyword", sa.String(length=16), nullable=False),
        sa.Column("opted_out_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opted_in_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("phone_e164", name=op.f("pk_sms_opt_outs")),
    )
    op.create_table(
        "sms_option_sets",
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("offered_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_sms_option_sets")),
    )
    op.create_table(
        "sms_delivery_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_code", sa.String(length=10), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("received_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_messages.id"],
            name=op.f("fk_sms_delivery_events_outbox_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_delivery_events")),
        sa.UniqueConstraint("message_sid", "status", name="uq_sms_delivery_events_sid_status"),
    )
    with op.batch_alter_table("sms_delivery_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_delivery_events_message_sid"), ["message_sid"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_delivery_events_outbox_id"), ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_delivery_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_delivery_events_outbox_id"))
        batch_op.drop_index(batch_op.f("ix_sms_delivery_events_message_sid"))

    op.drop_table("sms_delivery_events")
    op.drop_table("sms_option_sets")
    op.drop_table("sms_opt_outs")
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_inbound_from_received")

    op.drop_table("sms_inbound")
