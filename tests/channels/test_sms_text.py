"""SMS segments: GSM-7 vs UCS-2 limits, and splitting long replies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.sms_text import join_replies, normalise, split
from bot.messaging.sms_rules import is_gsm7, measure


@pytest.mark.parametrize(
    "text, encoding, segments",
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),  # past one SMS: 153 per segment
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("a" * 459, "GSM-7", 3),
        ("a" * 460, "GSM-7", 4),
        ("é£ñÜ" * 40, "GSM-7", 1),  # accents in the GSM alphabet cost nothing extra
        ("{" * 80, "GSM-7", 1),  # extension characters take two septets
        ("{" * 81, "GSM-7", 2),
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 2),  # the escape pair is never split across segments
        ("ç" * 70, "UCS-2", 1),  # lower-case ç is not GSM-7
        ("ç" * 71, "UCS-2", 2),
        ("ç" * 134, "UCS-2", 2),
        ("ç" * 135, "UCS-2", 3),
        ("😀" * 35, "UCS-2", 1),  # an emoji is two UTF-16 units
        ("😀" * 36, "UCS-2", 2),
        ("a" * 66 + "😀" + "a" * 10, "UCS-2", 2),  # a surrogate pair is never split either
        ("a" * 159 + "’", "UCS-2", 3),  # one curly quote turns 160 characters into 3 segments
    ],
)
def test_measure(text, encoding, segments):
    size = measure(text)
    assert (size.encoding, size.segments) == (encoding, segments)


def test_extension_pair_at_segment_edge_takes_a_new_segment():
    # 306 septets either way, but after 152 septets the 2-septet "€" does not
    # fit in the first 153-septet segment and moves to the next one.
    assert measure("a" * 151 + "€" + "a" * 153).segments == 2
    assert measure("a" * 152 + "€" + "a" * 152).segments == 3
    assert measure("a" * 152 + "€").segments == 1  # 154 septets still fit one single SMS


def test_normalise_turns_typography_into_gsm7():
    text = normalise("It’s “fine” – honestly…\u00a0ok\u200b")
    assert text == 'It\'s "fine" - honestly... ok'
    assert is_gsm7(text)


def test_normalise_drops_control_characters_and_tidies_space():
    assert normalise("a\x00b\x07c  d \r\n e\n\n\n\nf") == "abc d\ne\n\nf"


def test_curly_quotes_are_not_what_makes_a_reply_ucs2():
    reply = "I’ll ask a few short questions. You can say ‘go back’ at any time. " * 2
    [part] = split(reply, 3)
    assert measure(part).encoding == "GSM-7"


def test_short_reply_is_one_part():
    assert split("Are you 18 or over?\nReply 1 for Yes, or 2 for No.") == [
        "Are you 18 or over?\nReply 1 for Yes, or 2 for No."
    ]


def test_long_reply_splits_at_line_breaks_within_budget():
    lines = [f"Line {i}: " + "words " * 20 for i in range(10)]
    parts = split("\n".join(lines), max_segments=2)
    assert len(parts) > 1
    for part in parts:
        assert measure(part).segments <= 2
        assert part.startswith("Line ")  # every cut is at a line break
    assert "\n".join(parts) == normalise("\n".join(lines))


def test_long_paragraph_splits_at_sentences():
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    parts = split(text, max_segments=1)
    for part in parts:
        assert measure(part).segments == 1
        assert part.endswith(".")


def test_ucs2_text_splits_by_ucs2_limits():
    text = " ".join(["Dzień dobry 😀"] * 30)
    parts = split(text, max_segments=1)
    assert all(measure(p).encoding == "UCS-2" and measure(p).segments == 1 for p in parts)
    assert " ".join(parts) == normalise(text)


def test_unbreakable_text_is_cut_hard():
    parts = split("x" * 1000, max_segments=1)
    assert [len(p) for p in parts] == [160] * 6 + [40]


def test_join_replies():
    assert join_replies(["Hi.", "", "  ", "How are you?"]) == "Hi.\nHow are you?"


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=1500), st.integers(min_value=1, max_value=4))
def test_split_never_loses_text_and_respects_budget(text, budget):
    parts = split(text, budget)
    for part in parts:
        assert measure(part).segments <= budget
    squash = lambda s: "".join(s.split())  # noqa: E731 - cuts may eat whitespace only
    assert squash("".join(parts)) == squash(normalise(text))
