"""What she sees: web cards with buttons, short SMS pages, details, picking "the second one"."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions.services import render
from actions.services.follow_ups import choose_index
from bot.directory.hours import opening_status
from bot.directory.search import Hit
from tests.unit.test_directory_search import (
    BRIXTON_DRINK,
    BRIXTON_HOUSING,
    HELPLINE,
    PECKHAM_CENTRE,
    PECKHAM_HOUSING,
    listing,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 11, 0, tzinfo=LONDON)
OPT_OUT = re.compile(r"\b(STOP|CANCEL|END|QUIT|UNSUBSCRIBE|STOPALL|REVOKE|OPTOUT)\b")


def hits(*items, km=1.2):
    return [
        Hit(item, None if item.national else km * (i + 1), 2, opening_status(item.hours, NOW))
        for i, item in enumerate(items)
    ]


def test_web_page_has_cards_with_buttons_and_more():
    messages = render.page_messages(
        "Here are places near SE15:", hits(PECKHAM_HOUSING, BRIXTON_HOUSING, PECKHAM_CENTRE), 0, 4, "socketio", NOW
    )
    assert messages[0]["text"] == "Here are places near SE15:"
    cards = messages[1:4]
    assert [c["buttons"][0]["payload"] for c in cards] == [
        '/choose_option{"option": 1}',
        '/choose_option{"option": 2}',
        '/choose_option{"option": 3}',
    ]
    assert cards[0]["text"].startswith("1. Peckham housing\n0.7 miles away")
    assert "Open now, until 5pm" in cards[0]["text"] and "Phone 020 7946 0101" in cards[0]["text"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/more_options", "/human_handoff"]


def test_last_web_page_offers_no_more():
    messages = render.page_messages("Here:", hits(PECKHAM_HOUSING), 0, 0, "rest", NOW)
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/human_handoff"]


@pytest.mark.parametrize("remaining", [0, 5])
def test_sms_page_is_short_plain_and_numbered(remaining):
    long_name = listing(
        "SAMPLE A Very Long Name For A Women's Support And Advice Centre In South London", ["housing"], "SE15"
    )
    [message] = render.page_messages(
        "Here are places for housing near SE15 4QF, nearest first:",
        hits(long_name, BRIXTON_HOUSING, HELPLINE),
        0,
        remaining,
        "sms",
        NOW,
        sample=True,
    )
    text = message["text"]
    assert "buttons" not in message
    assert render.sms_segments(text) <= 3
    assert text.startswith(render.SAMPLE_NOTE)
    assert re.search(r"^1 SAMPLE A Very Long", text, re.M) and re.search(r"^3 National abuse helpline", text, re.M)
    assert ("Reply MORE" in text or "or MORE for more" in text) is bool(remaining)
    assert "Reply 1, 2 or 3 for details" in text
    assert not OPT_OUT.search(text)


def test_sms_segments_counting():
    assert render.sms_segments("a" * 160) == 1
    assert render.sms_segments("a" * 161) == 2
    assert render.sms_segments("a" * 459) == 3
    assert render.sms_segments("’" * 70) == 1  # curly quote: UCS-2
    assert render.sms_segments("’" * 71) == 2
    assert render.gsm_safe("Women’s – centre") == "Women's - centre"


def test_details_have_address_phone_hours_and_how_to_get_there():
    text = render.details_text(PECKHAM_HOUSING, NOW)
    assert "Address: 1 Example Road" in text
    assert "Phone: 020 7946 0101" in text
    assert "Open: Mon-Fri 9:30am-5pm. Closed on bank holidays" in text
    assert "Open now, until 5pm." in text
    assert "Getting there: Bus 1" in text
    sms = render.details_text(PECKHAM_HOUSING, NOW, sms=True)
    assert render.sms_segments(sms) <= 3


def test_national_lines_text():
    text = render.national_text(hits(HELPLINE))
    assert text == "Free national helplines:\nNational abuse helpline: 020 7946 0101 (day and night)"


def test_distances_in_miles():
    assert render.miles(1.0) == "0.6 miles"
    assert render.miles(1.61) == "1 mile"
    assert render.miles(30) == "19 miles"
    assert render.miles(0.1) == "under 0.2 miles"
    assert render.miles(None) is None


@pytest.mark.parametrize(
    "text, option, expected",
    [
        ("the second one", None, 1),
        ("2", None, 1),
        ("", 3, 2),
        ("the first", None, 0),
        ("the last one on the list", None, 2),
        ("the one in brixton", None, 1),
        ("number 7", None, None),
        ("the nearest one", None, 0),
        ("that one", None, None),  # three shown: which?
        ("", 9, None),
    ],
)
def test_choose_index(text, option, expected):
    shown = [PECKHAM_HOUSING, BRIXTON_HOUSING, BRIXTON_DRINK]
    assert choose_index(text, option, shown) == expected


def test_choose_the_only_one_and_removed_listings():
    assert choose_index("that one", None, [PECKHAM_HOUSING]) == 0
    assert choose_index("the second", None, [PECKHAM_HOUSING, None]) == 1
    assert choose_index("2", None, []) is None
