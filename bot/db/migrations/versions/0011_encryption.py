"""encryption at rest: phone numbers, message texts and notes (bot/db/crypto.py)

Revision ID: 0011_encryption
Revises: 0010_sms_replay

Existing values are encrypted in place with the keys in the environment
(ELPIS_DATA_KEYS, ELPIS_LOOKUP_KEY), so run it with the production keys set.
"""

import sqlalchemy as sa
from alembic import op

from bot.db.crypto import decrypt, encrypt, phone_lookup

revision = "0011_encryption"
down_revision = "0010_sms_replay"
branch_labels = None
depends_on = None

# (table, column) stored as Fernet tokens from now on.
ENCRYPTED = [
    ("women", "phone_e164"),
    ("staff", "phone_e164"),
    ("alerts", "resolution_note"),
    ("sms_inbound", "body"),
    ("outbox_messages", "body"),
]


def _convert(table: str, column: str, fn, lookup: bool = False) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')).all()
    for row_id, value in rows:
        values = {"v": fn(value), "id": row_id}
        sets = f'"{column}" = :v'
        if lookup:
            sets += ", phone_lookup = :h"
            values["h"] = phone_lookup(value if fn is encrypt else values["v"])
        conn.execute(sa.text(f'UPDATE "{table}" SET {sets} WHERE id = :id'), values)


def upgrade() -> None:
    with op.batch_alter_table("women", schema=None) as batch_op:
        batch_op.drop_index("ix_women_phone_e164")
        batch_op.alter_column("phone_e164", existing_type=sa.String(length=16), type_=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column("phone_lookup", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_women_phone_lookup"), ["phone_lookup"], unique=False)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.alter_column("phone_e164", existing_type=sa.String(length=16), type_=sa.Text(), existing_nullable=True)
    for table, column in ENCRYPTED:
        _convert(table, column, encrypt, lookup=(table == "women"))


def downgrade() -> None:
    for table, column in ENCRYPTED:
        _convert(table, column, decrypt)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.alter_column("phone_e164", existing_type=sa.Text(), type_=sa.String(length=16), existing_nullable=True)
    with op.batch_alter_table("women", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_women_phone_lookup"))
        batch_op.drop_column("phone_lookup")
        batch_op.alter_column("phone_e164", existing_type=sa.Text(), type_=sa.String(length=16), existing_nullable=True)
        batch_op.create_index("ix_women_phone_e164", ["phone_e164"], unique=False)
