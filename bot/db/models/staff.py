"""Staff accounts, the service's own centres, and the audit log."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String
from sqlalchemy import false as sa_false

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.models.enums import StaffRole
from bot.db.types import UTCDateTime, str_enum, utcnow


class Staff(Base):
    __tablename__ = "staff"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    phone_e164 = Column(EncryptedText)  # encrypted at rest (bot/db/crypto.py)
    role = Column(str_enum(StaffRole, "staff_role"), nullable=False)
    password_hash = Column(String(255))
    on_duty = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Alert texts/emails to this person (bot/staff/alert_notify.py): how many so
    # far (bumped by a conditional UPDATE: one sender per notice, however many
    # workers), when the last went, and whether it counted an urgent alert.
    alert_notice_seq = Column(Integer, nullable=False, default=0, server_default="0")
    alert_notified_at = Column(UTCDateTime)
    alert_notified_urgent = Column(Boolean, nullable=False, default=False, server_default=sa_false())
    # When this person last looked at the alert queue: what came after is marked new.
    alerts_seen_at = Column(UTCDateTime)


class Centre(Base):
    """A women's centre run by the service, where appointments happen."""

    __tablename__ = "centres"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False, unique=True)
    address = Column(String(250), nullable=False)
    postcode = Column(String(8), nullable=False)
    borough = Column(String(60), nullable=False)
    latitude = Column(Float)
    longitude = Column(Float)
    phone = Column(String(20))
    opening_hours = Column(String(250))
    active = Column(Boolean, nullable=False, default=True)


class AuditLog(Base):
    """Who saw or changed what. Never message text or personal detail."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_type = Column(String(20), nullable=False)  # staff | system | woman
    actor_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    action = Column(String(60), nullable=False)
    subject_type = Column(String(40), nullable=False)
    subject_id = Column(Integer)
