"""pending_imports: a listings file kept between its import preview and the admin's confirm

Revision ID: 0021_pending_imports
Revises: 0020_alert_queue_case_notes
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0021_pending_imports"
down_revision = "0020_alert_queue_case_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("staff_session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_pending_imports_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_session_id"],
            ["staff_sessions.id"],
            name=op.f("fk_pending_imports_staff_session_id_staff_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_imports")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_imports_token_hash")),
    )
    op.create_index(op.f("ix_pending_imports_staff_id"), "pending_imports", ["staff_id"], unique=False)
    op.create_index(op.f("ix_pending_imports_staff_session_id"), "pending_imports", ["staff_session_id"], unique=False)
    op.create_index(op.f("ix_pending_imports_expires_at"), "pending_imports", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pending_imports_expires_at"), table_name="pending_imports")
    op.drop_index(op.f("ix_pending_imports_staff_session_id"), table_name="pending_imports")
    op.drop_index(op.f("ix_pending_imports_staff_id"), table_name="pending_imports")
    op.drop_table("pending_imports")
