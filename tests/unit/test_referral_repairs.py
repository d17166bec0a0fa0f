"""Issue #19: corrections with the new value, her texting number on SMS, "ok 2",
towns outside London by name, and the wording of the summary and the end.

The validator runs with real rasa-sdk trackers (no servers); what she would
see is the dispatcher's messages and the slots it sets.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.referral.lifecycle import next_steps
from actions.referral.validate import OFFER_SLOT, ValidateReferralForm
from bot.channels.sms_options import match, options_from_buttons
from bot.geo.gazetteer import find_uk_place
from bot.referrals import corrections, parsing
from bot.referrals.service import ReferralDraft, plain_date, summary_lines
from tests.unit.test_referral_form import domain  # noqa: F401  (the merged domain fixture)

SMS_NUMBER = "+447700900432"

# Everything answered up to the summary (self-referral, no police details).
ANSWERED = dict(
    consent="yes",
    age_ok="adult",
    preferred_name="Jo",
    location="SE15 4QF",
    postcode="SE15 4QF",
    outcode="SE15",
    borough="Southwark",
    in_coverage=True,
    phone="+447700900123",
    phone_e164="+447700900123",
    contact_safety="texts only",
    safe_to_text=True,
    safe_to_call=False,
    safe_times="after 6pm",
    pathway="self",
    needs="accommodation",
    need_list=["accommodation"],
)
BEFORE_PHONE = {k: ANSWERED[k] for k in ("consent", "age_ok", "preferred_name")}


def tracker(
    requested: str,
    text: str,
    intent: str = "inform",
    confidence: float = 0.9,
    *,
    channel: str = "rest",
    sender: str = "t1",
    fills: bool = True,
    **slots,
) -> Tracker:
    """Her message `text` while the form asks `requested` (filling it, as from_text does, when `fills`)."""
    all_slots = {"requested_slot": requested, **slots}
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text, "input_channel": channel}]
    if fills:
        all_slots[requested] = text
        events.append({"event": "slot", "name": requested, "value": text})
    return Tracker(
        sender,
        all_slots,
        {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []},
        events,
        False,
        None,
        {"name": "referral_form"},
        "action_listen",
    )


def run(t: Tracker, domain: dict) -> tuple[dict, list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateReferralForm().run(dispatcher, t, domain))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    texts = [m.get("text") or m.get("response") for m in dispatcher.messages]
    return slots, texts, dispatcher.messages


def at_summary(text: str, intent: str = "inform", **overrides) -> Tracker:
    return tracker("referral_confirmed", text, intent, **{**ANSWERED, **overrides})


# --- 1. A correction with its new value in the same message --------------------


def test_number_corrected_at_the_summary_is_taken_not_asked_again(domain):
    slots, texts, _ = run(at_summary("oh wait the number is wrong, it's 07700900432", "change_field"), domain)
    assert slots["phone"] == slots["phone_e164"] == "+447700900432"
    assert slots["requested_slot"] == "referral_confirmed"  # the summary again, with the new number
    assert texts == ["Thanks, I've changed your mobile number."]


@pytest.mark.parametrize(
    "text, slot, value",
    [
        ("change my name to Jess", "preferred_name", "Jess"),
        ("my name is Jess not Jo", "preferred_name", "Jess"),
        ("name's wrong, it's Jess", "preferred_name", "Jess"),
        ("the times are wrong, it should be weekday mornings", "safe_times", "weekday mornings"),
        ("change contact to calls only", "contact_safety", "calls only"),
        ("actually it's calls only", "contact_safety", "calls only"),
        ("change help to housing and money", "needs", "accommodation, finance_benefit_debt"),
    ],
)
def test_other_fields_corrected_with_their_value_at_the_summary(domain, text, slot, value):
    slots, texts, _ = run(at_summary(text, "change_field"), domain)
    assert slots[slot] == value and slots["requested_slot"] == "referral_confirmed"
    assert texts[0].startswith("Thanks, I've changed your")


def test_changing_contact_keeps_her_safe_times(domain):
    slots, _, _ = run(at_summary("change contact to texts and calls", "change_field"), domain)
    assert (slots["safe_to_text"], slots["safe_to_call"], slots["safe_times"]) == (True, True, "after 6pm")


def test_postcode_and_borough_corrected_at_the_summary(domain, db_url):
    slots, _, _ = run(at_summary("wrong postcode, it's SW9 8JX", "change_field"), domain)
    assert (
        slots["postcode"] == "SW9 8JX"
        and slots["borough"] == "Lambeth"
        and slots["requested_slot"] == "referral_confirmed"
    )
    slots, _, _ = run(at_summary("actually I live in Hackney now", "inform"), domain)
    assert (
        slots["borough"] == "Hackney" and slots["postcode"] is None and slots["requested_slot"] == "referral_confirmed"
    )


def test_a_correction_mid_form_keeps_her_current_question(domain):
    answered = {k: v for k, v in ANSWERED.items() if k not in ("needs", "need_list")}
    slots, texts, _ = run(tracker("needs", "sorry my number is wrong, it's 07700 900432", **answered), domain)
    assert slots["phone_e164"] == "+447700900432" and slots["requested_slot"] == "needs" and slots["needs"] is None
    assert "changed your mobile number" in texts[0]


@pytest.mark.parametrize("text", ["change my number", "my number is wrong"])
def test_a_change_without_a_value_still_asks_for_it(domain, text):
    slots, texts, _ = run(at_summary(text, "change_field"), domain)
    assert slots["phone"] is None and slots["requested_slot"] == "phone"
    assert "change that" in texts[0]


def test_a_name_that_is_not_a_name_is_not_taken():
    assert corrections.correction_value("my name is spelt wrong", "preferred_name") is None
    assert corrections.correction_value("you can call me any time", "preferred_name") is None


@pytest.mark.parametrize(
    "text",
    [
        "yes, my name is fine",
        "yes the number is right",
        "yes the area is right",
        "yes send it",
        "that's all correct thanks",
    ],
)
def test_a_yes_at_the_summary_is_not_read_as_a_correction(domain, text):
    slots, texts, _ = run(at_summary(text, "affirm"), domain)
    assert slots["referral_confirmed"] == "yes" and texts == []


def test_a_field_word_in_an_answer_is_not_a_correction(domain):
    answered = {k: v for k, v in ANSWERED.items() if k not in ("safe_times",)}
    slots, texts, _ = run(tracker("safe_times", "after 6pm, sorry he checks my phone", **answered), domain)
    # Kept as days and times only (#19 point 20); what he does is acknowledged, never repeated.
    assert slots["safe_times"] == "after 6pm" and "phone_e164" not in slots
    assert slots["requested_slot"] == "referral_confirmed"
    assert len(texts) == 1 and texts[0].startswith("Thank you for telling me") and "checks" not in texts[0]


# --- 3. On SMS, her texting number is offered, never stored unasked ---------------


def sms(requested: str, text: str, intent: str = "inform", **slots) -> Tracker:
    fills = requested != OFFER_SLOT  # her reply to the offer fills no slot (see validate.OFFER_SLOT)
    return tracker(requested, text, intent, channel="sms", sender=SMS_NUMBER, fills=fills, **slots)


def test_on_sms_the_phone_question_offers_her_texting_number(domain, db_url):
    slots, texts, messages = run(sms("location", "SE15 4QF", **BEFORE_PHONE), domain)
    assert slots["requested_slot"] == OFFER_SLOT
    assert "phone" not in slots or slots["phone"] is None  # nothing stored before she says yes
    assert texts[-1].startswith("Can we use this number, ending 432?")
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]


def test_rest_still_asks_what_number(domain, db_url):
    slots, texts, _ = run(tracker("location", "SE15 4QF", **BEFORE_PHONE), domain)
    assert slots["requested_slot"] == "phone" and texts == []  # utter_ask_phone follows


@pytest.mark.parametrize(
    "text, intent",
    [
        ("this one", "inform"),
        ("this number please", "inform"),
        ("/affirm", "affirm"),
        ("yes", "affirm"),
        ("Yeah that's fine", "affirm"),
    ],
)
def test_yes_or_this_one_takes_her_texting_number(domain, text, intent):
    slots, texts, _ = run(sms(OFFER_SLOT, text, intent, **BEFORE_PHONE, location="SE15"), domain)
    assert slots["phone"] == slots["phone_e164"] == SMS_NUMBER
    assert slots["requested_slot"] == "contact_safety" and texts == []


def test_another_number_in_reply_to_the_offer_is_taken(domain):
    slots, _, _ = run(sms(OFFER_SLOT, "use 07700 900123 instead", **BEFORE_PHONE, location="SE15"), domain)
    assert slots["phone_e164"] == "+447700900123" and slots["requested_slot"] == "contact_safety"


@pytest.mark.parametrize("text, intent", [("/deny", "deny"), ("no", "deny"), ("a different number", "inform")])
def test_no_asks_for_another_number_and_stores_none(domain, text, intent):
    slots, texts, _ = run(sms(OFFER_SLOT, text, intent, **BEFORE_PHONE, location="SE15"), domain)
    assert slots["phone"] is None and slots["phone_e164"] is None
    assert slots["requested_slot"] == "phone" and texts == []  # then "What mobile number can we use?"


def test_an_unclear_reply_offers_again_and_stores_none(domain):
    slots, texts, _ = run(sms(OFFER_SLOT, "hmm what", **BEFORE_PHONE, location="SE15"), domain)
    assert slots["phone"] is None and slots["phone_e164"] is None and slots["requested_slot"] == OFFER_SLOT
    assert "Can we use this number, ending 432?" in texts[-1]


def test_skip_and_go_back_work_on_the_offer(domain):
    slots, _, _ = run(sms(OFFER_SLOT, "skip", "skip", **BEFORE_PHONE, location="SE15"), domain)
    assert slots["phone"] == "skipped" and slots["phone_e164"] is None
    slots, _, _ = run(sms(OFFER_SLOT, "go back", "go_back", **BEFORE_PHONE, location="SE15"), domain)
    assert slots["location"] is None and slots["requested_slot"] == "location"


def test_this_one_on_sms_at_the_phone_question_and_not_on_the_web(domain):
    slots, _, _ = run(sms("phone", "this one", **BEFORE_PHONE, location="SE15"), domain)
    assert slots["phone_e164"] == SMS_NUMBER
    slots, texts, _ = run(tracker("phone", "this one", **BEFORE_PHONE, location="SE15"), domain)
    assert slots["phone"] is None and "can't see a number" in texts[0]


# --- 4. "ok 2" on a numbered SMS list ------------------------------------------------

YES_NO = options_from_buttons([{"title": "Yes, I'm safe", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}])
CONTACT = options_from_buttons(
    [
        {"title": "Texts and calls", "payload": "texts and calls"},
        {"title": "Texts only", "payload": "texts only"},
        {"title": "Calls only", "payload": "calls only"},
        {"title": "Neither is safe", "payload": "neither"},
    ]
)


@pytest.mark.parametrize(
    "reply",
    [
        "ok 2",
        "Ok, 2",
        "2 please",
        "number 2 thanks",
        "2 x",
        "2 please x",
        "okay two",
        "option 2 pls",
        "i'll take 2",
        "2 is fine",
        "the 2nd one",
        "yeah 2",
    ],
)
def test_a_number_with_everyday_words_around_it_picks_that_option(reply):
    assert match(reply, CONTACT).payload == "texts only"


@pytest.mark.parametrize("reply", ["2 kids", "I have 2 kids", "2 weeks ago", "2pm", "2 of them", "ok 25", "1 2"])
def test_a_number_inside_what_she_is_saying_is_not_a_choice(reply):
    assert match(reply, CONTACT) is None and match(reply, YES_NO) is None


def test_ok_2_on_a_yes_no_choice_is_no_but_yeah_2_is_not_guessed():
    assert match("ok 2", YES_NO).payload == "/deny"
    assert match("yeah 2", YES_NO) is None  # yes and no at once: her words go on


def test_a_count_in_the_help_answer_is_not_a_numbered_choice():
    # The help list is numbered; "2 kids" is children, not "2 Money or debt".
    assert parsing.parse_needs("I have 2 kids") == ["children_families"]
    assert parsing.parse_needs("1 3 please") == ["accommodation", "health"]


# --- 16. Towns outside London by name -------------------------------------------------


@pytest.mark.parametrize(
    "text, name, country",
    [
        ("Manchester", "Manchester", "England"),
        ("i live in leeds", "Leeds", "England"),
        ("newcastle", "Newcastle upon Tyne", "England"),
        ("Glasgow", "Glasgow", "Scotland"),
        ("im from cardiff", "Cardiff", "Wales"),
        ("Belfast", "Belfast", "Northern Ireland"),
        ("I live in Street", "Street", "England"),
        ("st albans", "St Albans", "England"),
    ],
)
def test_uk_towns_outside_london(text, name, country):
    found = find_uk_place(text)
    assert found.kind == "outside_london" and found.place.name == name and found.place.country == country


@pytest.mark.parametrize("text", ["London", "i live in london", "Biggin Hill"])
def test_london_by_a_name_our_tables_lack(text):
    assert find_uk_place(text).kind == "london"


@pytest.mark.parametrize(
    "text",
    [
        "street",
        "on the street",
        "at home",
        "in a hostel",
        "I need help with money",
        "the dog keeps barking at night",
        "no fixed abode",
        "with my sister",
        "hello",
        "from Poland",
        "i dont want to say",
    ],
)
def test_everyday_words_are_not_towns(text):
    assert find_uk_place(text) is None


def test_a_town_outside_london_gets_the_outside_coverage_answer(domain):
    slots, texts, _ = run(tracker("location", "i live in Manchester", **BEFORE_PHONE), domain)
    assert texts == ["utter_outside_coverage"]
    assert slots["location"] == "Manchester" and slots["in_coverage"] is False and slots["borough"] is None
    assert slots["requested_slot"] == "phone"


def test_london_not_in_our_lists_gets_a_kind_reask(domain):
    slots, texts, _ = run(tracker("location", "London", **BEFORE_PHONE), domain)
    assert slots["location"] is None and slots["requested_slot"] == "location"
    assert "Which part of London?" in texts[0] and "couldn't find" not in texts[0]


# --- 17. Wording: the end of the referral, the summary --------------------------------


def draft(**kw) -> ReferralDraft:
    return ReferralDraft(conversation_id="c", channel="rest", pathway="self", **kw)


def test_next_steps_never_promise_contact_she_did_not_allow():
    skipped = next_steps(draft(phone_e164="+447700900123"))
    assert "when you contact us within" not in skipped and "won't text or call" in skipped
    assert "won't text or call" in next_steps(draft())
    assert "won't text or call" in next_steps(draft(phone_e164="+447700900123", safe_to_text=False, safe_to_call=False))
    assert next_steps(draft(phone_e164="+447700900123", safe_to_text=True, safe_to_call=False)) == (
        "A keyworker will be in touch by text within 2 working days."
    )
    assert "by text or by phone" in next_steps(draft(phone_e164="+447700900123", safe_to_text=True, safe_to_call=True))


def test_summary_says_texts_only_when_she_said_texts_only():
    lines = summary_lines({**ANSWERED})
    assert "Contact: texts only, no calls, after 6pm" in lines
    assert "Contact: calls only, no texts" in summary_lines(
        {**ANSWERED, "safe_to_text": False, "safe_to_call": True, "safe_times": None}
    )
    assert "Contact: texts and calls OK" in summary_lines({**ANSWERED, "safe_to_call": True, "safe_times": None})


def test_summary_shows_plain_dates():
    lines = summary_lines(
        {**ANSWERED, "pathway": "police_caution", "caution_date": "2026-09-01", "police_reference": "01/123456/26"}
    )
    assert "Sent by: police (Tue 1 September, 01/123456/26)" in lines or any(
        "Sent by: police (Tue 1 September 2026, 01/123456/26)" == line for line in lines
    )
    assert plain_date("2026-09-01", today=date(2026, 12, 6)) == "Tue 1 September"
    assert plain_date("2025-12-24", today=date(2026, 1, 5)) == "Wed 24 December 2025"
