"""Graded triage played end to end: the real Rasa server, action server and
database, over REST and the web chat's socket.io channel (SMS: tests/channels/
test_sms_triage.py). Each grade's reply and alert, mid-form and outside it.
"""

from __future__ import annotations

import pytest

from bot.db.models import Alert, AlertReason, AlertUrgency
from tests.conftest import Chat, new_sender
from tests.integration.test_referral_conversation import CRISIS_NUMBERS, rows
from tests.integration.test_socketio_channel import Tab, run

# The examples: everyday words that used to set off the crisis reply.
IDIOMS = [
    "the traffic was murder",
    "I could kill a pizza right now",
    "my laptop died",
    "my daughter fell off her bike but she's OK",
    "that was a long time ago, I'm fine now",
    "my GP changed my medication",
]


def _alerts(stack, sender):
    return rows(stack, Alert, conversation_id=sender)


def test_everyday_words_get_no_crisis_reply_and_no_alert(stack):
    # Each as the first message of its own conversation: this is about how each message is
    # graded. In one conversation, two messages in a row not understood would bring the
    # offer of a person, whose line names 999 (tests/integration/test_bad_input.py).
    for text in IDIOMS:
        chat = Chat(stack, new_sender())
        reply = chat.say_joined(text)
        assert "999" not in reply, (text, reply)
        assert "Are you safe" not in reply, (text, reply)
        assert _alerts(stack, chat.sender) == [], text


def test_distress_gets_the_gentle_line_a_normal_alert_and_her_question_answered(stack, chat):
    replies = chat.say("I've been feeling so low and anxious lately. Can you tell me what Elpis is?")
    assert "sorry things are hard" in replies[0]
    assert "999" in replies[0] and "116 123" in replies[0] and "talk to someone" in replies[0]
    assert "If you are in danger now" not in "\n".join(replies)  # not the crisis reply
    # then her question, answered as it is when asked on its own
    assert replies[1:] == Chat(stack, new_sender()).say("Can you tell me what Elpis is?"), replies
    [alert] = _alerts(stack, chat.sender)
    assert alert.reason == AlertReason.DISTRESS and alert.urgency == AlertUrgency.NORMAL
    assert "low" not in alert.summary  # fixed text, never her words
    # Said again: the line again, still one open alert for the conversation.
    assert "sorry things are hard" in chat.say_joined("honestly cant sleep for worrying")
    assert len(_alerts(stack, chat.sender)) == 1


def test_distress_mid_form_resumes_the_question_and_fills_nothing(stack, chat):
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    replies = chat.say("i feel so low today")
    assert "sorry things are hard" in replies[0]
    assert "call you" in replies[-1]  # the form asks its question again
    assert "postcode" in chat.say_joined("Jo")  # her name is taken now, not her feelings


def test_unsure_asks_once_and_no_is_danger(stack, chat):
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    asked = chat.say_joined("im scared of him")
    assert "Are you safe right now?" in asked and "999" in asked and "55" in asked
    assert "call you" not in asked  # nothing else until she answers
    [alert] = _alerts(stack, chat.sender)
    assert alert.urgency == AlertUrgency.NORMAL
    reply = chat.say_joined("no")
    for number in CRISIS_NUMBERS:
        assert number in reply
    assert "carry on" in reply.splitlines()[-1]  # then whether to go on with the form (#19 point 10)
    assert "call you" in chat.say_joined("yes")
    urgent = [a for a in _alerts(stack, chat.sender) if a.reason == AlertReason.CRISIS]
    assert len(urgent) == 1 and urgent[0].urgency == AlertUrgency.URGENT


def test_cant_talk_is_danger(stack, chat):
    assert "Are you safe right now?" in chat.say_joined("terrified of my ex")
    reply = chat.say_joined("i cant talk")
    assert "If you are in danger now, call 999" in reply
    assert any(a.reason == AlertReason.CRISIS for a in _alerts(stack, chat.sender))


def test_asked_once_only_fear_again_is_danger(stack, chat):
    assert "Are you safe right now?" in chat.say_joined("im scared of him")
    reply = chat.say_joined("i'm terrified of my ex")
    assert "If you are in danger now, call 999" in reply and "Are you safe" not in reply
    assert any(a.reason == AlertReason.CRISIS for a in _alerts(stack, chat.sender))


def test_yes_i_am_safe_goes_back_to_the_question_and_is_not_her_answer(stack, chat):
    assert "18 or over" in chat.say_joined("i want to refer myself")
    assert "Are you safe right now?" in chat.say_joined("im scared of him")
    reply = chat.say_joined("yes")
    assert "glad you're safe" in reply
    assert "18 or over" in reply.splitlines()[-1]  # her "yes" was to us, not her consent
    assert not any(a.reason == AlertReason.CRISIS for a in _alerts(stack, chat.sender))
    assert "call you" in chat.say_joined("yes")


# The numbers that fit the danger (#19 point 10): an overdose needs an ambulance.
@pytest.mark.parametrize(
    "text, numbers",
    [
        ("he's outside and says he'll kill me", CRISIS_NUMBERS),
        ("i've taken all my tablets", ("999", "ambulance", "116 123")),
    ],
)
def test_danger_gets_the_numbers_and_an_urgent_alert(stack, chat, text, numbers):
    reply = chat.say_joined(text)
    for number in numbers:
        assert number in reply
    [alert] = _alerts(stack, chat.sender)
    assert alert.reason == AlertReason.CRISIS and alert.urgency == AlertUrgency.URGENT


def test_web_chat_grades_and_the_safety_buttons(stack):
    async def scenario():
        tab = Tab(stack.rasa_url)
        session = await tab.open()
        try:
            await tab.say("i feel really low and alone", session)
            distress = await tab.texts()
            assert "sorry things are hard" in distress[0]
            await tab.say("i'm scared of him", session)
            asked = await tab.texts()
            assert any("Are you safe right now?" in t for t in asked)
            await tab.say("/crisis", session)  # the "I can't talk" button
            return session, "\n".join(await tab.texts())
        finally:
            await tab.close()

    session, reply = run(scenario())
    for number in CRISIS_NUMBERS:
        assert number in reply
    reasons = {a.reason for a in _alerts(stack, session)}
    assert reasons == {AlertReason.DISTRESS, AlertReason.CRISIS}
