"""Conversations: the link from a channel's sender id to a woman."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Woman
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


def set_language(session: Session, sender_id: str, language: str, channel: str | None = None) -> None:
    """The conversation's language, and her record's when the conversation is hers (reminders use it)."""
    convo = get_or_create(session, sender_id, channel)
    convo.language = language
    if convo.woman_id is not None:
        woman = session.get(Woman, convo.woman_id)
        if woman is not None:
            woman.language = language


def language_for(session: Session, sender_id: str) -> str | None:
    """The conversation's language, else that of the woman it is linked to (her reply to a reminder)."""
    row = session.execute(
        select(Conversation.language, Woman.language)
        .outerjoin(Woman, Woman.id == Conversation.woman_id)
        .where(Conversation.sender_id == sender_id)
    ).first()
    return (row[0] or row[1]) if row else None
