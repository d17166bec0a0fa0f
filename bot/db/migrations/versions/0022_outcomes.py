"""outcomes: the outcome instrument (outcome_instruments, outcome_areas: admin data, a SAMPLE
seeded) and her readings (outcome_readings: a date, a stage, who entered it, the scores
per area encrypted at rest)

Revision ID: 0022_outcomes
Revises: 0021_pending_imports
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0022_outcomes"
down_revision = "0021_pending_imports"
branch_labels = None
depends_on = None

_NEEDS = (
    "accommodation",
    "education_training_employment",
    "health",
    "drugs_alcohol",
    "finance_benefit_debt",
    "children_families",
    "attitudes_thinking_behaviour",
    "abuse_domestic_violence",
    "sex_work",
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "outcome_instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("scale_text", sa.Text(), nullable=False),
        sa.Column("sample", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff.id"],
            name=op.f("fk_outcome_instruments_updated_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_instruments")),
    )
    op.create_table(
        "outcome_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("need", _enum("outcome_need", *_NEEDS), nullable=True),
        sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["outcome_instruments.id"],
            name=op.f("fk_outcome_areas_instrument_id_outcome_instruments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_areas")),
        sa.UniqueConstraint("key", name=op.f("uq_outcome_areas_key")),
    )
    op.create_index(op.f("ix_outcome_areas_instrument_id"), "outcome_areas", ["instrument_id"], unique=False)
    op.create_table(
        "outcome_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("woman_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("stage", _enum("reading_stage", "start", "review", "end"), nullable=False),
        sa.Column("source", _enum("reading_source", "keyworker", "her"), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("scores", sa.Text(), nullable=False),  # a Fernet token (bot/db/models/outcomes.py)
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["staff.id"], name=op.f("fk_outcome_readings_entered_by_id_staff"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_outcome_readings_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["woman_id"], ["women.id"], name=op.f("fk_outcome_readings_woman_id_women"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_readings")),
    )
    op.create_index(op.f("ix_outcome_readings_referral_id"), "outcome_readings", ["referral_id"], unique=False)
    op.create_index(op.f("ix_outcome_readings_woman_id"), "outcome_readings", ["woman_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outcome_readings_woman_id"), table_name="outcome_readings")
    op.drop_index(op.f("ix_outcome_readings_referral_id"), table_name="outcome_readings")
    op.drop_table("outcome_readings")
    op.drop_index(op.f("ix_outcome_areas_instrument_id"), table_name="outcome_areas")
    op.drop_table("outcome_areas")
    op.drop_table("outcome_instruments")
