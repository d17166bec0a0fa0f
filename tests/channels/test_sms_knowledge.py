"""Questions answered by SMS: the signed webhook, the real Rasa and action
servers, the fake Twilio. Every topic; the next steps as numbered options."""

from __future__ import annotations

from bot.channels.sms_text import normalise
from tests.channels.conftest import Phone
from tests.integration.test_knowledge_conversation import live, topic_questions


def test_every_topic_is_answered_by_text(sms_stack):
    wrong = {}
    for topic, question in topic_questions().items():
        reply = Phone(sms_stack).text(question)
        if normalise(live(sms_stack, topic).text) not in reply:
            wrong[topic] = (question, reply)
    assert wrong == {}


def test_next_steps_are_numbered_and_a_number_starts_one(sms_stack, phone):
    answer = live(sms_stack, "record_self_referral")
    reply = phone.text("will coming to you myself give me a criminal record")
    assert normalise(answer.text) in reply
    first = answer.next[0]
    assert f"Reply 1 for {first.title}" in reply
    assert first.payload == "/self_refer"
    assert "I'll ask a few short questions" in phone.text("1")  # the self-referral begins
