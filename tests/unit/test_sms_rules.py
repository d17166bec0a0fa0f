"""SMS rules: segments against Twilio's published cases, plain punctuation, carrier words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.messaging.sms_rules import (
    HELP_WORDS,
    OPT_IN_WORDS,
    OPT_OUT_WORDS,
    SmsSize,
    classify,
    is_gsm7,
    measure,
    offers_carrier_word,
    plain_punctuation,
    segments,
)

# Twilio's published cases: TwilioDevEd/message-segment-calculator tests/index.test.js
# (the file's "source" says which commit), copied here so the test needs nothing outside.
VECTORS = json.loads((Path(__file__).parent / "twilio_segment_vectors.json").read_text(encoding="utf-8"))
UDH_BITS = VECTORS["extra"]["udh_bits_per_segment"]  # the header each part of a long SMS carries
# Twilio's default carrier words (Advanced Opt-Out); YES also opts in there, deliberately not here.
TWILIO_OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
TWILIO_HELP = {"HELP", "INFO"}
TWILIO_OPT_IN = {"START", "YES", "UNSTOP"}


def _bits(text: str) -> tuple[int, int]:
    """Twilio's messageSize and totalSize: payload bits, and with the headers."""
    size = measure(text)
    payload = size.units * (7 if size.encoding == "GSM-7" else 16)
    return payload, payload + (UDH_BITS * size.segments if size.segments > 1 else 0)


@pytest.mark.parametrize("case", VECTORS["vectors"], ids=lambda c: c["description"])
def test_twilio_segment_vectors(case):
    size = measure(case["body"])
    assert (size.encoding, size.segments) == (case["encoding"], case["segments"])
    assert _bits(case["body"]) == (case["messageSize_bits"], case["totalSize_bits"])


def test_twilio_limits_are_ours():
    limits = VECTORS["limits"]
    gsm_single = limits["GSM-7"]["single"]
    assert segments("a" * gsm_single) == 1 and segments("a" * (gsm_single + 1)) == 2
    assert measure("a" * limits["GSM-7"]["multi_per_segment"] * 3).segments == 3
    assert measure("ç" * limits["UCS-2"]["single"]).segments == 1
    assert measure("ç" * limits["UCS-2"]["multi_per_segment"] * 2).segments == 2
    assert measure("ç" * (limits["UCS-2"]["multi_per_segment"] * 2 + 1)).segments == 3


@pytest.mark.parametrize("char", VECTORS["extra"]["gsm7_escape_chars_count_as_2_septets"])
def test_twilio_escape_characters_take_two_septets(char):
    # Twilio's cases: the escape character and 158 digits fill one SMS exactly; 159 need two.
    one, two = char + "1234567890" * 15 + "12345678", char + "1234567890" * 15 + "123456789"
    assert (measure(one).encoding, measure(one).segments, _bits(one)) == ("GSM-7", 1, (1120, 1120))
    assert (measure(two).segments, _bits(two)) == (2, (1127, 1223))


@pytest.mark.parametrize("char", VECTORS["extra"]["accented_UCS2_70_chars_of_each"])
def test_twilio_accented_letters_outside_gsm7(char):
    assert not is_gsm7(char)
    assert segments(char * 70) == 1 and segments(char * 71) == 2


def test_twilio_issue_18_gsm_escape_characters_in_a_ucs2_message_count_once():
    # Twilio's "special tests": an emoji and ']' (two septets in GSM-7, one unit in UCS-2).
    assert segments("😀" + "]" * 68) == 1
    assert segments("😀" + "]" * 69) == 2


def test_empty_text_is_no_segments():
    assert measure("") == SmsSize("GSM-7", 0, 0)


def test_plain_punctuation_keeps_a_text_gsm7():
    assert plain_punctuation("Women’s – centre") == "Women's - centre"
    assert plain_punctuation("“Hi” ‘there’ — now… ok\u00a0") == "\"Hi\" 'there' - now... ok "
    assert is_gsm7(plain_punctuation("It’s “fine” – honestly…\u00a0ok\u200b"))
    assert plain_punctuation(None) == ""


def test_carrier_words_are_twilios():
    assert OPT_OUT_WORDS == TWILIO_OPT_OUT and HELP_WORDS == TWILIO_HELP
    assert OPT_IN_WORDS == TWILIO_OPT_IN - {"YES"} and classify("yes") is None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("STOP", "opt_out"),
        (" stop. ", "opt_out"),
        ("Stop all", "opt_out"),
        ("optout", "opt_out"),
        ("START", "opt_in"),
        ("unstop!", "opt_in"),
        ("HELP", "help"),
        ("info", "help"),
        ("please stop", None),
        ("I need help", None),
        ("", None),
        (None, None),
    ],
)
def test_classify(text, kind):
    assert classify(text) == kind


@pytest.mark.parametrize(
    "text, word",
    [
        ("To stop, say STOP.", "STOP"),
        ("Reply 'cancel' to cancel it", "CANCEL"),
        ("Reply STOP to stop these", "STOP"),
        ("text cancel to cancel", "CANCEL"),
        ("Reply YES to confirm or STOP to end.", "STOP"),  # later in the sentence, in capitals
        ("Reply with 'end' to finish", "END"),  # later in the sentence, in quotes
        ("Send HELP for more", "HELP"),  # the carrier answers HELP itself
        ("Reply “info” for details", "INFO"),
        ("You can say 'leave it' to stop at any time.", None),
        ("Your appointment is cancelled.", None),
        ("You can say 'get support', 'find help' or 'talk to someone'.", None),
        ("I'll send your details on, and someone will help you.", None),
        ("Reply YES to confirm or CHANGE to rearrange.", None),
        ("Say 'talk to someone'. STOP means something else.", None),  # another sentence
        ("", None),
    ],
)
def test_offers_carrier_word(text, word):
    assert offers_carrier_word(text) == word
