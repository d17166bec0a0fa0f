"""support: her keyworker and a recorded re-arrest on the referral; corrections of a
reading; check-in and closing-survey invitations (support_invitations), survey answers
(survey_responses, encrypted), and groups and activities with their places
(activities, activity_bookings)

Revision ID: 0024_support
Revises: 0023_languages
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0024_support"
down_revision = "0023_languages"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, bot.db.types.UTCDateTime(timezone=True), nullable=nullable)


def _fk(column: str, table: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("keyworker_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rearrested_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("rearrest_recorded_by_id", sa.Integer(), nullable=True))
        batch.create_index(op.f("ix_referrals_keyworker_id"), ["keyworker_id"], unique=False)
        batch.create_foreign_key(
            op.f("fk_referrals_keyworker_id_staff"), "staff", ["keyworker_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            op.f("fk_referrals_rearrest_recorded_by_id_staff"),
            "staff",
            ["rearrest_recorded_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("outcome_readings") as batch:
        batch.add_column(sa.Column("corrected_by_id", sa.Integer(), nullable=True))
        batch.add_column(_when("corrected_at"))
        batch.create_foreign_key(
            op.f("fk_outcome_readings_corrected_by_id_staff"), "staff", ["corrected_by_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "support_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("invitation_kind", "checkin", "survey"), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("woman_id", sa.Integer(), nullable=False),
        sa.Column("stage", _enum("invitation_stage", "start", "review", "end"), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            _enum("invitation_status", "scheduled", "sent", "done", "declined", "cancelled"),
            nullable=False,
        ),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        _when("sent_at"),
        _when("answered_at"),
        sa.Column("reading_id", sa.Integer(), nullable=True),
        _when("created_at", nullable=False),
        _fk("referral_id", "support_invitations", "referrals", "CASCADE"),
        _fk("woman_id", "support_invitations", "women", "CASCADE"),
        _fk("scheduled_by_id", "support_invitations", "staff", "SET NULL"),
        _fk("outbox_message_id", "support_invitations", "outbox_messages", "SET NULL"),
        _fk("reading_id", "support_invitations", "outcome_readings", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_invitations")),
    )
    op.create_index("ix_support_invitations_due", "support_invitations", ["status", "due_on"], unique=False)
    op.create_index(op.f("ix_support_invitations_referral_id"), "support_invitations", ["referral_id"], unique=False)
    op.create_index(op.f("ix_support_invitations_woman_id"), "support_invitations", ["woman_id"], unique=False)
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),  # a Fernet token
        sa.Column("free_text", sa.Text(), nullable=True),
        _when("created_at", nullable=False),
        _fk("referral_id", "survey_responses", "referrals", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    op.create_index(op.f("ix_survey_responses_referral_id"), "survey_responses", ["referral_id"], unique=False)
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _when("starts_at", nullable=False),
        _when("ends_at", nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("booked_count", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.CheckConstraint("places >= 1", name=op.f("ck_activities_places_positive")),
        sa.CheckConstraint("booked_count >= 0 AND booked_count <= places", name=op.f("ck_activities_within_places")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_activities_activity_ends_after_start")),
        _fk("centre_id", "activities", "centres", "RESTRICT"),
        _fk("created_by_id", "activities", "staff", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index("ix_activities_upcoming", "activities", ["active", "starts_at"], unique=False)
    op.create_index(op.f("ix_activities_centre_id"), "activities", ["centre_id"], unique=False)
    op.create_table(
        "activity_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("woman_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("booked_via", sa.String(length=20), nullable=True),
        _when("created_at", nullable=False),
        _when("cancelled_at"),
        _fk("activity_id", "activity_bookings", "activities", "CASCADE"),
        _fk("referral_id", "activity_bookings", "referrals", "CASCADE"),
        _fk("woman_id", "activity_bookings", "women", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_bookings")),
        sa.UniqueConstraint("activity_id", "referral_id", name="one_place_each"),
    )
    for column in ("activity_id", "referral_id", "woman_id"):
        op.create_index(op.f(f"ix_activity_bookings_{column}"), "activity_bookings", [column], unique=False)


def downgrade() -> None:
    for column in ("activity_id", "referral_id", "woman_id"):
        op.drop_index(op.f(f"ix_activity_bookings_{column}"), table_name="activity_bookings")
    op.drop_table("activity_bookings")
    op.drop_index(op.f("ix_activities_centre_id"), table_name="activities")
    op.drop_index("ix_activities_upcoming", table_name="activities")
    op.drop_table("activities")
    op.drop_index(op.f("ix_survey_responses_referral_id"), table_name="survey_responses")
    op.drop_table("survey_responses")
    op.drop_index(op.f("ix_support_invitations_woman_id"), table_name="support_invitations")
    op.drop_index(op.f("ix_support_invitations_referral_id"), table_name="support_invitations")
    op.drop_index("ix_support_invitations_due", table_name="support_invitations")
    op.drop_table("support_invitations")
    with op.batch_alter_table("outcome_readings") as batch:
        batch.drop_constraint(op.f("fk_outcome_readings_corrected_by_id_staff"), type_="foreignkey")
        batch.drop_column("corrected_at")
        batch.drop_column("corrected_by_id")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_constraint(op.f("fk_referrals_rearrest_recorded_by_id_staff"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_referrals_keyworker_id_staff"), type_="foreignkey")
        batch.drop_index(op.f("ix_referrals_keyworker_id"))
        batch.drop_column("rearrest_recorded_by_id")
        batch.drop_column("rearrested_on")
        batch.drop_column("keyworker_id")
