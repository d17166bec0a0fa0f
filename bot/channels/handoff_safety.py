"""The crisis answer while a keyworker holds the conversation.

During a handoff Rasa is paused and predicts nothing, so CrisisPolicy cannot
answer. Our channels call this before passing her message on: if she mentions
danger and the conversation is paused, she gets the fixed crisis reply at once
and an urgent alert is raised; the message still goes to Rasa, so the
keyworker's transcript shows it.
"""

from __future__ import annotations

import logging

from rasa.core.channels.channel import UserMessage
from sqlalchemy import select

from bot.db.crud.conversations import woman_id_for
from bot.db.models import AlertReason, Conversation
from bot.db.session import run_db, session_scope
from bot.safety.crisis import mentions_crisis
from bot.staff.alert_notify import raise_and_notify
from bot.wording import say

logger = logging.getLogger(__name__)


def _paused_then_alert(sender_id: str, channel: str | None) -> tuple[bool, str | None]:
    """Whether a person has the conversation (then the alert is raised), and its language."""
    with session_scope() as session:
        row = session.execute(
            select(Conversation.paused, Conversation.language).where(Conversation.sender_id == sender_id)
        ).first()
        if row is None or not row.paused:
            return False, None
        raise_and_notify(
            session,
            AlertReason.CRISIS,
            conversation_id=sender_id,
            channel=channel,
            woman_id=woman_id_for(session, sender_id),
        )
        return True, row.language


async def answer_crisis_during_handoff(message: UserMessage) -> bool:
    """Send the crisis reply if the conversation is paused and she mentions danger."""
    if not mentions_crisis(message.text):
        return False
    language = None
    try:
        paused, language = await run_db(_paused_then_alert, message.sender_id, message.input_channel)
    except Exception:
        logger.exception("handoff crisis check failed; sending the numbers anyway")
        paused = True  # when unsure, the numbers are the safe answer
    if paused:
        await message.output_channel.send_text_message(message.sender_id, say("utter_crisis", language))
    return paused
