"""Appointment slots, appointments, and the messages sent about them.

A slot is a time a keyworker is at a centre (`capacity` women at once). A
booking takes one place: `booked_count` only ever changes through a conditional
UPDATE (`booked_count < capacity`) and a CHECK keeps it within capacity, so two
women can never get the last place, even at the same instant. One active
appointment per referral and kind is a partial unique index. Moving an
appointment keeps the old row (status `moved`, `moved_to_id`) for the history.
"""
from __future__ import annotations

import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.types import UTCDateTime, str_enum, utcnow


class AppointmentKind(str, enum.Enum):
    ASSESSMENT = "assessment"
    MANDATORY_1 = "mandatory_1"
    MANDATORY_2 = "mandatory_2"
    FOLLOW_UP = "follow_up"


class AppointmentStatus(str, enum.Enum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    MISSED = "missed"
    CANCELLED = "cancelled"
    MOVED = "moved"


# Statuses that hold a place in a slot (and count as "her appointment").
LIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
_ONE_PER_KIND = "status IN ('booked', 'confirmed', 'attended') AND kind <> 'follow_up'"


class AppointmentSlot(Base):
    __tablename__ = "appointment_slots"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("booked_count >= 0 AND booked_count <= capacity", name="within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        UniqueConstraint("centre_id", "keyworker_id", "starts_at", name="one_slot_per_time"),
        Index("ix_appointment_slots_free", "active", "starts_at"),
    )

    id = Column(Integer, primary_key=True)
    centre_id = Column(Integer, ForeignKey("centres.id", ondelete="RESTRICT"), nullable=False, index=True)
    keyworker_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    starts_at = Column(UTCDateTime, nullable=False)
    ends_at = Column(UTCDateTime, nullable=False)
    capacity = Column(Integer, nullable=False, default=1)
    booked_count = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)
    # SAMPLE slots are made up for development (bot/appointments/seed.py).
    is_sample = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    centre = relationship("Centre", lazy="joined")
    keyworker = relationship("Staff", lazy="joined")


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        Index(
            "uq_appointments_one_live_per_kind", "referral_id", "kind", unique=True,
            postgresql_where=text(_ONE_PER_KIND), sqlite_where=text(_ONE_PER_KIND),
        ),
        Index("ix_appointments_slot_status", "slot_id", "status"),
    )

    id = Column(Integer, primary_key=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    slot_id = Column(Integer, ForeignKey("appointment_slots.id", ondelete="RESTRICT"), nullable=False)
    kind = Column(str_enum(AppointmentKind, "appointment_kind"), nullable=False)
    status = Column(
        str_enum(AppointmentStatus, "appointment_status"), nullable=False, default=AppointmentStatus.BOOKED
    )
    # The appointment this one replaced (she moved it), and where a moved one went.
    moved_from_id = Column(Integer, ForeignKey("appointments.id", ondelete="SET NULL"))
    moved_to_id = Column(Integer, ForeignKey("appointments.id", ondelete="SET NULL"))
    booked_via = Column(String(20))  # channel, or "staff"
    confirmed_at = Column(UTCDateTime)
    cancelled_at = Column(UTCDateTime)
    # Attendance, recorded by staff.
    marked_at = Column(UTCDateTime)
    marked_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    slot = relationship("AppointmentSlot", lazy="joined")
    referral = relationship("Referral")


class AppointmentMessage(Base):
    """Which outbox message was about which appointment (reminders, missed notes).

    Her SMS reply ("YES", "CHANGE") is matched to the latest such message sent
    to her; `answered_at` makes a second "yes" an ordinary yes again.
    """

    __tablename__ = "appointment_messages"

    id = Column(Integer, primary_key=True)
    appointment_id = Column(
        Integer, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    outbox_message_id = Column(
        Integer, ForeignKey("outbox_messages.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="CASCADE"), nullable=False, index=True)
    purpose = Column(String(20), nullable=False)  # reminder_48h, reminder_2h, missed
    answered_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
