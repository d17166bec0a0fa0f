"""Referrals, the needs she named, and the boroughs the service covers."""

from __future__ import annotations

import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.models.enums import Need, Pathway, ReferralStatus
from bot.db.types import UTCDateTime, str_enum, utcnow


class PoliceOutcome(str, enum.Enum):
    """What came of her contact with the police, as she told us (#19 point 15).

    Every outcome can come to us: a caution takes the police pathway (two
    meetings by a deadline); the others refer themselves, with this noted.
    """

    CAUTIONED = "cautioned"
    NO_FURTHER_ACTION = "no_further_action"
    RELEASED_UNDER_INVESTIGATION = "released_under_investigation"
    CHARGED = "charged"


class CoverageBorough(Base):
    """A borough the service takes referrals in. Admin data, never code."""

    __tablename__ = "coverage_boroughs"

    id = Column(Integer, primary_key=True)
    name = Column(String(60), nullable=False, unique=True)
    code = Column(String(9), nullable=False, unique=True)
    bcu = Column(String(40))
    active = Column(Boolean, nullable=False, default=True)


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(
            "pathway = 'police_caution' OR (caution_date IS NULL AND police_reference IS NULL)",
            name="caution_fields_only_for_caution",
        ),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="CASCADE"), nullable=False, index=True)
    pathway = Column(str_enum(Pathway, "pathway"), nullable=False)
    # None: no police contact mentioned (a self-referral).
    police_outcome = Column(str_enum(PoliceOutcome, "police_outcome"))
    caution_date = Column(Date)
    police_reference = Column(String(40))
    # Last day both mandatory appointments must be attended by (caution only).
    caution_deadline = Column(Date)
    caution_completed_at = Column(UTCDateTime)
    # When the keyworker was alerted that the deadline is near with a meeting not booked (once per referral).
    deadline_alerted_at = Column(UTCDateTime)
    # Her full postcode points at her street: encrypted at rest. The district
    # (outcode) and borough stay in clear: staff filter cases by borough and
    # coverage is decided on it.
    postcode = Column(EncryptedText)
    outcode = Column(String(4))
    borough = Column(String(60))
    in_coverage = Column(Boolean, nullable=False)
    status = Column(
        str_enum(ReferralStatus, "referral_status"),
        nullable=False,
        default=ReferralStatus.SUBMITTED,
    )
    channel = Column(String(20))
    conversation_id = Column(String(128), index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    closed_at = Column(UTCDateTime)
    # Her keyworker, named by staff on the case page; she can ask "who is my keyworker?".
    keyworker_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    # Re-arrest after referral, when a keyworker learns of it (the evaluation's measure).
    rearrested_on = Column(Date)
    rearrest_recorded_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))

    woman = relationship("Woman", back_populates="referrals")
    keyworker = relationship("Staff", foreign_keys=[keyworker_id])
    needs = relationship("ReferralNeed", cascade="all, delete-orphan", lazy="selectin")

    @property
    def need_values(self) -> list[str]:
        return sorted(n.need.value for n in self.needs)


class ReferralNeed(Base):
    __tablename__ = "referral_needs"
    __table_args__ = (UniqueConstraint("referral_id", "need", name="one_row_per_need"),)

    id = Column(Integer, primary_key=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    need = Column(str_enum(Need, "need"), nullable=False)


class HandoffContact(Base):
    """How a person may safely reach her about a 'talk to a person' alert (#19 point 12).

    Asked on a chat that cannot reach her (the web page forgets her). Kept
    beside the alert; the number or email is encrypted at rest, and the safe
    time is the neutral form only (never her words about anyone else).
    """

    __tablename__ = "handoff_contacts"

    id = Column(Integer, primary_key=True)
    alert_id = Column(Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, index=True)
    conversation_id = Column(String(128), index=True)
    contact = Column(EncryptedText)  # a mobile (E.164) or an email; None when she declined
    contact_kind = Column(String(10))  # "mobile" or "email"
    safe_times = Column(String(120))
    declined = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
