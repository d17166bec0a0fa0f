"""The service directory, shaped like Open Referral UK (see bot/directory/README.md).

organisation -> service -> service_at_location <- location, with phones,
regular schedules (one row per weekday and opening), holiday schedules
(exceptions such as a closed week or special hours) and categories from the
needs taxonomy (bot/directory/taxonomy.py). Tables are prefixed `dir_` so they
never collide with the service's own tables (e.g. `centres`).
"""
from __future__ import annotations

import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


def new_uuid() -> str:
    return str(uuid.uuid4())


def uuid_column() -> Column:
    # Open Referral UK 3.0 wants a UUID for every object, the same in every
    # export: stored, not derived from our integer ids (which differ per database).
    return Column(String(36), nullable=False, unique=True, default=new_uuid)


class DirOrganisation(Base):
    __tablename__ = "dir_organisations"

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    name = Column(String(160), nullable=False, unique=True)
    description = Column(Text)
    url = Column(String(250))
    email = Column(String(254))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    services = relationship("DirService", back_populates="organisation")


class DirService(Base):
    __tablename__ = "dir_services"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'inactive')", name="status_known"),
    )

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    # Stable id for import/export round trips (ORUK `id`); unique when present.
    external_id = Column(String(64), unique=True)
    organisation_id = Column(
        Integer, ForeignKey("dir_organisations.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name = Column(String(160), nullable=False)
    description = Column(Text)
    url = Column(String(250))
    email = Column(String(254))
    status = Column(String(10), nullable=False, default="active")
    women_only = Column(Boolean, nullable=False, default=False)
    # National helplines have no location and are offered anywhere.
    national = Column(Boolean, nullable=False, default=False)
    eligibility = Column(Text)
    # England and Wales bank holidays: closed unless the service says otherwise.
    closed_on_bank_holidays = Column(Boolean, nullable=False, default=True)
    # SAMPLE listings are made up for development; the bot says so in dev mode.
    is_sample = Column(Boolean, nullable=False, default=False)
    last_checked = Column(Date)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Touched by every directory edit (children too): the action server's cache key.
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow, index=True)

    organisation = relationship("DirOrganisation", back_populates="services")
    sites = relationship("DirServiceAtLocation", cascade="all, delete-orphan", back_populates="service")
    phones = relationship("DirPhone", cascade="all, delete-orphan", order_by="DirPhone.id")
    schedules = relationship("DirSchedule", cascade="all, delete-orphan", order_by="DirSchedule.id")
    holidays = relationship("DirHolidaySchedule", cascade="all, delete-orphan", order_by="DirHolidaySchedule.id")
    categories = relationship("DirServiceCategory", cascade="all, delete-orphan")


class DirLocation(Base):
    __tablename__ = "dir_locations"

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    name = Column(String(160))
    address = Column(String(250))
    postcode = Column(String(8), index=True)
    borough = Column(String(60), index=True)
    latitude = Column(Float)
    longitude = Column(Float)
    # "How to get there": nearest stations and buses, step-free access.
    transport = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class DirServiceAtLocation(Base):
    __tablename__ = "dir_service_at_locations"
    __table_args__ = (UniqueConstraint("service_id", "location_id", name="one_row_per_site"),)

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    service_id = Column(Integer, ForeignKey("dir_services.id", ondelete="CASCADE"), nullable=False, index=True)
    location_id = Column(Integer, ForeignKey("dir_locations.id", ondelete="CASCADE"), nullable=False, index=True)

    service = relationship("DirService", back_populates="sites")
    location = relationship("DirLocation", lazy="joined")


class DirPhone(Base):
    __tablename__ = "dir_phones"

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    service_id = Column(Integer, ForeignKey("dir_services.id", ondelete="CASCADE"), nullable=False, index=True)
    # E.164 ("+442079460101"), or a UK short number as dialled ("116123").
    number = Column(String(16), nullable=False)
    # As the organisation writes it ("0808 2000 247"); digits must match `number`.
    display = Column(String(24))
    description = Column(String(120))


class DirSchedule(Base):
    """Regular opening: one row per weekday and opening (ORUK regular_schedule).

    closes_at <= opens_at means it closes the next day (00:00-00:00 is 24 hours).
    """

    __tablename__ = "dir_schedules"
    __table_args__ = (CheckConstraint("weekday BETWEEN 1 AND 7", name="iso_weekday"),)

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    service_id = Column(Integer, ForeignKey("dir_services.id", ondelete="CASCADE"), nullable=False, index=True)
    # None: the hours hold at every site of the service.
    location_id = Column(Integer, ForeignKey("dir_locations.id", ondelete="CASCADE"), index=True)
    weekday = Column(Integer, nullable=False)  # ISO: 1 Monday .. 7 Sunday
    opens_at = Column(Time, nullable=False)
    closes_at = Column(Time, nullable=False)


class DirHolidaySchedule(Base):
    """An exception to the regular hours (ORUK holiday_schedule)."""

    __tablename__ = "dir_holiday_schedules"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("closed OR (opens_at IS NOT NULL AND closes_at IS NOT NULL)", name="hours_when_open"),
    )

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    service_id = Column(Integer, ForeignKey("dir_services.id", ondelete="CASCADE"), nullable=False, index=True)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    closed = Column(Boolean, nullable=False, default=True)
    opens_at = Column(Time)
    closes_at = Column(Time)
    description = Column(String(120))


class DirServiceCategory(Base):
    """A needs-taxonomy term on a service (ORUK service_taxonomy)."""

    __tablename__ = "dir_service_categories"
    __table_args__ = (
        UniqueConstraint("service_id", "category", name="one_row_per_category"),
    )

    id = Column(Integer, primary_key=True)
    uuid = uuid_column()
    service_id = Column(Integer, ForeignKey("dir_services.id", ondelete="CASCADE"), nullable=False, index=True)
    category = Column(String(40), nullable=False, index=True)
