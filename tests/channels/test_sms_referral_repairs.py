"""Issue #19 over SMS (real servers, fake Twilio): "ok 2" picks option 2, and
her texting number is offered, never stored unasked."""

from __future__ import annotations

from bot.db.models import Referral, Woman
from tests.channels.conftest import rows

OFFER = "Reply 1 for Yes, this number, or 2 for No, another number."


def start(phone) -> None:
    """Self-referral by text up to the phone question."""
    phone.text("hi")
    assert "18 or over" in phone.text("1")
    assert "call you" in phone.text("1")  # yes to both
    assert "postcode" in phone.text("Jo")


def her_woman(sms_stack, phone) -> Woman:
    [referral] = rows(sms_stack, Referral, conversation_id=phone.number)
    [woman] = rows(sms_stack, Woman, id=referral.woman_id)
    return woman


# --- 4. "ok 2" ------------------------------------------------------------------------


def test_ok_2_and_friends_pick_the_option_but_2_kids_does_not(sms_stack, phone):
    phone.text("hi")
    assert "18 or over" in phone.text("ok 1")  # the menu: Get support
    assert "call you" in phone.text("ok 1 please x")  # Yes to both
    phone.text("Jo")
    phone.text("SE15 4QF")
    assert "Reply 1 for Texts and calls, 2 for Texts only" in phone.text("07700 900123")
    assert "safe time" in phone.text("ok 2")  # Texts only
    pathway = phone.text("any time")
    assert "Reply 1 for The police sent me, or 2 for Myself." in pathway
    # Her words, not a pick from the list: "2" counts her children here.
    assert "Did the police send you" in phone.text("2 kids")
    assert "help with" in phone.text("number 2 thanks")  # Myself
    summary = phone.text("skip")
    assert "Sent by: myself" in summary
    phone.text("yes")
    woman = her_woman(sms_stack, phone)
    assert (woman.safe_to_text, woman.safe_to_call) == (True, False)


def test_2_at_the_first_question_is_under_18_and_nothing_is_stored(sms_stack, phone):
    phone.text("hi")
    assert "2 for I'm under 18" in phone.text("1")
    reply = phone.text("2")
    assert "Childline" in reply and "0800 1111" in reply
    assert rows(sms_stack, Referral, conversation_id=phone.number) == []


# --- 3. Her texting number -----------------------------------------------------------


def test_this_one_takes_the_number_she_texts_from(sms_stack, phone):
    start(phone)
    offer = phone.text("SE15 4QF")
    assert f"Can we use this number, ending {phone.number[-3:]}?" in offer and OFFER in offer
    assert "What mobile number" not in offer
    assert "safe for us to text or call" in phone.text("this one")
    phone.text("2")
    phone.text("any time")
    phone.text("myself")
    summary = phone.text("skip")
    assert "Mobile: 07700 900" + phone.number[-3:] in summary
    phone.text("yes")
    assert her_woman(sms_stack, phone).phone_e164 == phone.number


def test_no_to_the_offer_asks_for_another_number_and_stores_only_that(sms_stack, phone):
    start(phone)
    assert OFFER in phone.text("SE15 4QF")
    assert "What mobile number can we use?" in phone.text("2")
    assert "safe for us to text or call" in phone.text("07700 900123")
    phone.text("4")  # neither is safe: no safe-times question
    assert "help with" in phone.text("myself")
    phone.text("skip")
    assert "won't text or call you" in phone.text("yes")
    assert her_woman(sms_stack, phone).phone_e164 == "+447700900123" != phone.number


def test_skipping_the_offer_stores_no_number(sms_stack, phone):
    start(phone)
    assert OFFER in phone.text("SE15 4QF")
    assert "police" in phone.text("skip")
    phone.text("myself")
    assert "Mobile: skipped" in phone.text("skip")
    phone.text("yes")
    assert her_woman(sms_stack, phone).phone_e164 is None
