"""knowledge base: the answers admins keep (knowledge_answers) and every saved wording
(knowledge_answer_versions)

Revision ID: 0016_knowledge_answers
Revises: 0015_alert_reason_distress
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0016_knowledge_answers"
down_revision = "0015_alert_reason_distress"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("next", sa.JSON(), nullable=False),
        sa.Column(
            "police",
            sa.Enum(
                "none",
                "caution",
                "self",
                "both",
                name="knowledge_police",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_checked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_checked_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(answer) BETWEEN 1 AND 320", name=op.f("ck_knowledge_answers_answer_length")),
        sa.ForeignKeyConstraint(
            ["last_checked_by_id"],
            ["staff.id"],
            name=op.f("fk_knowledge_answers_last_checked_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_answers")),
        sa.UniqueConstraint("topic_id", name=op.f("uq_knowledge_answers_topic_id")),
    )
    op.create_table(
        "knowledge_answer_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("next", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["knowledge_answers.id"],
            name=op.f("fk_knowledge_answer_versions_answer_id_knowledge_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["staff.id"],
            name=op.f("fk_knowledge_answer_versions_saved_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_answer_versions")),
        sa.UniqueConstraint("answer_id", "version", name="one_row_per_version"),
    )


def downgrade() -> None:
    op.drop_table("knowledge_answer_versions")
    op.drop_table("knowledge_answers")
