"""SMS text: tidying a reply and splitting it into texts.

Segment counting, the GSM-7 alphabet and plain punctuation live in
bot/messaging/sms_rules.py (one home for SMS rules); this module uses them.
A reply longer than the segment budget is split into several texts at the
most natural place that fits: a line break, then a sentence end, then a space.
"""

from __future__ import annotations

import re

from bot.messaging.sms_rules import fits, plain_punctuation
from bot.settings import get_settings


def normalise(text: str) -> str:
    """Plain punctuation instead of typographic, tidy spaces, no control characters."""
    text = plain_punctuation(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (other than newline) mean nothing on a phone.
    text = "".join(c for c in text if c == "\n" or ord(c) >= 32 and not 0x7F <= ord(c) < 0xA0)
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


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


def split(text: str, max_segments: int | None = None) -> list[str]:
    """Normalise `text` and cut it into texts of at most `max_segments` segments each.

    `max_segments` defaults to settings.sms_max_segments (ELPIS_SMS_MAX_SEGMENTS).

    Nothing is dropped: the parts joined with line breaks give the normalised
    text back (up to the whitespace at the cuts).
    """
    if max_segments is None:
        max_segments = get_settings().sms_max_segments
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
