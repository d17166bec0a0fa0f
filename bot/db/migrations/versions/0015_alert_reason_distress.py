"""alerts.reason: 'distress' (graded triage: distress without danger now, non-urgent)

Revision ID: 0015_alert_reason_distress
Revises: 0014_postcode_encrypted
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_alert_reason_distress"
down_revision = "0014_postcode_encrypted"
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
)
_NEW = (*_OLD, "distress")


def _enum(values) -> sa.Enum:
    return sa.Enum(*values, name="alert_reason", native_enum=False, create_constraint=True, length=32)


def _allow(old, new) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot change a CHECK: the table is copied, the column read with its old enum.
        with op.batch_alter_table("alerts", reflect_args=(sa.Column("reason", _enum(old)),)) as batch_op:
            batch_op.alter_column("reason", existing_type=_enum(old), type_=_enum(new), nullable=False)
        return
    op.drop_constraint(op.f("ck_alerts_alert_reason"), "alerts", type_="check")
    op.create_check_constraint(op.f("ck_alerts_alert_reason"), "alerts", sa.column("reason").in_(new))


def upgrade() -> None:
    _allow(_OLD, _NEW)


def downgrade() -> None:
    op.execute("DELETE FROM alerts WHERE reason = 'distress'")
    _allow(_NEW, _OLD)
