"""The staff web app's own tables: login sessions and handoffs.

Sessions live server-side so logging out, locking or deactivating an account
ends them at once; the cookie holds only a random token (stored hashed).
"""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id = Column(Integer, primary_key=True)
    # sha256 of the cookie's token: a copy of the table logs no one in.
    token_hash = Column(String(64), nullable=False, unique=True)
    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    # Synchroniser token for every form posted in this session.
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    revoked_at = Column(UTCDateTime)


class Handoff(Base):
    """A keyworker holding a conversation (the bot is paused meanwhile)."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)  # Rasa sender id
    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    alert_id = Column(Integer, ForeignKey("alerts.id", ondelete="SET NULL"))
    started_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ended_at = Column(UTCDateTime)
    # The reply form's one-time key: a double-click sends one message, not two.
    last_message_key = Column(String(40))
