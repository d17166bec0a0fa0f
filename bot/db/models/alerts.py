"""Alerts for keyworkers, and which alerts each person has been told about.

The summary never holds personal detail."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.models.enums import AlertReason, AlertStatus, AlertUrgency
from bot.db.types import UTCDateTime, str_enum, utcnow


class Alert(Base):
    __tablename__ = "alerts"

    id = Column(Integer, primary_key=True)
    reason = Column(str_enum(AlertReason, "alert_reason"), nullable=False)
    urgency = Column(str_enum(AlertUrgency, "alert_urgency"), nullable=False)
    status = Column(
        str_enum(AlertStatus, "alert_status"), nullable=False, default=AlertStatus.OPEN, index=True
    )
    conversation_id = Column(String(128), index=True)
    channel = Column(String(20))
    woman_id = Column(Integer, ForeignKey("women.id", ondelete="SET NULL"), index=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="SET NULL"), index=True)
    summary = Column(String(200), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    acknowledged_at = Column(UTCDateTime)
    acknowledged_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    resolved_at = Column(UTCDateTime)
    resolved_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    resolution_note = Column(EncryptedText)  # a keyworker's notes: encrypted at rest
    escalated_at = Column(UTCDateTime)
    # The keyworker this alert is given to (the queue's "mine"); anyone may still act on it.
    assigned_to_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    assigned_at = Column(UTCDateTime)


class AlertNotice(Base):
    """One alert counted in one alert text/email to one person.

    kind "new": told it arrived; "escalated": told it is still not acknowledged.
    An alert with no row for a person (and kind) is still to be counted in
    their next digest.
    """

    __tablename__ = "alert_notices"

    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    alert_id = Column(Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True, index=True)
    kind = Column(String(10), primary_key=True)
    notice_seq = Column(Integer, nullable=False)  # which of the person's notices (Staff.alert_notice_seq)
    at = Column(UTCDateTime, nullable=False)
