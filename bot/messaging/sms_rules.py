"""SMS rules in one place: encodings and segments, plain punctuation, carrier words.

Segments. One SMS carries 160 GSM-7 characters or 70 UCS-2 (UTF-16) units. A
longer message is sent as several segments that the phone joins up again, and
each segment then loses room to a header: 153 GSM-7 characters or 67 UCS-2
units. One character outside GSM-7 (an emoji, a curly quote) turns the whole
message into UCS-2 and more than doubles the number of segments, so
typographic punctuation is replaced by plain ASCII first (`plain_punctuation`).
The counting matches Twilio's segment calculator (tests/unit/test_sms_rules.py
checks it against Twilio's published cases).

Carrier words. Twilio (and UK carriers) treat a message that is just STOP,
STOPALL, UNSUBSCRIBE, END, QUIT, CANCEL, REVOKE or OPTOUT as an opt-out, START
or UNSTOP as an opt-in, HELP or INFO as a request for help. We honour the same
words. YES is an opt-in word on Twilio too, but here "yes" is an everyday
answer, so it is deliberately not treated as one. Because the carrier acts on
these words before the assistant sees them, the assistant must never offer
them as its own reply words (`offers_carrier_word`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# --- Encodings and segments ----------------------------------------------------------

# The GSM 03.38 default alphabet, and its extension table (each extension
# character costs two septets: an escape and the character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _costs(text: str, gsm: bool) -> list[int]:
    if gsm:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    # UTF-16: characters beyond the Basic Multilingual Plane (most emoji) take two units.
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def measure(text: str) -> SmsSize:
    """The encoding and the number of segments `text` is sent as."""
    gsm = is_gsm7(text)
    costs = _costs(text, gsm)
    units = sum(costs)
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if gsm else (UCS2_SINGLE, UCS2_MULTI)
    if units <= single:
        return SmsSize("GSM-7" if gsm else "UCS-2", units, 1 if units else 0)
    # Pack segments one character at a time: an escape pair or a surrogate
    # pair is never split across two segments, so this can exceed units/multi.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return SmsSize("GSM-7" if gsm else "UCS-2", units, max(segments, math.ceil(units / multi)))


def segments(text: str) -> int:
    return measure(text).segments


def fits(text: str, max_segments: int) -> bool:
    return measure(text).segments <= max_segments


# --- Plain punctuation -----------------------------------------------------------------

# Typography phones, listings and our own texts produce, mapped to GSM-7.
SMART_PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}
_SMART_RE = re.compile("|".join(re.escape(k) for k in SMART_PUNCTUATION))


def plain_punctuation(text: str) -> str:
    """Curly quotes, dashes, odd spaces made plain, so they don't force UCS-2."""
    return _SMART_RE.sub(lambda m: SMART_PUNCTUATION[m.group(0)], text or "")


# --- Carrier words ---------------------------------------------------------------------

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "REVOKE", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# What the assistant must never tell her to send: the carrier answers these itself.
NEVER_OFFERED = OPT_OUT_WORDS | HELP_WORDS


def keyword(text: str | None) -> str:
    """The message as a carrier reads it: the whole of it, in capitals, spaces and "." / "!" dropped."""
    return re.sub(r"[\s.!]+", "", (text or "").strip()).upper() if len(text or "") <= 20 else ""


def classify(text: str | None) -> str | None:
    """'opt_out', 'opt_in', 'help' or None for an ordinary message."""
    word = keyword(text)
    if word in OPT_OUT_WORDS:
        return "opt_out"
    if word in OPT_IN_WORDS:
        return "opt_in"
    if word in HELP_WORDS:
        return "help"
    return None


def is_opt_out_word(title: str) -> bool:
    return keyword(title) in OPT_OUT_WORDS


_WORDS = "|".join(sorted(NEVER_OFFERED))
_SEND_VERB = re.compile(r"\b(?:reply|say|send|text|type|write)\b", re.IGNORECASE)
# Straight after the verb, any case: "say stop", "reply 'cancel'".
_RIGHT_AFTER = re.compile(r"\s+['\"\u2018\u201c]?(" + _WORDS + r")\b", re.IGNORECASE)
# Later in the sentence only when written as a word to send, in capitals or in
# quotes ("reply YES or STOP"), so "say 'leave it' to stop" is not one.
_LATER = re.compile(r"\b(" + _WORDS + r")\b|['\"\u2018\u201c](?i:(" + _WORDS + r"))['\"\u2019\u201d]")


def offers_carrier_word(text: str | None) -> str | None:
    """The opt-out or help word `text` tells her to send ("say STOP ..."), if any: the one check."""
    text = text or ""
    for verb in _SEND_VERB.finditer(text):
        sentence = re.split(r"[.!?\n]", text[verb.end() :], maxsplit=1)[0]
        found = _RIGHT_AFTER.match(sentence) or _LATER.search(sentence)
        if found:
            return (found.group(1) or found.group(2)).upper()
    return None
