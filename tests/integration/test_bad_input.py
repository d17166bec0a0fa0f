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
    for text in ("i want to refer myself", "yes", "yes"):
        chat.say(text)
    reply = chat.say_joined("<b>'; DROP TABLE women;--</b>")
    assert "name" in reply
    assert rows(stack, Referral, conversation_id=chat.sender) == []
