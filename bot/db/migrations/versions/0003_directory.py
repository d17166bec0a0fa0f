"""directory: organisations, services, locations, schedules, categories

Revision ID: 0003_directory
Revises: 0001_foundation
Create Date: 2026-11-23 07:02:36.127788
"""

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0003_directory"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dir_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=True),
        sa.Column("address", sa.String(length=250), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("borough", sa.String(length=60), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("transport", sa.Text(), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_locations")),
    )
    with op.batch_alter_table("dir_locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dir_locations_borough"), ["borough"], unique=False)
        batch_op.create_index(batch_op.f("ix_dir_locations_postcode"), ["postcode"], unique=False)

    op.create_table(
        "dir_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=250), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_dir_organisations_name")),
    )
    op.create_table(
        "dir_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=250), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("women_only", sa.Boolean(), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=True),
        sa.Column("closed_on_bank_holidays", sa.Boolean(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("last_checked", sa.Date(), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('active', 'inactive')", name=op.f("ck_dir_services_status_known")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["dir_organisations.id"],
            name=op.f("fk_dir_services_organisation_id_dir_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_services")),
        sa.UniqueConstraint("external_id", name=op.f("uq_dir_services_external_id")),
    )
    with op.batch_alter_table("dir_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dir_services_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dir_services_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "dir_holiday_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("description", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "closed OR (opens_at IS NOT NULL AND closes_at IS NOT NULL)",
            name=op.f("ck_dir_holiday_schedules_hours_when_open"),
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_dir_holiday_schedules_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["dir_services.id"],
            name=op.f("fk_dir_holiday_schedules_service_id_dir_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_holiday_schedules")),
    )
    with op.batch_alter_table("dir_holiday_schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dir_holiday_schedules_service_id"), ["service_id"], unique=False)

    op.create_table(
        "dir_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("display", sa.String(length=24), nullable=True),
        sa.Column("description", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["dir_services.id"], name=op.f("fk_dir_phones_service_id_dir_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_phones")),
    )
    with op.batch_alter_table("dir_phones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dir_phones_service_id"), ["service_id"], unique=False)

    op.create_table(
        "dir_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name=op.f("ck_dir_schedules_iso_weekday")),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["dir_locations.id"],
            name=op.f("fk_dir_schedules_location_id_dir_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["dir_services.id"],
            name=op.f("fk_dir_schedules_service_id_dir_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_schedules")),
    )
    with op.batch_alter_table("dir_schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dir_schedules_location_id"), ["location_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dir_schedules_service_id"), ["service_id"], unique=False)

    op.create_table(
        "dir_service_at_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["dir_locations.id"],
            name=op.f("fk_dir_service_at_locations_location_id_dir_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["dir_services.id"],
            name=op.f("fk_dir_service_at_locations_service_id_dir_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_service_at_locations")),
        sa.UniqueConstraint("service_id", "location_id", name="one_row_per_site"),
    )
    with op.batch_alter_table("dir_service_at_locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dir_service_at_locations_location_id"), ["location_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dir_service_at_locations_service_id"), ["service_id"], unique=False)

    op.create_table(
        "dir_service_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["dir_services.id"],
            name=op.f("fk_dir_service_categories_service_id_dir_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dir_service_categories")),
        sa.UniqueConstraint("service_id", "category", name="one_row_per_category"),
    )
    with op.batch_alter_table("dir_service_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dir_service_categories_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_dir_service_categories_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dir_service_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dir_service_categories_service_id"))
        batch_op.drop_index(batch_op.f("ix_dir_service_categories_category"))

    op.drop_table("dir_service_categories")
    with op.batch_alter_table("dir_service_at_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dir_service_at_locations_service_id"))
        batch_op.drop_index(batch_op.f("ix_dir_service_at_locations_location_id"))

    op.drop_table("dir_service_at_locations")
    with op.batch_alter_table("dir_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dir_schedules_service_id"))
        batch_op.drop_index(batch_op.f("ix_dir_schedules_location_id"))

    op.drop_table("dir_schedules")
    with op.batch_alter_table("dir_phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dir_phones_service_id"))

    op.drop_table("dir_phones")
    with op.batch_alter_table("dir_holiday_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dir_holiday_schedules_service_id"))

    op.drop_table("dir_holiday_schedules")
    with op.batch_alter_table("dir_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dir_services_updated_at"))
        batch_op.drop_index(batch_op.f("ix_dir_services_organisation_id"))

    op.drop_table("dir_services")
    op.drop_table("dir_organisations")
    with op.batch_alter_table("dir_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dir_locations_postcode"))
        batch_op.drop_index(batch_op.f("ix_dir_locations_borough"))

    op.drop_table("dir_locations")
