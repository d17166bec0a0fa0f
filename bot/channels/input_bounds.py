"""What any message may cost: one rule for every channel (REST, web chat, SMS).

spaCy's tokenizer is quadratic in the length of a run without spaces that
it has to split into punctuation (100,000 `[` held the Rasa process for over
20 minutes). So before anything reads her words:
- characters that carry no meaning (NUL and other controls, bidi overrides,
  lone surrogates) go;
- a run of one repeated character is cut to three ("!!!!!!!!" -> "!!!"), but
  never a run of digits, which may be a phone number or a code;
- the text is cut at about MAX_CHARS, at a space where there is one, and she
  is told ("That's a long message; I read the first part"). An SMS (1,600
  characters at most) always fits.
For the model only (`for_nlu`): a run of punctuation or emoji is cut to its
first three characters, a run of more than MAX_CHUNK characters without a
space is broken with spaces, and only the first MAX_NLU_WORDS words are read:
the model's cost grows with the number of tokens (about 0.25 ms each), and
the meaning is in the first words (the sentence encoder reads 128 word pieces
at most, about 50 words). The crisis policy still checks the whole stored
text for danger.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.wording import say

MAX_CHARS = 2000
MAX_RUN = 3
MAX_CHUNK = 40
MAX_NLU_WORDS = 50

LONG_MESSAGE_NOTE = say("channels.long_message")  # read by bot/rasa_components/bounded_input.py

_KEEP_FORMAT = {"\u200c", "\u200d"}  # zero-width (non-)joiners shape emoji and Persian/Urdu script
_KEEP_CONTROL = {"\n", "\t"}
_REPEAT_RE = re.compile(r"([^\d])\1{%d,}" % MAX_RUN, re.DOTALL)
_SYMBOL_RUN_RE = re.compile(r"([^\w\s]{%d})[^\w\s]+" % MAX_RUN)
_CHUNK_RE = re.compile(r"\S{%d}(?=\S)" % MAX_CHUNK)
_SPACES_RE = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class Bounded:
    text: str
    truncated_from: int | None = None  # her message's length when it was cut

    @property
    def truncated(self) -> bool:
        return self.truncated_from is not None


def _meaningful(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch if ch in _KEEP_CONTROL else " "
    if category in ("Cf", "Cs"):
        return ch if ch in _KEEP_FORMAT else ""
    return ch


def _strip_meaningless(text: str) -> str:
    if text.isprintable():  # the usual case, checked in C
        return text
    return "".join(_meaningful(ch) for ch in text)


def _cut(text: str, limit: int) -> str:
    head = text[:limit]
    space = head.rfind(" ", limit - 200)
    return (head[:space] if space > 0 else head).rstrip()


def bound(text: object) -> Bounded:
    """Her message as everything downstream sees it (stored, understood, parsed)."""
    if not isinstance(text, str):
        return Bounded("")
    original = len(text)
    # Cut first (with room for the collapsing below) so no step ever scans more than a bounded prefix.
    text = text[: MAX_CHARS * 4]
    text = _strip_meaningless(text)
    text = _REPEAT_RE.sub(lambda m: m.group(1) * MAX_RUN, text)
    text = _SPACES_RE.sub(" ", text)
    if len(text) > MAX_CHARS:
        return Bounded(_cut(text, MAX_CHARS), original)
    if original > MAX_CHARS * 4:
        return Bounded(text, original)
    return Bounded(text)


def for_nlu(text: str) -> str:
    """What the model reads of a bounded text (see the module docstring)."""
    text = _SYMBOL_RUN_RE.sub(r"\1", text)
    text = _CHUNK_RE.sub(lambda m: m.group(0) + " ", text)
    words = text.split(maxsplit=MAX_NLU_WORDS)
    return text if len(words) <= MAX_NLU_WORDS else " ".join(words[:MAX_NLU_WORDS])
