"""The answers every question reads alike: yes and no, form commands, mobiles.

One yes/no word list serves the forms, SMS buttons, "Are you safe right now?"
and "Do you want to carry on?": each word here must mean the same everywhere.
"""

import pytest

from bot.channels.sms_options import match, options_from_buttons
from bot.conversation import answers, contact
from bot.safety.after_crisis import carry_on_answer
from bot.safety.triage import SafetyAnswer, safety_answer

YES = [
    "y",
    "ye",
    "yes",
    "yess",
    "yesss",
    "yeah",
    "yea",
    "yep",
    "yup",
    "yh",
    "ya",
    "aye",
    "ok",
    "okay",
    "k",
    "kk",
    "sure",
    "fine",
    "correct",
    "right",
    "that's right",
    "thats right",
    "that's ok",
    "that's fine",
    "that's correct",
    "go on",
    "of course",
    "course",
    "please",
    "yes please",
    "sounds good",
    "alright",
    "affirm",
    "definitely",
    # Spanish, Polish, Romanian/Russian, French, Portuguese, Turkish, Somali, Hindi/Urdu, Arabic
    "si",
    "sí",
    "tak",
    "da",
    "oui",
    "sim",
    "evet",
    "haa",
    "haan",
    "na'am",
    "نعم",
]
NO = [
    "n",
    "no",
    "noo",
    "nooo",
    "nope",
    "nah",
    "na",
    "nay",
    "not really",
    "no thanks",
    "no thank you",
    "deny",
    "never",
    # Polish, Romanian, French, Portuguese, Turkish, Somali, Arabic, Hindi/Urdu
    "nie",
    "nu",
    "non",
    "não",
    "nao",
    "hayir",
    "hayır",
    "maya",
    "la",
    "nahi",
]
# A plea, or "right, ..." to start a sentence, never says she is safe or wants to carry on.
NOT_A_YES_TO_SAFETY = {"please", "right"}
YES_NO_BUTTONS = options_from_buttons([{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}])


@pytest.mark.parametrize("word", YES)
def test_every_yes_word_is_a_yes_everywhere(word):
    assert answers.parse_yes_no(word) is True
    assert answers.parse_yes_no(f"{word.capitalize()}!") is True
    assert answers.yes_no_word(word) is True
    assert match(word, YES_NO_BUTTONS).payload == "/affirm"
    if word not in NOT_A_YES_TO_SAFETY:
        assert safety_answer(word, None) is SafetyAnswer.SAFE
        assert carry_on_answer(word, None) is True


@pytest.mark.parametrize("word", NO)
def test_every_no_word_is_a_no_everywhere(word):
    assert answers.parse_yes_no(word) is False
    assert answers.yes_no_word(word) is False
    assert match(word, YES_NO_BUTTONS).payload == "/deny"
    assert safety_answer(word, None) is SafetyAnswer.UNSAFE
    assert carry_on_answer(word, None) is False


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", True),
        ("Yeah", True),
        ("y", True),
        ("ok", True),
        ("sure thing", True),
        ("nah not today", False),
        ("no", False),
        ("nah", False),
        ("nope", False),
        ("maybe", None),
        ("", None),
        (None, None),
        ("y'all", None),
        ("right now", None),
        ("…yes", True),
    ],
)
def test_yes_no_reads_the_start_of_her_answer(text, expected):
    assert answers.parse_yes_no(text) is expected


def test_a_whole_word_only_where_other_words_must_go_on():
    assert answers.yes_no_word("yes but he reads my texts") is None
    assert match("yes but he reads my texts", YES_NO_BUTTONS) is None
    assert answers.yes_no_word("yes.") is True


def test_yes_no_trusts_button_intents():
    assert answers.parse_yes_no("/affirm", "affirm") is True
    assert answers.parse_yes_no("/deny", "deny") is False


def test_safety_words_that_are_not_plain_yes_or_no_stay_with_the_safety_question():
    assert safety_answer("please help", None) is not SafetyAnswer.SAFE
    assert safety_answer("please", None) is None
    assert safety_answer("right now he's here", None) is not SafetyAnswer.SAFE
    assert safety_answer("right, he's coming back", None) is not SafetyAnswer.SAFE
    assert safety_answer("i'm safe", None) is SafetyAnswer.SAFE
    assert safety_answer("2", None) is SafetyAnswer.UNSAFE
    assert carry_on_answer("please", None) is None
    assert carry_on_answer("later", None) is False
    assert carry_on_answer("carry on", None) is True


@pytest.mark.parametrize(
    "text,expected",
    [
        ("skip", "skip"),
        ("Skip it", "skip"),
        ("rather not say", "skip"),
        ("go back", "back"),
        ("back", "back"),
        ("stop", "stop"),
        ("forget it", "stop"),
        ("change my number", "change"),
        ("Jo", None),
        ("SE15", None),
        ("stop texting me", None),
    ],
)
def test_control_words(text, expected):
    assert answers.detect_control(text) == expected


def test_clean_strips_control_characters_and_caps_length():
    assert answers.clean("\x00he\x07llo\n  there") == "hello there"
    assert len(answers.clean("a" * 10_000)) == answers.MAX_ANSWER


@pytest.mark.parametrize(
    "text,expected",
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("my number is 07911 123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("020 7946 0000", None),  # landline
        ("12345", None),
        ("+1 202 555 0143", None),  # not a UK mobile
        ("", None),
    ],
)
def test_mobile(text, expected):
    assert contact.normalise_mobile(text) == expected


def test_landline_is_recognised_for_a_specific_reask():
    assert contact.looks_like_landline("020 7946 0000")
    assert not contact.looks_like_landline("07700 900123")
