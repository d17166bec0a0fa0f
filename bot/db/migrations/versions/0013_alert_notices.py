"""alerts: which alerts each person was told about, and when they were last told (digests, gap)

Revision ID: 0013_alert_notices
Revises: 0012_outbox_in_doubt
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0013_alert_notices"
down_revision = "0012_outbox_in_doubt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_notices",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("notice_seq", sa.Integer(), nullable=False),
        sa.Column("at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_notices_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_alert_notices_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("staff_id", "alert_id", "kind", name=op.f("pk_alert_notices")),
    )
    with op.batch_alter_table("alert_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_notices_alert_id"), ["alert_id"], unique=False)

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_notice_seq", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("alert_notified_at", bot.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("alert_notified_urgent", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("alert_notified_urgent")
        batch_op.drop_column("alert_notified_at")
        batch_op.drop_column("alert_notice_seq")

    with op.batch_alter_table("alert_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_notices_alert_id"))
    op.drop_table("alert_notices")
