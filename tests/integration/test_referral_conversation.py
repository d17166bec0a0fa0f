"""Self-referral over the real Rasa server and action server (REST channel)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.db.models import Alert, AlertReason, AlertUrgency, Consent, Referral, Woman

CRISIS_NUMBERS = ("999", "55", "0808 2000 247", "116 123")


def rows(stack, model, **where):
    engine = create_engine(stack.database_url, future=True)
    with Session(engine) as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        result = list(session.execute(query).scalars())
        for row in result:
            if isinstance(row, Referral):
                _ = row.need_values
        return result


def test_self_referral_end_to_end_writes_one_referral(stack, chat):
    assert "Elpis" in chat.say_joined("hi")
    assert "18 or over" in chat.say_joined("I want to refer myself")
    assert "call you" in chat.say_joined("yes")  # consent and age in one answer
    assert "postcode" in chat.say_joined("call me Jo")
    assert "mobile" in chat.say_joined("SE15 4QF")
    assert "safe for us to text or call" in chat.say_joined("07700 900123")
    assert "safe time" in chat.say_joined("texts only")
    # "refer myself" already said how she came: not asked again (see summary)
    assert "help with" in chat.say_joined("weekdays after 10am")
    summary = chat.say_joined("1 2")
    assert "Name: Jo" in summary and "SE15 4QF (Southwark)" in summary and "07700 900123" in summary
    assert "Sent by: myself" in summary
    assert "housing, money or debt" in summary
    done = chat.say_joined("yes")
    reference = re.search(r"ELP-[A-Z0-9]{6}", done).group(0)

    [referral] = rows(stack, Referral, conversation_id=chat.sender)
    assert referral.reference == reference
    assert referral.pathway.value == "self"
    assert referral.borough == "Southwark" and referral.in_coverage is True
    assert referral.need_values == ["accommodation", "finance_benefit_debt"]
    [woman] = rows(stack, Woman, id=referral.woman_id)
    assert woman.preferred_name == "Jo"
    assert woman.phone_e164 == "+447700900123"
    # Stored in the neutral form (days and times only, #19 point 20).
    assert (woman.safe_to_text, woman.safe_to_call, woman.safe_times) == (True, False, "weekdays, after 10am")
    assert len(rows(stack, Consent, woman_id=woman.id)) == 1


def test_a_second_yes_is_not_taken_as_her_name(stack, chat):
    chat.say("i want to refer myself")
    assert "call you" in chat.say_joined("yes")
    again = chat.say_joined("yes")  # she pressed yes twice
    assert "Any first name is fine, or say skip." in again and "postcode" not in again
    assert "postcode" in chat.say_joined("Jo")


def test_police_referral_with_skips_and_correction(stack, chat):
    chat.say("the police gave me a caution")
    chat.say("yes")
    assert "postcode" in chat.say_joined("skip")
    chat.say("Lambeth")
    assert "safe for us" in chat.say_joined("07700 900456")
    assert "safe time" in chat.say_joined("both")
    assert "caution date" in chat.say_joined("any time")  # pathway known from the first message
    assert "help with" in chat.say_joined("3 Nov, 01/123456/26")
    summary = chat.say_joined("skip")
    assert "Name: skipped" in summary and "police (Tue 3 November, 01/123456/26)" in summary
    assert "mobile" in chat.say_joined("change my number").lower()
    assert "07700 900789" in chat.say_joined("07700 900789")
    chat.say("yes")
    [referral] = rows(stack, Referral, conversation_id=chat.sender)
    assert referral.pathway.value == "police_caution"
    assert referral.police_reference == "01/123456/26"
    assert referral.caution_deadline is not None
    [woman] = rows(stack, Woman, id=referral.woman_id)
    assert woman.phone_e164 == "+447700900789" and woman.preferred_name is None


def test_stop_mid_form_stores_nothing(stack, chat):
    chat.say("i want to refer myself")
    chat.say("yes")
    chat.say("Sam")
    assert "Nothing has been saved" in chat.say_joined("stop")
    assert rows(stack, Referral, conversation_id=chat.sender) == []


@pytest.mark.parametrize("answer", ["I'm under 18", "im 16"])  # the button, or her age in her words
def test_under_18_is_signposted_and_nothing_stored(stack, chat, answer):
    chat.say("can i get some support")
    reply = chat.say_joined(answer)
    assert "Childline" in reply and "0800 1111" in reply
    assert rows(stack, Referral, conversation_id=chat.sender) == []


def test_outside_coverage_is_taken_and_flagged(stack, chat):
    for text in ("i want to refer myself", "yes", "Ann"):
        chat.say(text)
    reply = chat.say_joined("M1 1AE")
    assert "0808 2000 247" in reply and "mobile" in reply
    for text in ("skip", "skip", "yes"):
        chat.say(text)
    [referral] = rows(stack, Referral, conversation_id=chat.sender)
    assert referral.in_coverage is False
    [alert] = rows(stack, Alert, conversation_id=chat.sender)
    assert alert.reason == AlertReason.OUT_OF_COVERAGE


def test_go_back_reasks_previous_question(stack, chat):
    for text in ("i want to refer myself", "yes", "Sam"):
        chat.say(text)
    assert "call you" in chat.say_joined("go back")
    assert "postcode" in chat.say_joined("Samira")


def test_crisis_mid_form_answers_alerts_and_resumes(stack, chat):
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    reply = chat.say_joined("he's outside and says he'll kill me")
    for number in CRISIS_NUMBERS:
        assert number in reply
    assert "told our team" in reply
    # #19 point 10: asked whether to carry on before the form's question comes again
    assert "carry on with your referral" in reply.splitlines()[-1] and "call you" not in reply
    [alert] = rows(stack, Alert, conversation_id=chat.sender)
    assert alert.reason == AlertReason.CRISIS and alert.urgency == AlertUrgency.URGENT
    assert "kill" not in alert.summary
    assert "call you" in chat.say_joined("yes")
    assert "postcode" in chat.say_joined("Jo")


def test_crisis_outside_form(stack, chat):
    reply = chat.say_joined("i want to end it all")
    for number in ("999", "116 123"):  # suicidal thoughts: Samaritans (#19 point 10)
        assert number in reply
    assert rows(stack, Alert, conversation_id=chat.sender)[0].reason == AlertReason.CRISIS


def test_asking_for_a_person_raises_an_alert(stack, chat):
    reply = chat.say_joined("can i talk to a real person")
    assert "in touch" in reply  # in hours: "asked someone ... to get in touch"; out of hours: when
    assert "999" in reply or "someone from our team" in reply
    [alert] = rows(stack, Alert, conversation_id=chat.sender)
    assert alert.reason == AlertReason.HUMAN_REQUESTED


def test_side_question_mid_form_then_back_to_the_question(stack, chat):
    for text in ("i want to refer myself", "yes"):
        chat.say(text)
    reply = chat.say_joined("will the police see what i tell you?")
    # The knowledge base's answer about the police (what they are told, for which pathway), then the question again.
    assert "police" in reply.lower() and "call you" in reply


def test_invalid_answers_get_a_kind_reask(stack, chat):
    for text in ("i want to refer myself", "yes", "Jo"):
        chat.say(text)
    assert "couldn't find that" in chat.say_joined("xyzzy 123")
    chat.say("SE15")
    assert "landline" in chat.say_joined("020 7946 0000")
    assert "couldn't read that number" in chat.say_joined("12345")


def test_pathway_is_asked_when_her_first_words_do_not_say(stack, chat):
    """Only "refer myself"-like words settle the pathway; "sign me up" still asks."""
    for text in ("can you sign me up for support", "yes", "Jo", "SE15 4QF", "07700 900123", "texts only"):
        chat.say(text)
    assert "police" in chat.say_joined("any time")
