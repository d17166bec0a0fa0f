"""referrals.police_outcome (what came of her contact with the police) and
handoff_contacts (how a person may safely reach her about a 'talk to a person' alert)

Revision ID: 0018_police_outcome_contact
Revises: 0017_texts_and_numbers
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0018_police_outcome_contact"
down_revision = "0017_texts_and_numbers"
branch_labels = None
depends_on = None

_OUTCOMES = ("cautioned", "no_further_action", "released_under_investigation", "charged")


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        # The CHECK is added by name: an Enum's own constraint is made twice when SQLite copies the table.
        batch.add_column(sa.Column("police_outcome", sa.String(length=32), nullable=True))
        batch.create_check_constraint(op.f("ck_referrals_police_outcome"), sa.column("police_outcome").in_(_OUTCOMES))
    # Referrals already on the police pathway were all cautions.
    op.execute("UPDATE referrals SET police_outcome = 'cautioned' WHERE pathway = 'police_caution'")
    op.create_table(
        "handoff_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("contact_kind", sa.String(length=10), nullable=True),
        sa.Column("safe_times", sa.String(length=120), nullable=True),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_handoff_contacts_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_contacts")),
    )
    op.create_index(op.f("ix_handoff_contacts_alert_id"), "handoff_contacts", ["alert_id"], unique=False)
    op.create_index(op.f("ix_handoff_contacts_conversation_id"), "handoff_contacts", ["conversation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_handoff_contacts_conversation_id"), table_name="handoff_contacts")
    op.drop_index(op.f("ix_handoff_contacts_alert_id"), table_name="handoff_contacts")
    op.drop_table("handoff_contacts")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_constraint(op.f("ck_referrals_police_outcome"), type_="check")
        batch.drop_column("police_outcome")
