"""Her answer as text: cleaned, read as yes or no, or as a form command.

Pure functions (text in, value out). Each returns None when the answer can't
be read, and the question is asked again kindly.
"""

from __future__ import annotations

import re
import unicodedata

from bot.wording.catalogue import current_language
from bot.wording.languages import language

MAX_ANSWER = 500


def clean(text: str | None) -> str:
    """Drop control characters and squash spaces; cap the length; one Unicode form (NFC),
    so a letter typed as one character or as two matches the same words."""
    text = unicodedata.normalize("NFC", (text or "")[:MAX_ANSWER])
    text = "".join(ch for ch in text if ch.isprintable() or ch in " \t")
    return re.sub(r"\s+", " ", text).strip()


# --- Yes and no --------------------------------------------------------------
# One list for every question, buttons' SMS replies and the crisis check alike.
# Polish, Romanian, Spanish, French, Portuguese, Turkish, Somali, Hindi/Urdu and
# Arabic words are here because women answer in their own language.

YES_WORDS = (
    "y",
    "ye",
    "yes",
    "yeah",
    "yea",
    "yep",
    "yup",
    "yh",
    "ya",
    "aye",
    "ok",
    "okay",
    "k",
    "sure",
    "fine",
    "correct",
    "right",
    "that's right",
    "that's ok",
    "that's fine",
    "that's correct",
    "go on",
    "of course",
    "course",
    "please",
    "yes please",
    "sounds good",
    "alright",
    "affirm",
    "definitely",
    "si",
    "sí",
    "tak",
    "da",
    "oui",
    "sim",
    "evet",
    "haa",
    "haan",
    "na'am",
    "نعم",
)
NO_WORDS = (
    "n",
    "no",
    "nope",
    "nah",
    "na",
    "nay",
    "not really",
    "no thanks",
    "no thank you",
    "deny",
    "never",
    "nie",
    "nu",
    "non",
    "não",
    "nao",
    "hayir",
    "hayır",
    "maya",
    "la",
    "nahi",
)


def _words_pattern(words: tuple[str, ...]) -> str:
    """Longest first; a repeated last letter ("yesss", "nooo") and a missing
    apostrophe ("thats right") still count."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        body = re.escape(word).replace(r"\ ", r"\s+").replace("'", "'?")
        parts.append(body + "+")
    return "|".join(parts)


# A word ends at a space or punctuation, but not at an apostrophe: "na'am" is
# not "na", "y'all" is not "y".
_END = r"(?![\w'])"
_YES = re.compile(rf"^(?!right now\b)(?:{_words_pattern(YES_WORDS)}){_END}", re.I)
_NO = re.compile(rf"^(?:{_words_pattern(NO_WORDS)}){_END}", re.I)


def _plain(text: str | None) -> str:
    return re.sub(r"^\W+", "", clean(text).replace("\u2019", "'").lower()).strip(".!")


def parse_yes_no(text: str | None, intent: str | None = None) -> bool | None:
    """True or False when her answer starts with a yes or a no ("yes please",
    "nah not today"); the buttons' intents are trusted."""
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    t = _plain(text)
    own = _own_yes_no(t)
    if own is not None:
        return own
    if _NO.match(t):
        return False
    if _YES.match(t):
        return True
    return None


def _own_yes_no(t: str) -> bool | None:
    """Her language's own yes and no first, longest first: Polish "no tak" is yes, though
    English reads its "no"; Arabic "لا بأس" (no problem) is yes, though it starts with "لا"."""
    code = current_language()
    if code == "en":
        return None
    words = language(code).answer_words
    found = [(w, True) for w in words.get("yes", ())] + [(w, False) for w in words.get("no", ())]
    for word, value in sorted(found, key=lambda f: -len(f[0])):
        if t == word or (t.startswith(word) and not t[len(word)].isalnum() and t[len(word)] != "'"):
            return value
    return None


def yes_no_word(text: str | None) -> bool | None:
    """True or False only when her whole answer is a yes or a no word: where
    any other words must go on as she wrote them."""
    t = _plain(text).strip(" .!?")
    code = current_language()
    if code != "en":
        words = language(code).answer_words
        if t in words.get("yes", ()):
            return True
        if t in words.get("no", ()):
            return False
    if _NO.fullmatch(t):
        return False
    if _YES.fullmatch(t):
        return True
    return None


# --- Form commands: skip, back, stop, change -----------------------------------
# Exact short phrases only: the model's intent is the second opinion.

_SKIP = re.compile(
    r"^(skip( it| this| that)?|pass|next|rather not( say)?|prefer not( to say)?|dunno|don'?t know|i don'?t know|no comment|not sure|n/a|na)$",
    re.I,
)
_BACK = re.compile(r"^((go )?back|go back( please)?|previous( question)?|undo|last question)$", re.I)
_STOP = re.compile(
    r"^(stop|stop (this|it|now|please)|i want to stop|quit( this)?|exit|forget it|never ?mind|leave it|cancel (this|it|the form|referral)|end this)$",
    re.I,
)
_CHANGE = re.compile(r"^(change|edit|fix|correct|wrong|that'?s wrong|not right)\b", re.I)

CONTROL_INTENTS = {"skip": "skip", "go_back": "back", "stop_form": "stop", "change_field": "change"}


def detect_control(text: str | None) -> str | None:
    """'skip', 'back', 'stop', 'change' or None."""
    t = clean(text).lower().strip(" .!")
    # Her language's own words first (bot/wording/<code>/_language.yml answer_words): one
    # language's words never decide another's answers ("claro" is yes in Spanish only).
    theirs = language().answer_words
    for kind in ("skip", "back", "stop", "change"):
        if t in theirs.get(kind, ()):
            return kind
    if _SKIP.match(t):
        return "skip"
    if _BACK.match(t):
        return "back"
    if _STOP.match(t):
        return "stop"
    if _CHANGE.match(t) or re.search(
        r"\b(change|wrong|edit)\b.*\b(name|number|phone|mobile|postcode|area|address|borough|contact|text|call|time|police|caution|date|reference|ref|help|needs)\b",
        t,
    ):
        return "change"
    return None
