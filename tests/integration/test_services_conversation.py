"""The service finder over the real Rasa server and action server (both databases)."""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import select

from bot.db.models import Conversation, DirService, Referral, Woman
from bot.db.session import session_scope
from bot.directory import update_service
from tests.conftest import new_sender

OPT_OUT = re.compile(r"\b(STOP|CANCEL|END|QUIT|UNSUBSCRIBE|STOPALL|REVOKE|OPTOUT)\b")
HOUSING = {
    "SAMPLE Peckham Housing Advice Drop-in",
    "SAMPLE Brixton Housing Options Clinic",
    "SAMPLE Lambeth Women's Centre",
    "SAMPLE Southwark Women's Centre",
    "SAMPLE Lewisham Night Shelter for Women",
    "SAMPLE Archway Housing Aid",
    "SAMPLE Westminster Day Centre for Women",
    "SAMPLE Croydon Housing Advice Line",
    "SAMPLE Woolwich Domestic Abuse Advocacy",
    "SAMPLE Newham Women's Project",
    "SAMPLE Hammersmith Women's Support Service",
    "SAMPLE Hackney Women's Centre",
    "SAMPLE Lewisham Women's Centre",
    "SAMPLE Croydon Women's Centre",
    "Shelter emergency helpline",
}


class ServiceChat:
    """One conversation; keeps whole messages (text and buttons), optionally as the SMS channel."""

    def __init__(self, stack, channel: str | None = None, sender: str | None = None):
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = sender or new_sender()
        self.channel = channel

    def send(self, text: str) -> list[dict]:
        body = {"sender": self.sender, "message": text}
        if self.channel:
            body["input_channel"] = self.channel  # Rasa's REST channel takes the channel name from the body
        resp = requests.post(self.url, json=body, timeout=60)
        assert resp.status_code == 200, resp.text
        messages = resp.json()
        for message in messages:
            assert "Traceback" not in message.get("text", "")
        return messages

    def say(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.send(text))


def card_names(messages: list[dict]) -> list[str]:
    return [re.match(r"\d\. (.+)", m["text"]).group(1) for m in messages if re.match(r"\d\. ", m.get("text", ""))]


def sample_names(stack, *names):
    with session_scope(stack.database_url) as session:
        return {n: session.execute(select(DirService.id).where(DirService.name == n)).scalar_one() for n in names}


def test_womens_centre_near_se15_then_more_then_the_second_one(stack):
    chat = ServiceChat(stack)
    first = chat.send("is there a women's centre near SE15")
    assert "[SAMPLE data for testing]" in first[0]["text"]  # dev mode says the listings are made up
    assert "women's centres near SE15" in first[0]["text"]
    names = card_names(first)
    assert names[0] == "SAMPLE Southwark Women's Centre" and len(names) == 3
    card = next(m for m in first if m["text"].startswith("1. "))
    assert card["buttons"] == [{"title": "More about this", "payload": '/choose_option{"option": 1}'}]
    assert {"title": "Show more", "payload": "/more_options"} in first[-1]["buttons"]

    more = chat.send("more")
    more_names = card_names(more)
    assert more_names and not set(more_names) & set(names)

    details = chat.say("the second one")
    assert details.splitlines()[0].endswith(more_names[1])
    for part in ("Address:", "Phone:", "Open:", "Getting there:"):
        assert part in details

    button = chat.say('/choose_option{"option": 1}')
    assert more_names[0] in button


def test_housing_in_lambeth(stack):
    chat = ServiceChat(stack)
    messages = chat.send("I need help with housing in Lambeth")
    assert "housing near Lambeth" in messages[0]["text"]
    names = card_names(messages)
    assert names and set(names) <= HOUSING
    assert names[0] in {"SAMPLE Lambeth Women's Centre", "SAMPLE Brixton Housing Options Clinic"}


def test_drinking_with_no_place_asks_where_then_answers_and_remembers(stack):
    chat = ServiceChat(stack)
    ask = chat.say("somewhere to talk about my drinking")
    assert "Where are you?" in ask and "postcode" in ask
    answer = chat.send("SE15")
    assert "drink and drugs near SE15" in answer[0]["text"]
    assert set(card_names(answer)) & {"SAMPLE Lambeth Women's Centre", "SAMPLE Stockwell Recovery Service"}
    again = chat.say("I need help with housing")  # not asked twice
    assert "Where are you?" not in again and "housing near SE15" in again


def test_whats_open_now(stack):
    chat = ServiceChat(stack)
    chat.send("I need help with housing in Lambeth")
    messages = chat.send("what's open now")
    intro = messages[0]["text"]
    if "open now near" in intro:  # daytime: every local card is open
        cards = [m["text"] for m in messages if re.match(r"\d\. ", m.get("text", ""))]
        assert cards and all("Open now" in c or "Open 24 hours" in c for c in cards)
    else:  # night, weekend or bank holiday: says so and gives lines open day and night
        joined = "\n".join(m["text"] for m in messages)
        assert "open now" in joined and "Free national helplines" in joined


def test_sms_gets_three_at_a_time_short_and_plain(stack):
    chat = ServiceChat(stack, channel="sms")
    [page] = chat.send("is there a women's centre near SE15")
    text = page["text"]
    assert "buttons" not in page or not page["buttons"]
    assert re.search(r"^1 SAMPLE Southwark Women's Centre", text, re.M)
    assert re.search(r"^3 ", text, re.M) and not re.search(r"^4 ", text, re.M)
    assert "Reply 1, 2 or 3 for details, or MORE for more." in text
    assert len(text) <= 459 and all(ord(c) < 0x2000 for c in text)  # <= 3 GSM segments
    assert not OPT_OUT.search(text.replace("Reply MORE", "").replace("or MORE", ""))
    [more] = chat.send("MORE")
    assert re.search(r"^1 ", more["text"], re.M) and "SAMPLE Southwark Women's Centre" not in more["text"]
    [details] = chat.send("2")
    assert "Phone:" in details["text"] and len(details["text"]) <= 459


def test_admin_edit_shows_in_the_next_answer(stack):
    chat = ServiceChat(stack)
    before = chat.send("is there a women's centre near SE15")
    assert "SAMPLE Southwark Women's Centre" in card_names(before)
    ids = sample_names(stack, "SAMPLE Southwark Women's Centre")
    with session_scope(stack.database_url) as session:
        update_service(
            session,
            ids["SAMPLE Southwark Women's Centre"],
            {"name": "SAMPLE Peckham Women's Hub", "phones": ["020 7946 0777"]},
        )
    try:
        after = chat.send("is there a women's centre near SE15")
        assert card_names(after)[0] == "SAMPLE Peckham Women's Hub"
        assert "020 7946 0777" in "\n".join(m["text"] for m in after)
        # The new name is known to the entity pipeline at once (rebuilt, not retrained).
        details = ServiceChat(stack).say("is the Peckham Women's Hub open today")
        assert details.startswith("[SAMPLE data for testing] SAMPLE Peckham Women's Hub")
    finally:
        with session_scope(stack.database_url) as session:
            update_service(
                session,
                ids["SAMPLE Southwark Women's Centre"],
                {"name": "SAMPLE Southwark Women's Centre", "phones": ["020 7946 0101"]},
            )


def test_location_from_her_record(stack):
    sender = new_sender()
    with session_scope(stack.database_url) as session:
        woman = Woman(preferred_name="Jo")
        session.add(woman)
        session.flush()
        session.add(
            Referral(
                reference=f"ELP-T{sender[-5:].upper()}",
                woman_id=woman.id,
                pathway="self",
                borough="Croydon",
                outcode="CR0",
                in_coverage=False,
            )
        )
        session.add(Conversation(sender_id=sender, channel="rest", woman_id=woman.id))
    reply = ServiceChat(stack, sender=sender).say("i need housing advice")
    assert "Where are you?" not in reply and "housing near CR0" in reply


def test_location_is_saved_on_her_record_when_it_had_none(stack):
    sender = new_sender()
    with session_scope(stack.database_url) as session:
        woman = Woman(preferred_name="Ann")
        session.add(woman)
        session.flush()
        session.add(
            Referral(reference=f"ELP-U{sender[-5:].upper()}", woman_id=woman.id, pathway="self", in_coverage=False)
        )
        session.add(Conversation(sender_id=sender, channel="rest", woman_id=woman.id))
        woman_id = woman.id
    ServiceChat(stack, sender=sender).say("housing help in Hackney")
    with session_scope(stack.database_url) as session:
        referral = session.execute(select(Referral).where(Referral.woman_id == woman_id)).scalar_one()
        assert referral.borough == "Hackney" and referral.in_coverage is True


@pytest.mark.parametrize(
    "first, expected",
    [
        ("help with housing near SE99 1AA", "I can't find the postcode SE99 1AA"),
        ("services in Manchester", "Manchester is outside London"),
        ("housing near M1 1AE", "outside London"),
    ],
)
def test_places_we_cannot_search_ask_once_then_national_lines(stack, first, expected):
    chat = ServiceChat(stack)
    reply = chat.say(first)
    assert expected in reply and "London postcode or area" in reply
    final = chat.say("Leeds")
    assert "Free national helplines" in final and "0808 2000 247" in final
    assert "Where are you" not in final


def test_near_me_with_no_place_and_then_no(stack):
    chat = ServiceChat(stack)
    assert "Where are you?" in chat.say("what's near me")
    reply = chat.say("no")
    assert "Free national helplines" in reply and "116 123" in reply


def test_listing_without_hours_or_coordinates(stack):
    chat = ServiceChat(stack)
    messages = chat.send("legal advice in Haringey")
    names = card_names(messages)
    assert "SAMPLE Haringey Community Law Clinic" in names
    index = names.index("SAMPLE Haringey Community Law Clinic") + 1
    details = chat.say(str(index))
    assert "Call to check opening times" in details
    # No coordinates and no postcode: placed at its borough's centre, shown as approximate.
    lambeth = ServiceChat(stack).send("women's centre in Lambeth")
    outreach = next(m["text"] for m in lambeth if "SAMPLE Lambeth Women's Outreach Team" in m.get("text", ""))
    assert "about 0.2 miles" in outreach.lower()


def test_more_and_choose_with_no_list_are_not_dead_ends(stack):
    chat = ServiceChat(stack)
    assert "haven't shown you a list" in chat.say("more")
    assert "haven't shown you a list" in chat.say("the second one")
