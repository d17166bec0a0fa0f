"""Privacy: conversations whose Rasa tracker must be wiped.

The action that deletes her data runs inside Rasa's handling of her message,
so it cannot wipe the tracker itself (Rasa saves the turn after the action and
would write it back). It queues the sender id here; the worker wipes the
tracker a little later and deletes the row, so the id is held for minutes only.
"""
from __future__ import annotations

from sqlalchemy import Column, Integer, String

from bot.db.base import Base
from bot.db.types import UTCDateTime, utcnow


class TrackerErasure(Base):
    __tablename__ = "tracker_erasures"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False, unique=True)
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(250))
