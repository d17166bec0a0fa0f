"""Conversations: the link from a channel's sender id to a woman."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Conversation
from bot.db.types import utcnow


def get_or_create(session: Session, sender_id: str, channel: str | None = None) -> Conversation:
    convo = session.execute(select(Conversation).where(Conversation.sender_id == sender_id)).scalar_one_or_none()
    if convo is None:
        convo = Conversation(sender_id=sender_id, channel=channel or "rest")
        session.add(convo)
        session.flush()
    else:
        convo.last_seen_at = utcnow()
    return convo


def woman_id_for(session: Session, sender_id: str) -> int | None:
    return session.execute(
        select(Conversation.woman_id).where(Conversation.sender_id == sender_id)
    ).scalar_one_or_none()
