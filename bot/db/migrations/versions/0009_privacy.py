"""privacy: tracker erasure queue

Revision ID: 0009_privacy
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0009_privacy"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracker_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("requested_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=250), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracker_erasures")),
        sa.UniqueConstraint("sender_id", name=op.f("uq_tracker_erasures_sender_id")),
    )


def downgrade() -> None:
    op.drop_table("tracker_erasures")
