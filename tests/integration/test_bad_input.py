"""Odd messages get a kind reply, never an error, and nothing half-written."""

from __future__ import annotations

import pytest

from bot.db.models import Referral
from tests.integration.test_referral_conversation import rows

BAD = [
    "",
    "😀😀😀",
    "a" * 5000,
    "<script>alert(1)</script>",
    "'; DROP TABLE referrals; --",
    "\x00\x07\x1b[31m",
    "Dzień dobry, potrzebuję pomocy",
    "؟ماذا",
]


@pytest.mark.parametrize("text", BAD, ids=range(len(BAD)))
def test_bad_input_gets_a_reply(stack, chat, text):
    replies = chat.say(text)
    assert replies, "every message gets an answer"
    joined = "\n".join(replies)
    assert "Traceback" not in joined and "Error" not in joined
    assert "<script>" not in joined


def test_bad_input_mid_form_keeps_the_form_going(stack, chat):
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    reply = chat.say_joined("<b>'; DROP TABLE women;--</b>")
    assert "name" in reply
    assert rows(stack, Referral, conversation_id=chat.sender) == []


def test_not_understood_twice_in_a_row_brings_in_a_person(stack, chat):
    """The action server sees her previous message (only recent history is sent to it)."""
    from bot.db.models import Alert, AlertReason

    for text in ("hi", "i want to refer myself", "no"):
        chat.say(text)
    first = chat.say_joined("\x00")
    assert "not getting this right" not in first
    assert rows(stack, Alert, conversation_id=chat.sender) == []
    second = chat.say_joined("\x07")
    assert "not getting this right" in second
    [alert] = rows(stack, Alert, conversation_id=chat.sender)
    assert alert.reason == AlertReason.BOT_STUCK


def test_not_understood_twice_but_not_in_a_row_is_no_alert(stack, chat):
    from bot.db.models import Alert

    for text in ("hi", "\x00", "i want to find a women's centre", "\x00"):
        reply = chat.say_joined(text)
        assert "not getting this right" not in reply
    assert rows(stack, Alert, conversation_id=chat.sender) == []
