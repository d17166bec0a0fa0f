"""A listings file uploaded for import, kept between its preview and the admin's confirm.

Found by the sha256 of a random token (the page holds the token, never the
file) and only for the staff session that uploaded it; it expires. The file is
directory data (public listings), so it is kept as it came.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Text

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class PendingImport(Base):
    __tablename__ = "pending_imports"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    staff_session_id = Column(Integer, ForeignKey("staff_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(8), nullable=False)  # csv or json
    filename = Column(String(200))
    body = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False, index=True)
