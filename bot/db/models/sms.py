"""The SMS channel's own records: inbound messages, opt-outs, the numbered
options last offered in a conversation, and delivery reports from Twilio."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.types import UTCDateTime, utcnow


class SmsInbound(Base):
    """Every inbound SMS Twilio delivered to us, once (MessageSid is unique).

    Kept even when it is not passed to the assistant (opted out, rate limited,
    rejected), so no message she sent is ever lost.
    """

    __tablename__ = "sms_inbound"
    __table_args__ = (
        Index("ix_sms_inbound_from_received", "from_number", "received_at"),
        # Finding messages a stopped process left half-handled (sms_inbound.claim_unfinished).
        Index("ix_sms_inbound_status_received", "status", "received_at"),
    )

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, unique=True)
    # E.164 when it is a phone number; otherwise what Twilio sent (cut short).
    from_number = Column(String(40), nullable=False)
    body = Column(EncryptedText, nullable=False, default="")  # her words: encrypted at rest
    num_media = Column(Integer, nullable=False, default=0)
    # received | processed | failed | keyword | opted_out | rate_limited | media | unreadable | rejected
    status = Column(String(20), nullable=False, default="received")
    received_at = Column(UTCDateTime, nullable=False, default=utcnow)
    processed_at = Column(UTCDateTime)


class SmsOptOut(Base):
    """A number that sent STOP (or another carrier opt-out word).

    By number, not by woman: the number may belong to nobody we know yet, and
    nothing at all may go to it until it sends START.
    """

    __tablename__ = "sms_opt_outs"

    phone_e164 = Column(String(16), primary_key=True)
    keyword = Column(String(16), nullable=False)
    opted_out_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Set when she sends START / UNSTOP; None while opted out.
    opted_in_at = Column(UTCDateTime)


class SmsOptionSet(Base):
    """The numbered options last offered in a conversation ("Reply 1 for ...").

    In the database, not in memory, because several Rasa processes may serve
    one conversation.
    """

    __tablename__ = "sms_option_sets"

    sender_id = Column(String(128), primary_key=True)
    # JSON list of {"title": ..., "payload": ...}
    options = Column(Text, nullable=False)
    offered_at = Column(UTCDateTime, nullable=False, default=utcnow)


class SmsDeliveryEvent(Base):
    """One status callback from Twilio (queued, sent, delivered, undelivered, failed)."""

    __tablename__ = "sms_delivery_events"
    __table_args__ = (UniqueConstraint("message_sid", "status", name="uq_sms_delivery_events_sid_status"),)

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, index=True)
    status = Column(String(20), nullable=False)
    error_code = Column(String(10))
    outbox_id = Column(Integer, ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow)
