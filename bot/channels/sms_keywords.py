"""Carrier keywords on SMS, and the fixed texts the channel sends itself.

Twilio (and UK carriers) treat a message that is just STOP, STOPALL,
UNSUBSCRIBE, END, QUIT, CANCEL, REVOKE or OPTOUT as an opt-out, START or
UNSTOP as an opt-in, HELP or INFO as a request for help. We honour the same
words: an opt-out is recorded and nothing more is sent to that number until
it opts in again. YES is an opt-in word on Twilio too, but here "yes" is
an everyday answer, so it is deliberately not treated as one.

Because these are carrier words, the assistant must never offer them as its
own reply options (it says "leave it" to stop a conversation).
"""
from __future__ import annotations

import re

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "REVOKE", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})

# Short, plain, discreet (no service name), never a dead end.
HELP_TEXT = (
    "This is an automated helper. To reach a person, reply 'talk to someone'. "
    "In danger now? Call 999. If you can't talk, call 999 from a mobile, then press 55. "
    "Domestic Abuse Helpline 0808 2000 247. Samaritans 116 123. Both free, day and night."
)
OPT_IN_TEXT = "Texts from us are back on. Reply 'hi' to see what I can do, or 'talk to someone' to reach a person."
RATE_LIMITED_TEXT = (
    "You've sent a lot of messages very quickly. Please wait a minute, then send your message again. "
    "If you're in danger, call 999."
)
MEDIA_TEXT = (
    "Sorry, I can't open pictures or files. Please type your message instead, "
    "or reply 'talk to someone' to reach a person."
)
UNREADABLE_TEXT = "Sorry, I couldn't read that message. Could you send it again in a few words?"
ERROR_TEXT = (
    "Sorry, something went wrong on our side. Please send that again in a minute. "
    "If you're in danger, call 999."
)


def _keyword(text: str | None) -> str:
    # Carriers match the whole message; allow stray spaces and a full stop or "!".
    return re.sub(r"[\s.!]+", "", (text or "").strip()).upper() if len(text or "") <= 20 else ""


def classify(text: str | None) -> str | None:
    """'opt_out', 'opt_in', 'help' or None for an ordinary message."""
    word = _keyword(text)
    if word in OPT_OUT_WORDS:
        return "opt_out"
    if word in OPT_IN_WORDS:
        return "opt_in"
    if word in HELP_WORDS:
        return "help"
    return None


_OFFERS_WORD = re.compile(
    r"\b(?:reply|say|send|text|type|write)\s+['\"]?(" + "|".join(sorted(OPT_OUT_WORDS)) + r")\b", re.IGNORECASE
)


def offers_opt_out_word(text: str) -> str | None:
    """The opt-out word `text` tells her to send ("say STOP ..."), if any."""
    m = _OFFERS_WORD.search(text or "")
    return m.group(1).upper() if m else None


def is_opt_out_word(title: str) -> bool:
    return _keyword(title) in OPT_OUT_WORDS
