"""While a keyworker holds a conversation, danger still gets the crisis numbers at once."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sqlalchemy import select

from bot.channels.handoff_safety import answer_crisis_during_handoff
from bot.db.models import Alert, AlertReason, Conversation
from bot.db.session import session_scope
from bot.safety.crisis import CRISIS_REPLY


def _say(sender: str, text: str) -> tuple[bool, list]:
    out = CollectingOutputChannel()
    answered = asyncio.run(answer_crisis_during_handoff(UserMessage(text, out, sender, input_channel="socketio")))
    return answered, out.messages


def test_paused_conversation_gets_crisis_reply_and_alert(db_url):
    with session_scope() as s:
        s.add(Conversation(sender_id="held", channel="socketio", paused=True))
    answered, messages = _say("held", "he's at the door and says he'll kill me")
    assert answered and messages[0]["text"] == CRISIS_REPLY
    with session_scope() as s:
        [alert] = s.execute(select(Alert)).scalars().all()
        assert alert.reason == AlertReason.CRISIS and alert.conversation_id == "held"


def test_not_paused_or_not_crisis_is_left_to_the_bot(db_url):
    with session_scope() as s:
        s.add(Conversation(sender_id="live", channel="socketio", paused=False))
        s.add(Conversation(sender_id="held", channel="socketio", paused=True))
    assert _say("live", "i want to die") == (False, [])  # CrisisPolicy answers this one
    assert _say("held", "thanks, see you thursday") == (False, [])
    with session_scope() as s:
        assert s.execute(select(Alert)).scalars().all() == []
