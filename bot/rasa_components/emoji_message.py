"""What an emoji-only message means (#19 point 5), for BlankMessageClassifier.

The intent model never saw emoji as words: "🙏" and "😢" came out as 'thank'
("You're welcome"). A message of emoji only is read here instead, by the
emoji themselves:
- a thumbs up, OK hand or tick is a yes ('affirm': the answer to a yes/no
  question, as the forms read it), a thumbs down a no;
- a sad or crying face, a broken heart, is 'distress': the gentle line (a
  person, the helplines) and a keyworker is told, as for the same in words;
- a wave is a hello;
- anything else (prayer hands, a heart, a smile, a flower) is not guessed at:
  the greeting with the menu and a person, never "You're welcome" to a plea.
"""

from __future__ import annotations

import unicodedata

# Joiners, variation selectors and skin tones carry no meaning of their own.
_MODIFIERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"} | {chr(c) for c in range(0x1F3FB, 0x1F400)}
YES = set("👍👌✅✔☑🆗🙆")
NO = set("👎❌✖🙅")
SAD = set("😢😭😞😔😟😥😰😩😫😿🥺☹🙁😣😖💔😓😪🥲")
HELLO = set("👋")


def _is_emoji(ch: str) -> bool:
    # So: other symbols (emoji, arrows, dingbats); Sk covers the skin tone modifiers' kin.
    return ch in _MODIFIERS or unicodedata.category(ch) in ("So", "Sk") or 0x1F000 <= ord(ch) <= 0x1FAFF


def emoji_only(text: str | None) -> bool:
    """True for a message of emoji (and spaces or punctuation) with at least one emoji."""
    chars = [ch for ch in (text or "") if not ch.isspace()]
    if not any(_is_emoji(ch) and ch not in _MODIFIERS for ch in chars):
        return False
    return all(_is_emoji(ch) or unicodedata.category(ch).startswith("P") for ch in chars)


def intent_for(text: str) -> str:
    """The intent an emoji-only message stands for (see the module docstring)."""
    found = {ch for ch in text if ch not in _MODIFIERS}
    if found & SAD:  # sadness is never overruled by a thumbs up beside it
        return "distress"
    if found & NO and not found & YES:
        return "deny"
    if found & YES and not found & NO:
        return "affirm"
    return "greet"
