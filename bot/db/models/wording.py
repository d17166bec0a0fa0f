"""Staff corrections of the wording catalogue: a text in one language, saved by an
admin, used at once instead of the catalogue's (bot/wording/catalogue.py)."""
from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, String, Text, UniqueConstraint

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class WordingCorrection(Base):
    __tablename__ = "wording_corrections"
    __table_args__ = (
        UniqueConstraint("language", "key", name="one_correction_per_text"),
        CheckConstraint("length(text) BETWEEN 1 AND 1000", name="correction_length"),
    )

    id = Column(Integer, primary_key=True)
    language = Column(String(8), nullable=False)
    key = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    button_titles = Column(JSON, nullable=False, default=list)
    saved_by_id = Column(Integer, ForeignKey("staff.id", ondelete="SET NULL"))
    saved_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
