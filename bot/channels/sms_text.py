"""SMS text: encodings, segment counts and splitting a reply into texts.

One SMS carries 160 GSM-7 characters or 70 UCS-2 (UTF-16) units. A longer
message is sent as several segments that the phone joins up again, and each
segment then loses room to a header: 153 GSM-7 characters or 67 UCS-2 units.
One character outside GSM-7 (an emoji, a curly quote) turns the whole message
into UCS-2 and more than doubles the number of segments, so typographic
punctuation is first replaced by plain ASCII.

A reply longer than the segment budget is split into several texts at the
most natural place that fits: a line break, then a sentence end, then a space.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

# The GSM 03.38 default alphabet, and its extension table (each extension
# character costs two septets: an escape and the character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

# Typography phones and our own texts produce, mapped to GSM-7.
_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": "-",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ", "\t": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}
_REPLACE_RE = re.compile("|".join(re.escape(k) for k in _REPLACEMENTS))


def normalise(text: str) -> str:
    """Plain punctuation instead of typographic, tidy spaces, no control characters."""
    text = _REPLACE_RE.sub(lambda m: _REPLACEMENTS[m.group(0)], text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (other than newline) mean nothing on a phone.
    text = "".join(c for c in text if c == "\n" or ord(c) >= 32 and not 0x7F <= ord(c) < 0xA0)
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


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


def fits(text: str, max_segments: int) -> bool:
    return measure(text).segments <= max_segments


def _longest_fitting_prefix(text: str, max_segments: int) -> int:
    # Cost only grows as the prefix grows (a new character can switch the
    # encoding to UCS-2 but never back), so a binary search finds the edge.
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid], max_segments):
            lo = mid
        else:
            hi = mid - 1
    return lo


_BREAKS = (
    re.compile(r"\n"),  # a line or paragraph
    re.compile(r"(?<=[.!?:])\s"),  # a sentence
    re.compile(r"(?<=[,;)])\s"),  # a clause
    re.compile(r"\s"),  # a word
)


def split(text: str, max_segments: int = 3) -> list[str]:
    """Normalise `text` and cut it into texts of at most `max_segments` segments each.

    Nothing is dropped: the parts joined with line breaks give the normalised
    text back (up to the whitespace at the cuts).
    """
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    rest = normalise(text)
    parts: list[str] = []
    while rest:
        if fits(rest, max_segments):
            parts.append(rest)
            break
        limit = _longest_fitting_prefix(rest, max_segments)
        window = rest[: limit + 1]  # a break right after the last fitting character is fine
        cut = None
        for pattern in _BREAKS:
            # Prefer a natural break, unless it would leave a tiny first part.
            positions = [m.start() for m in pattern.finditer(window) if m.start() >= limit // 3]
            if positions:
                cut = positions[-1]
                break
        if cut is None or cut == 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [p for p in parts if p]


def join_replies(texts: list[str]) -> str:
    """One reply from the bot's messages in a turn (each on its own line)."""
    return "\n".join(t.strip() for t in texts if t and t.strip())
