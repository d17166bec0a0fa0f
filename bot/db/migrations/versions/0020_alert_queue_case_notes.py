"""alert queue and cases: alerts.assigned_to_id/assigned_at (assign to a keyworker),
staff.alerts_seen_at (the queue's "new since you last looked"), referrals.deadline_alerted_at
and alerts.reason 'caution_deadline_near' (one alert when a caution deadline is near and a
meeting is not booked), case_notes (keyworkers' notes, text encrypted at rest)

Revision ID: 0020_alert_queue_case_notes
Revises: 0019_directory_uuids
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0020_alert_queue_case_notes"
down_revision = "0019_directory_uuids"
branch_labels = None
depends_on = None

_OLD = (
    "crisis",
    "human_requested",
    "bot_stuck",
    "missed_appointment",
    "undelivered",
    "no_slot_before_deadline",
    "out_of_coverage",
    "distress",
)
_NEW = (*_OLD, "caution_deadline_near")


def _enum(values) -> sa.Enum:
    return sa.Enum(*values, name="alert_reason", native_enum=False, create_constraint=True, length=32)


def _alerts(old, new, add: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.drop_constraint(op.f("ck_alerts_alert_reason"), "alerts", type_="check")
        op.create_check_constraint(op.f("ck_alerts_alert_reason"), "alerts", sa.column("reason").in_(new))
    # SQLite cannot change a CHECK: the table is copied, the column read with its old enum.
    reflect = (sa.Column("reason", _enum(old)),) if sqlite else ()
    with op.batch_alter_table("alerts", reflect_args=reflect) as batch_op:
        if sqlite:
            batch_op.alter_column("reason", existing_type=_enum(old), type_=_enum(new), nullable=False)
        if add:
            batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("assigned_at", bot.db.types.UTCDateTime(timezone=True), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f("fk_alerts_assigned_to_id_staff"), "staff", ["assigned_to_id"], ["id"], ondelete="SET NULL"
            )
            batch_op.create_index(batch_op.f("ix_alerts_assigned_to_id"), ["assigned_to_id"], unique=False)
        else:
            batch_op.drop_index(batch_op.f("ix_alerts_assigned_to_id"))
            batch_op.drop_constraint(batch_op.f("fk_alerts_assigned_to_id_staff"), type_="foreignkey")
            batch_op.drop_column("assigned_at")
            batch_op.drop_column("assigned_to_id")


def upgrade() -> None:
    _alerts(_OLD, _NEW, add=True)
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("alerts_seen_at", bot.db.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("referrals") as batch_op:
        batch_op.add_column(sa.Column("deadline_alerted_at", bot.db.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_case_notes_author_id_staff"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_case_notes_referral_id_referrals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_referral_id"), "case_notes", ["referral_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_notes_referral_id"), table_name="case_notes")
    op.drop_table("case_notes")
    with op.batch_alter_table("referrals") as batch_op:
        batch_op.drop_column("deadline_alerted_at")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_column("alerts_seen_at")
    op.execute("DELETE FROM alerts WHERE reason = 'caution_deadline_near'")
    _alerts(_NEW, _OLD, add=False)
