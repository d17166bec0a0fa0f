"""Carrier keywords, and the rule that the bot never offers them as reply words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.channels import sms_keywords
from bot.messaging.sms_rules import OPT_OUT_WORDS, classify, is_opt_out_word, measure
from bot.messaging.sms_rules import offers_carrier_word as offers_opt_out_word
from bot.settings import REPO_ROOT


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop. ",
        "STOP!",
        "stopall",
        "STOP ALL",
        "Unsubscribe",
        "END",
        "quit",
        "CANCEL",
        "revoke",
        "OPTOUT",
        "opt out",
    ],
)
def test_opt_out_words(text):
    assert classify(text) == "opt_out"


@pytest.mark.parametrize("text", ["START", "start", "Unstop"])
def test_opt_in_words(text):
    assert classify(text) == "opt_in"


@pytest.mark.parametrize("text", ["HELP", "help", "Info"])
def test_help_words(text):
    assert classify(text) == "help"


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "stop texting me",
        "please stop",
        "the end",
        "cancel my appointment",
        "I need help",
        "",
        None,
        "s t o p" * 5,
    ],
)
def test_ordinary_messages(text):
    assert classify(text) is None


def test_fixed_texts_are_short_plain_and_never_offer_opt_out_words():
    for name in ("HELP_TEXT", "OPT_IN_TEXT", "RATE_LIMITED_TEXT", "MEDIA_TEXT", "UNREADABLE_TEXT", "ERROR_TEXT"):
        text = getattr(sms_keywords, name)
        size = measure(text)
        assert size.encoding == "GSM-7" and size.segments <= 2, name
        assert offers_opt_out_word(text) is None, name
        assert not any(w in text.upper().split() for w in OPT_OUT_WORDS), name
    assert "999" in sms_keywords.HELP_TEXT and "0808 2000 247" in sms_keywords.HELP_TEXT
    assert "talk to someone" in sms_keywords.HELP_TEXT


def test_offers_opt_out_word():
    assert offers_opt_out_word("To stop, say STOP.") == "STOP"
    assert offers_opt_out_word("Reply 'cancel' to cancel it") == "CANCEL"
    assert offers_opt_out_word("You can say 'leave it' to stop at any time.") is None
    assert offers_opt_out_word("Your appointment is cancelled.") is None


def _responses():
    for path in sorted((REPO_ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(Path(path).read_text()) or {}
        for name, variants in (data.get("responses") or {}).items():
            for variant in variants or []:
                yield f"{path.name}:{name}", variant


def test_the_domain_never_offers_carrier_opt_out_words():
    problems = []
    for where, variant in _responses():
        for key in ("buttons", "quick_replies"):
            for button in variant.get(key) or []:
                if is_opt_out_word(str(button.get("title", ""))) or is_opt_out_word(str(button.get("payload", ""))):
                    problems.append(f"{where}: button {button}")
        word = offers_opt_out_word(variant.get("text") or "")
        if word:
            problems.append(f"{where}: tells her to send {word}")
    assert problems == []
