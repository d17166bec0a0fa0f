"""Support beyond the first meetings: check-ins and the closing survey she is asked to do,
her answers to the survey, and groups and activities at the centres.

An invitation is one ask of her (a check-in at a stage of her support, or the survey
when her case closes): a keyworker schedules it, the worker texts it when due (if texts
are safe), and she can also start it herself in the chat. Survey answers are kept
apart from her readings: reports count them without saying whose they are.
"""

from __future__ import annotations

import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.models.outcomes import EncryptedJSON, ReadingStage
from bot.db.types import UTCDateTime, str_enum, utcnow


class InvitationKind(str, enum.Enum):
    CHECKIN = "checkin"
    SURVEY = "survey"


class InvitationStatus(str, enum.Enum):
    SCHEDULED = "scheduled"  # waiting for its day
    SENT = "sent"  # texted, or shown in the chat
    DONE = "done"
    DECLINED = "declined"  # she said not now
    CANCELLED = "cancelled"  # by staff


OPEN_INVITATIONS = (InvitationStatus.SCHEDULED, InvitationStatus.SENT)


class SupportInvitation(Base):
    __tablename__ = "support_invitations"
    __table_args__ = (Index("ix_support_invitations_due", "status", "due_on"),)

    id = Column(Integer, primary_key=True)
    kind = Column(str_enum(InvitationKind, "invitation_kind"), nullable=False)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="CASCADE"), nullable=False, index=True)
    stage = Column(str_enum(ReadingStage, "invitation_stage"))  # check-ins only
    due_on = Column(Date, nullable=False)
    status = Column(str_enum(InvitationStatus, "invitation_status"), nullable=False, default=InvitationStatus.SCHEDULED)
    scheduled_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    outbox_message_id = Column(Integer, ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    sent_at = Column(UTCDateTime)
    answered_at = Column(UTCDateTime)
    reading_id = Column(Integer, ForeignKey("outcome_readings.id", ondelete="SET NULL"))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class SurveyResponse(Base):
    """Her closing survey. `answers` maps a question key to the answer's key."""

    __tablename__ = "survey_responses"

    id = Column(Integer, primary_key=True)
    # Kept so her data rights reach it (erasure, retention); reports never show it.
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    answers = Column(EncryptedJSON, nullable=False)
    free_text = Column(EncryptedText)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Activity(Base):
    """A group or activity at a centre, listed by admins; women book a place."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("booked_count >= 0 AND booked_count <= places", name="within_places"),
        CheckConstraint("ends_at > starts_at", name="activity_ends_after_start"),
        Index("ix_activities_upcoming", "active", "starts_at"),
    )

    id = Column(Integer, primary_key=True)
    centre_id = Column(Integer, ForeignKey("centres.id", ondelete="RESTRICT"), nullable=False, index=True)
    title = Column(String(120), nullable=False)
    description = Column(Text, nullable=False, default="")
    starts_at = Column(UTCDateTime, nullable=False)
    ends_at = Column(UTCDateTime, nullable=False)
    places = Column(Integer, nullable=False, default=10)
    booked_count = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)
    created_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    centre = relationship("Centre", lazy="joined")


class ActivityBooking(Base):
    """Her place at an activity; booking again after calling off reuses the row."""

    __tablename__ = "activity_bookings"
    __table_args__ = (UniqueConstraint("activity_id", "referral_id", name="one_place_each"),)

    id = Column(Integer, primary_key=True)
    activity_id = Column(Integer, ForeignKey("activities.id", ondelete="CASCADE"), nullable=False, index=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="CASCADE"), nullable=False, index=True)
    status = Column(String(20), nullable=False, default="booked")  # booked | cancelled
    booked_via = Column(String(20))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    cancelled_at = Column(UTCDateTime)

    activity = relationship("Activity", lazy="joined")
