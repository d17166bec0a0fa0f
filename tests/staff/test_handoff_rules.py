"""Handoff rules that need no Rasa: one holder at a time, replies only while holding, kind errors."""

from __future__ import annotations

import asyncio

import pytest

from bot.db.models import StaffRole
from bot.db.models.staff_app import Handoff
from bot.db.session import session_scope
from bot.staff import handoff
from bot.staff.accounts import create_staff
from bot.staff.handoff import HandoffError, clean_reply


def test_someone_else_holding_the_conversation_is_said_plainly(db_url):
    with session_scope() as session:
        sam = create_staff(session, email="sam@example.org", name="Sam", role=StaffRole.KEYWORKER)
        kim = create_staff(session, email="kim@example.org", name="Kim", role=StaffRole.KEYWORKER)
        session.add(Handoff(conversation_id="held-1", staff_id=sam.id))
        kim_id = kim.id
    with pytest.raises(HandoffError, match="Sam is already answering"):
        asyncio.run(handoff.take_over("held-1", "rest", kim_id, "Kim"))


def test_reply_needs_a_held_conversation_and_some_words(db_url):
    with session_scope() as session:
        kim = create_staff(session, email="kim2@example.org", name="Kim", role=StaffRole.KEYWORKER)
        info = handoff.conversation_info(session, "free-1", "rest", kim.id)
    with pytest.raises(HandoffError, match="Take the conversation over"):
        asyncio.run(handoff.reply(info, "hello", kim.id, "Kim", "k1"))
    for bad in ("", "   ", "x" * 1001):
        with pytest.raises(HandoffError):
            clean_reply(bad)
    assert clean_reply("  hi\r\nthere ") == "hi\nthere"
