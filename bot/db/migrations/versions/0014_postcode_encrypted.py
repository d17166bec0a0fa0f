"""referrals.postcode encrypted at rest (bot/db/crypto.py); outcode and borough stay in clear

Revision ID: 0014_postcode_encrypted
Revises: 0013_alert_notices

Existing postcodes are encrypted in place with the keys in the environment
(ELPIS_DATA_KEYS), so run it with the production keys set.
"""

import sqlalchemy as sa
from alembic import op

from bot.db.crypto import decrypt, encrypt

revision = "0014_postcode_encrypted"
down_revision = "0013_alert_notices"
branch_labels = None
depends_on = None


def _convert(fn) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, postcode FROM referrals WHERE postcode IS NOT NULL")).all()
    for row_id, value in rows:
        conn.execute(sa.text("UPDATE referrals SET postcode = :v WHERE id = :id"), {"v": fn(value), "id": row_id})


def upgrade() -> None:
    # A Fernet token is longer than VARCHAR(8).
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.alter_column("postcode", existing_type=sa.String(length=8), type_=sa.Text(), existing_nullable=True)
    _convert(encrypt)


def downgrade() -> None:
    _convert(decrypt)
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.alter_column("postcode", existing_type=sa.Text(), type_=sa.String(length=8), existing_nullable=True)
