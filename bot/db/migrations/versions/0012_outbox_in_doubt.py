"""outbox: remember a send that timed out at the provider (check before resending)

Revision ID: 0012_outbox_in_doubt
Revises: 0011_encryption
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0012_outbox_in_doubt"
down_revision = "0011_encryption"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_doubt_since", bot.db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("in_doubt_since")
