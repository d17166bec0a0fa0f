"""Which earlier answer she wants to change, and the new value when she gives
it in the same message ("the number is wrong, it's 07700 900432").

Field names are the referral form's slots.
"""

from __future__ import annotations

import re

from bot.conversation.answers import clean

_FIELDS = [
    ("preferred_name", r"name|call me"),
    ("location", r"postcode|post code|area|address|borough|where i live|live|moved"),
    ("phone", r"number|phone|mobile|mob"),
    ("contact_safety", r"texts?|calls?|contact"),
    ("safe_times", r"times?|when"),
    ("caution_details", r"date|reference|\bref\b"),
    ("pathway", r"police|caution|self|myself"),
    ("needs", r"help|needs?|support|options"),
]


def field_to_change(text: str | None) -> str | None:
    t = clean(text).lower()
    for slot, pattern in _FIELDS:
        if re.search(rf"\b({pattern})", t):
            return slot
    return None


# --- Corrections with the new value in the same message ----------------------
# "oh wait the number is wrong, it's 07700900432" or "change my name to Jess":
# the form takes the new value instead of asking for it again.

_CORRECTION_WORDS = re.compile(
    r"\b(change|changed|wrong|edit|fix|correct(ion)?|mistake|typo|meant|actually|instead|not right|oops|sorry|moved)\b",
    re.I,
)
# Where the new value starts ("it's 0770...", "to Jess", "should be SE15 4QF").
_VALUE_MARKER = re.compile(
    r"(\bit\s*'?s\b|\bits\b|\bit is\b|\bit should be\b|\bshould be\b|\bshould say\b|\bis actually\b|"
    r"\bactually\b|\bcall me\b|\bto\b|:|=|->)",
    re.I,
)
_COMPLAINT = re.compile(
    r"\b(is|'s|s|are|was|were)?\s*(spelt|spelled|written|put)?\s*"
    r"(wrong|not right|incorrect|a mistake|a typo|misspelt|misspelled|changed|out of date|old)\b",
    re.I,
)
_LEAD_FILLER = re.compile(r"^(\s|[,.;:!-]|\b(is|'s|s|was|are|and|but|so|now|sorry|oh|oops|please|pls)\b)+", re.I)
_TAIL_FILLER = re.compile(r"(\s|[,.;:!-]|\b(now|instead|please|pls|thanks|thank you|ta|x+|then|sorry|not)\b)+$", re.I)
# Words a correction's leftovers may hold that are never part of a name.
_NOT_A_NAME = re.compile(
    r"\b(any|anytime|time|times|after|before|am|pm|only|texts?|calls?|ok|okay|fine|please|not|no|yes|wrong|right|"
    r"change|changed|that|this|it|name|number|phone|mobile|spelt|spelled|mistake|typo|me|my|is)\b",
    re.I,
)


def says_correction(text: str | None) -> bool:
    """Words that mark a correction of an earlier answer."""
    return bool(_CORRECTION_WORDS.search(clean(text)))


def correction_value(text: str | None, field: str) -> str | None:
    """The words that hold the new value of `field` in a correction, or None.

    The value comes after the last marker ("it's", "to", "should be"), or
    else after the field's own word ("my name is Jess"); complaints ("is
    wrong") and what she is taking back ("not Jo") are dropped.
    """
    t = clean(text)
    pattern = dict(_FIELDS).get(field)
    if not t or pattern is None:
        return None
    markers = list(_VALUE_MARKER.finditer(t))
    field_word = re.search(rf"\b({pattern})\w*", t, re.I)
    if markers and (
        field_word is None or markers[-1].start() >= field_word.end() - 1 or field in ("phone", "location")
    ):
        value = t[markers[-1].end() :]
    elif field_word is not None:
        value = t[field_word.end() :]
    else:
        return None
    value = _COMPLAINT.sub(" ", value)
    if field not in ("contact_safety", "safe_times"):
        # "Jess not Jo", "Hackney, not Lambeth": the part after "not" is the old value.
        value = re.split(r"(?i)[,;]?\s*\bnot\b", value)[0]
    value = _TAIL_FILLER.sub("", _LEAD_FILLER.sub("", value)).strip()
    if not value or not re.search(r"[^\W_]", value):
        return None
    if field == "preferred_name" and _NOT_A_NAME.search(value):
        return None
    return value
