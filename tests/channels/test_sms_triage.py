"""Graded triage by SMS: the signed webhook, the real Rasa and action servers,
the fake Twilio. "Are you safe right now?" is a numbered choice on a phone."""

from __future__ import annotations

from bot.db.models import Alert, AlertReason, AlertUrgency
from tests.channels.conftest import eventually, rows


def test_asked_if_safe_by_text_and_3_is_danger(sms_stack, phone):
    asked = phone.text("im scared of my ex")
    assert "Are you safe right now?" in asked and "999" in asked
    assert "Reply 1 for Yes, I'm safe, 2 for No, or 3 for I can't talk." in asked
    reply = phone.text("3")
    assert "If you are in danger now, call 999" in reply and "116 123" in reply
    urgent = eventually(
        lambda: [a for a in rows(sms_stack, Alert, conversation_id=phone.number) if a.reason == AlertReason.CRISIS]
    )
    assert urgent and urgent[0].urgency == AlertUrgency.URGENT and urgent[0].channel == "sms"


def test_distress_by_text_gets_the_line_and_a_normal_alert_and_no_urgent_one(sms_stack, phone):
    reply = phone.text("been feeling really low and cant sleep")
    assert "sorry things are hard" in reply and "116 123" in reply
    [alert] = eventually(lambda: rows(sms_stack, Alert, conversation_id=phone.number))
    assert alert.reason == AlertReason.DISTRESS and alert.urgency == AlertUrgency.NORMAL


def test_an_idiom_by_text_is_answered_as_what_it_is(sms_stack, phone):
    reply = phone.text("my phone died yesterday, sorry i missed your text")
    assert "999" not in reply and "Are you safe" not in reply
    assert rows(sms_stack, Alert, conversation_id=phone.number) == []
