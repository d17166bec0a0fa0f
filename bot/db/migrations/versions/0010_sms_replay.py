"""sms replay: index for finding half-handled messages; joins the branches

Revision ID: 0010_sms_replay
Revises: 0002_appointments, 0003_directory, 0004_sms, 0005_staff, 0009_privacy
"""

from alembic import op

revision = "0010_sms_replay"
# One head again: the areas were built in parallel, each branching off the foundation.
down_revision = ("0002_appointments", "0003_directory", "0004_sms", "0005_staff", "0009_privacy")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sms_inbound_status_received", "sms_inbound", ["status", "received_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sms_inbound_status_received", table_name="sms_inbound")
