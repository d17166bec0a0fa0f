"""Keyworkers' notes on a case. The text is personal: encrypted at rest."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer

from bot.db.base import Base
from bot.db.crypto import EncryptedText
from bot.db.types import UTCDateTime, utcnow


class CaseNote(Base):
    __tablename__ = "case_notes"

    id = Column(Integer, primary_key=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    text = Column(EncryptedText, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
