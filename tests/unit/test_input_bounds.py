"""Every message is bounded before Rasa stores or understands it (bot/channels/input_bounds.py)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.input_bounds import MAX_CHARS, MAX_CHUNK, MAX_NLU_WORDS, MAX_RUN, bound, for_nlu
from bot.rasa_components.parse_thread import not_understood


def test_a_run_of_one_character_is_cut_to_three_and_she_is_told_when_words_were_dropped():
    b = bound("[" * 100_000)
    assert b.text == "[" * MAX_RUN
    assert b.truncated_from == 100_000


def test_digits_are_never_collapsed_so_numbers_and_codes_survive():
    assert bound("my number is 07700 900000, code 111111").text == "my number is 07700 900000, code 111111"


def test_controls_bidi_overrides_and_lone_surrogates_go_but_joiners_stay():
    text = "hi\x00 there\u202e\u2066 \ud800ok 👩\u200d👧 \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    out = bound(text).text
    assert "\x00" not in out and "\u202e" not in out and "\u2066" not in out and "\ud800" not in out
    assert "\u200d" in out and "\u200c" in out
    assert out.startswith("hi there")


def test_a_long_message_is_cut_at_a_space_and_marked():
    words = "I have rent arrears and my landlord keeps calling " * 100
    b = bound(words)
    assert len(b.text) <= MAX_CHARS and b.truncated_from == len(words)
    assert words.startswith(b.text) and not b.text.endswith(" ")
    assert words[len(b.text)] == " "


def test_an_sms_never_needs_cutting():
    sms = ("Please can you help me with my money problems, " * 40)[:1600]
    assert bound(sms) == bound(sms.strip()) and not bound(sms).truncated


def test_the_model_never_sees_a_run_without_spaces_longer_than_the_chunk():
    nlu = for_nlu(bound("ab" * 50_000).text)
    assert max(len(run) for run in nlu.split()) <= MAX_CHUNK


def test_the_model_reads_the_first_words_and_no_long_run_of_symbols():
    assert for_nlu(bound("[]" * 50_000).text) == "[]["
    assert for_nlu("help!!??!! now 🙏😢🙏😢🙏") == "help!!? now 🙏😢🙏"
    words = for_nlu(bound("I need help with my rent " * 300).text).split()
    assert len(words) == MAX_NLU_WORDS and words[:4] == ["I", "need", "help", "with"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12_000))
def test_any_text_is_bounded(text):
    b = bound(text)
    assert len(b.text) <= MAX_CHARS
    assert not re.search(r"([^\d])\1{%d,}" % MAX_RUN, b.text)
    b.text.encode("utf-8")  # no lone surrogates left to break a database or a socket
    nlu = for_nlu(b.text).split()
    assert len(nlu) <= MAX_NLU_WORDS and all(len(run) <= MAX_CHUNK for run in nlu)


def test_not_understood_in_time_is_still_danger_when_the_net_says_so():
    assert not_understood("he's outside and says he'll kill me")["intent"]["name"] == "crisis"
    assert not_understood("what time do you open")["intent"]["name"] == "nlu_fallback"
