"""Issue #19 over the REST channel with the real servers: corrections with the
new value, towns outside London by name, and honest wording at the end."""

from __future__ import annotations

import re

from bot.db.models import Alert, AlertReason, Referral, Woman
from tests.integration.test_referral_conversation import rows


def to_summary(chat, *, where="SE15 4QF", number="07700 900123", contact="texts only", times="after 6pm") -> str:
    chat.say("i want to refer myself")
    chat.say("yes")
    chat.say("Jo")
    chat.say(where)
    chat.say(number)
    chat.say(contact)
    if times:
        chat.say(times)
    return chat.say_joined("1")


def test_a_corrected_number_at_the_summary_is_taken_at_once(stack, chat):
    to_summary(chat)
    reply = chat.say_joined("oh wait the number is wrong, it's 07700900432")
    assert "What mobile number" not in reply
    assert "changed your mobile number" in reply and "Mobile: 07700 900432" in reply and "Shall I send it?" in reply
    reply = chat.say_joined("and my name is Jess not Jo")
    assert "Name: Jess" in reply and "Shall I send it?" in reply
    reply = chat.say_joined("the times are wrong, it should be weekday mornings")
    assert "weekday mornings" in reply and "after 6pm" not in reply
    reply = chat.say_joined("wrong postcode, it's SW9 8JX")
    assert "SW9 8JX (Lambeth)" in reply
    chat.say("yes")
    [referral] = rows(stack, Referral, conversation_id=chat.sender)
    assert referral.borough == "Lambeth" and referral.postcode == "SW9 8JX"
    [woman] = rows(stack, Woman, id=referral.woman_id)
    assert (woman.phone_e164, woman.preferred_name, woman.safe_times) == ("+447700900432", "Jess", "weekday mornings")


def test_a_town_outside_london_by_name_gets_the_outside_coverage_answer(stack, chat):
    for text in ("i want to refer myself", "yes", "Ann"):
        chat.say(text)
    reply = chat.say_joined("i live in leeds")
    assert "couldn't find" not in reply
    assert "0808 2000 247" in reply and "116 123" in reply and "mobile" in reply
    for text in ("skip", "skip", "yes"):
        chat.say(text)
    [referral] = rows(stack, Referral, conversation_id=chat.sender)
    assert referral.in_coverage is False and referral.borough is None
    [alert] = rows(stack, Alert, conversation_id=chat.sender)
    assert alert.reason == AlertReason.OUT_OF_COVERAGE


def test_london_not_in_our_lists_gets_a_kind_reask(stack, chat):
    for text in ("i want to refer myself", "yes", "Ann"):
        chat.say(text)
    reply = chat.say_joined("London")
    assert "Which part of London?" in reply and "couldn't find" not in reply
    assert "mobile" in chat.say_joined("Lambeth")


def test_summary_and_goodbye_say_what_she_chose(stack, chat):
    summary = to_summary(chat)
    assert "Contact: texts only, no calls, after 6pm" in summary and "texts OK" not in summary
    assert "by text within 2 working days" in chat.say_joined("yes")


def test_skipping_the_contact_question_never_promises_contact(stack, chat):
    summary = to_summary(chat, contact="skip", times=None)
    assert "Contact: skipped" in summary
    done = chat.say_joined("yes")
    assert re.search(r"ELP-[A-Z0-9]{6}", done)
    assert "when you contact us" not in done and "won't text or call you" in done
