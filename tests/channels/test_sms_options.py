"""Buttons as numbered options, and her reply mapped back to the button."""

from __future__ import annotations

import pytest

from bot.channels.sms_options import Option, match, options_from_buttons, render

YES_NO = options_from_buttons([{"title": "Yes, I’m safe", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}])
CONSENT = options_from_buttons(
    [
        {"title": "Yes to both", "payload": "/affirm"},
        {"title": "I’m under 18", "payload": "I'm under 18"},
        {"title": "No thanks", "payload": "/deny"},
    ]
)
CONTACT = options_from_buttons(
    [
        {"title": "Texts and calls", "payload": "texts and calls"},
        {"title": "Texts only", "payload": "texts only"},
        {"title": "Calls only", "payload": "calls only"},
        {"title": "Neither is safe", "payload": "neither"},
    ]
)


def test_render_numbers_the_titles_in_plain_words():
    assert render(YES_NO) == "Reply 1 for Yes, I'm safe, or 2 for No."
    assert render(CONSENT) == "Reply 1 for Yes to both, 2 for I'm under 18, or 3 for No thanks."
    assert render(CONTACT) == (
        "Reply 1 for Texts and calls, 2 for Texts only, 3 for Calls only, or 4 for Neither is safe."
    )
    assert render([Option("Talk to a person", "/human_handoff")]) == "Reply 1 for Talk to a person."
    assert render([]) == ""


def test_render_never_shows_payloads():
    assert "/affirm" not in render(YES_NO) and "(" not in render(YES_NO)
    assert "/affirm" not in render(CONSENT) and "/deny" not in render(CONSENT)


@pytest.mark.parametrize("reply", ["1", "1.", " 1 ", "1)", "#1", "one", "One", "first", "option 1", "1 please", "Yes"])
def test_first_option(reply):
    assert match(reply, YES_NO).payload == "/affirm"


@pytest.mark.parametrize("reply", ["y", "Y", "yeah", "yep", "yes please", "ok", "sure", "Yeah!"])
def test_yes_words_on_a_yes_no_choice(reply):
    assert match(reply, YES_NO).payload == "/affirm"


@pytest.mark.parametrize("reply", ["n", "no", "nope", "nah", "No thanks", "2", "two"])
def test_no_words_on_a_yes_no_choice(reply):
    assert match(reply, YES_NO).payload == "/deny"


@pytest.mark.parametrize(
    "reply, payload",
    [
        ("1", "/affirm"),
        ("yes", "/affirm"),
        ("ok", "/affirm"),
        ("Yes to both", "/affirm"),
        ("2", "I'm under 18"),
        ("I'm under 18", "I'm under 18"),
        ("3", "/deny"),
        ("no", "/deny"),
        ("No thanks", "/deny"),
        ("nope", "/deny"),
    ],
)
def test_the_consent_and_age_question_has_yes_under_18_and_no(reply, payload):
    assert match(reply, CONSENT).payload == payload


@pytest.mark.parametrize("reply", ["16", "25", "under 18", "im under 18", "yes im 25"])
def test_an_age_at_the_consent_question_goes_on_as_her_words(reply):
    # The form reads an age in her own words; only the numbers 1-3 pick an option.
    assert match(reply, CONSENT) is None


@pytest.mark.parametrize(
    "reply, payload",
    [
        ("2", "texts only"),
        ("texts only", "texts only"),
        ("Texts only.", "texts only"),
        ("4", "neither"),
        ("neither is safe", "neither"),
        ("four", "neither"),
    ],
)
def test_titles_and_numbers_on_a_longer_list(reply, payload):
    assert match(reply, CONTACT).payload == payload


@pytest.mark.parametrize("reply", ["5", "0", "34", "ok", "yes", "texts are fine after 6", "1 2", ""])
def test_anything_else_goes_on_unchanged(reply):
    # "34" may be her age; "ok" must not pick one of four; out-of-range numbers are her words.
    assert match(reply, CONTACT) is None


def test_no_options_means_no_mapping():
    assert match("1", []) is None


def test_buttons_without_title_or_payload_are_skipped():
    assert options_from_buttons([{"title": "", "payload": "/x"}, {"title": "Go", "payload": ""}, {}]) == [
        Option("Go", "Go")
    ]
