"""After a crisis by SMS (issue 19, points 9-11): the signed webhook, the real Rasa
and action servers, the fake Twilio. The alert the channel raises as her text is
stored is the one the assistant's answer then names by kind of danger."""

from __future__ import annotations

from bot.db.models import Alert, AlertReason, AlertUrgency
from tests.channels.conftest import eventually, rows


def _crisis_alerts(stack, number):
    return [a for a in rows(stack, Alert, conversation_id=number) if a.reason == AlertReason.CRISIS]


def test_an_overdose_by_text_then_is_someone_coming(sms_stack, phone):
    reply = phone.text("i took all my tablets an hour ago")
    assert "ambulance" in reply and "A&E" in reply and "999" in reply
    assert "0808 2000 247" not in reply and "press 55" not in reply
    assert "told our team" in reply
    [alert] = eventually(
        lambda: [a for a in _crisis_alerts(sms_stack, phone.number) if a.summary == "Danger now: overdose"]
    )
    assert alert.urgency == AlertUrgency.URGENT and alert.channel == "sms"
    follow_up = phone.text("is anyone coming??")
    assert "Nobody is on the way from us" in follow_up and "ambulance" in follow_up
    assert "can't find your details" not in follow_up
    assert len(_crisis_alerts(sms_stack, phone.number)) == 1


def test_mid_form_by_text_asks_to_carry_on_with_numbered_options(sms_stack, phone):
    phone.text("i want to refer myself")
    assert "call you" in phone.text("yes")
    reply = phone.text("he's hitting me again")
    assert "0808 2000 247" in reply and "carry on with your referral" in reply
    assert "Reply 1 for Yes, carry on, or 2 for Not now." in reply and "call you" not in reply
    assert "no rush" in phone.text("2")
    assert "call you" in phone.text("1")
    [alert] = eventually(
        lambda: [a for a in _crisis_alerts(sms_stack, phone.number) if a.summary == "Danger now: threats or violence"]
    )
    assert "hitting" not in alert.summary
