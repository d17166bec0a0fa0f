"""directory: a stored UUID on every directory row (Open Referral UK 3.0 ids)

Revision ID: 0019_directory_uuids
Revises: 0018_police_outcome_contact
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0019_directory_uuids"
down_revision = "0018_police_outcome_contact"
branch_labels = None
depends_on = None

TABLES = (
    "dir_organisations",
    "dir_services",
    "dir_locations",
    "dir_service_at_locations",
    "dir_phones",
    "dir_schedules",
    "dir_holiday_schedules",
    "dir_service_categories",
)


def upgrade() -> None:
    conn = op.get_bind()
    for table in TABLES:
        # Added nullable, filled row by row (random UUIDs: they only need to be
        # unique and then never change), then made required and unique.
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
        t = sa.table(table, sa.column("id", sa.Integer), sa.column("uuid", sa.String))
        ids = [row[0] for row in conn.execute(sa.select(t.c.id).where(t.c.uuid.is_(None)))]
        for row_id in ids:
            conn.execute(t.update().where(t.c.id == row_id).values(uuid=str(uuid.uuid4())))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("uuid", existing_type=sa.String(length=36), nullable=False)
            batch.create_unique_constraint(op.f(f"uq_{table}_uuid"), ["uuid"])


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"uq_{table}_uuid"), type_="unique")
            batch.drop_column("uuid")
