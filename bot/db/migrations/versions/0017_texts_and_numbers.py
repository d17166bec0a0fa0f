"""women: texts_may_name_service (her separate consent to texts naming the service)
and shared_number_cleared_at (a keyworker cleared a number on more than one record)

Revision ID: 0017_texts_and_numbers
Revises: 0016_knowledge_answers
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0017_texts_and_numbers"
down_revision = "0016_knowledge_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("women") as batch:
        # Existing women chose nothing yet: discreet (false) until they say otherwise.
        batch.add_column(sa.Column("texts_may_name_service", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("shared_number_cleared_at", bot.db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("women") as batch:
        batch.drop_column("shared_number_cleared_at")
        batch.drop_column("texts_may_name_service")
