"""The outbox: every message the service sends goes through here, once."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.models.enums import OutboxStatus
from bot.db.types import UTCDateTime, str_enum, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "send_after"),)

    id = Column(Integer, primary_key=True)
    # Idempotency: the same logical message (e.g. "reminder:42:48h") is queued once.
    dedupe_key = Column(String(120), unique=True)
    kind = Column(String(20), nullable=False)  # reminder | alert | reply | notice
    channel = Column(String(20), nullable=False, default="sms")
    to_address = Column(String(254), nullable=False)
    body = Column(EncryptedText, nullable=False)  # encrypted at rest (bot/db/crypto.py)
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="CASCADE"), index=True)
    status = Column(
        str_enum(OutboxStatus, "outbox_status"), nullable=False, default=OutboxStatus.PENDING
    )
    send_after = Column(UTCDateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)
    # Set when a worker takes the row; a stale claim means the worker died mid-send.
    claimed_by = Column(String(64))
    claimed_at = Column(UTCDateTime)
    provider_id = Column(String(64), index=True)
    # A send timed out after reaching the provider, at this time: it may have
    # gone, so the next try asks the provider before sending again.
    in_doubt_since = Column(UTCDateTime)
    # The provider's own word (queued, sent, delivered, undelivered, failed).
    delivery_status = Column(String(20))
    last_error = Column(String(250))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime)
