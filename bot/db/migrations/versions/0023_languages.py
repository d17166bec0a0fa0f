"""languages: her language on her record and on the conversation (women.language,
conversations.language; none means English), staff corrections of a catalogue text
(wording_corrections), and the knowledge answers in each language
(knowledge_translations: the seed's, then admins' edits)

Revision ID: 0023_languages
Revises: 0022_outcomes
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0023_languages"
down_revision = "0022_outcomes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("women") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
    op.create_table(
        "wording_corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("button_titles", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="SET NULL")),
        sa.Column("saved_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("language", "key", name="one_correction_per_text"),
        sa.CheckConstraint("length(text) BETWEEN 1 AND 1000", name="correction_length"),
    )
    op.create_table(
        "knowledge_translations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("knowledge_answers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("next_titles", sa.JSON(), nullable=False),
        sa.Column("written_by", sa.String(120)),
        sa.Column("checked_by", sa.String(120)),
        sa.Column("saved_by_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="SET NULL")),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("answer_id", "language", name="one_translation_per_language"),
        sa.CheckConstraint("length(answer) BETWEEN 1 AND 640", name="translation_length"),
    )


def downgrade() -> None:
    op.drop_table("knowledge_translations")
    op.drop_table("wording_corrections")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("women") as batch:
        batch.drop_column("language")
