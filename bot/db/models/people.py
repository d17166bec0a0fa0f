"""A woman's record, the consent she gave and her conversations."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, false
from sqlalchemy.orm import relationship, validates

from bot.db.base import Base
from bot.db.crypto import EncryptedText, phone_lookup
from bot.db.types import UTCDateTime, utcnow


class Woman(Base):
    __tablename__ = "women"

    id = Column(Integer, primary_key=True)
    preferred_name = Column(String(80))
    # Encrypted at rest; found by its keyed hash (bot/db/crypto.py).
    phone_e164 = Column(EncryptedText)
    phone_lookup = Column(String(64), index=True)
    # None means "she did not say": treated as not safe.
    safe_to_text = Column(Boolean)
    safe_to_call = Column(Boolean)
    safe_times = Column(String(200))
    sms_opted_out = Column(Boolean, nullable=False, default=False)
    # "Safe to text" is not "safe to show what it is about": reminders name the
    # service, centre and caution only when she chose this too (#19 point 19).
    texts_may_name_service = Column(Boolean, nullable=False, default=False, server_default=false())
    # Her number is also on another woman's record (a shared or controlled phone):
    # no reminder goes to it until a keyworker clears it, for the women on it then.
    shared_number_cleared_at = Column(UTCDateTime)
    # The catalogue language she talks in (bot/wording): reminders and staff pages use it; none is English.
    language = Column(String(8))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    referrals = relationship("Referral", back_populates="woman", cascade="all, delete-orphan")
    consents = relationship("Consent", back_populates="woman", cascade="all, delete-orphan")

    @validates("phone_e164")
    def _keep_lookup(self, key: str, value: str | None) -> str | None:
        self.phone_lookup = phone_lookup(value)
        return value

    @property
    def texts_are_safe(self) -> bool:
        return bool(self.safe_to_text) and not self.sms_opted_out


class Consent(Base):
    __tablename__ = "consents"

    id = Column(Integer, primary_key=True)
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="CASCADE"), nullable=False, index=True)
    notice_version = Column(String(20), nullable=False)
    scope = Column(String(40), nullable=False, default="referral")
    channel = Column(String(20))
    given_at = Column(UTCDateTime, nullable=False, default=utcnow)

    woman = relationship("Woman", back_populates="consents")


class Conversation(Base):
    """Links a channel conversation (Rasa sender id) to a woman, and holds its handoff state."""

    __tablename__ = "conversations"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False, unique=True)
    channel = Column(String(20), nullable=False, default="rest")
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="SET NULL"), index=True)
    # True while a keyworker has taken the conversation over.
    paused = Column(Boolean, nullable=False, default=False)
    language = Column(String(8))  # as the conversation's `language` slot, for staff pages
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)
