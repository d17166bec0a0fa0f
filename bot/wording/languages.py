"""What each language is, beside its sentences: `bot/wording/<code>/_language.yml`.

Its name (as she writes it, and in English for staff), the script's direction,
the clock people write, the words she can text back (confirm, change, delete,
more), the ways she names it to switch, and the words a discreet text must
never contain in it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import yaml

from bot.wording.catalogue import DEFAULT_LANGUAGE, HERE, current_language, languages, say

REPLY_WORD_KINDS = ("confirm", "change", "delete", "more")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    english_name: str
    direction: str
    clock: str
    reply_words: dict[str, tuple[str, ...]]
    names: tuple[str, ...]
    giveaways: re.Pattern[str]
    answer_words: dict[str, tuple[str, ...]]
    time_words: dict[str, str]
    written_by: str | None
    checked_by: str | None

    def reply_word(self, kind: str) -> str:
        """The word our texts show for `kind` ("confirm", "change", ...)."""
        return self.reply_words[kind][0]


def language(code: str | None = None) -> Language:
    """A language's facts; by default the turn's (bot.wording.catalogue.set_language)."""
    code = code or current_language()
    return _read(code if code in languages() else DEFAULT_LANGUAGE)


@cache
def _read(code: str) -> Language:
    raw = yaml.safe_load((HERE / code / "_language.yml").read_text(encoding="utf-8"))
    words = raw.get("reply_words") or {}
    provenance = raw.get("provenance") or {}
    return Language(
        code=code,
        name=str(raw["name"]),
        english_name=str(raw["english_name"]),
        direction=str(raw.get("direction", "ltr")),
        clock=str(raw.get("clock", "12h")),
        reply_words={kind: tuple(_word(w, code).upper() for w in words.get(kind) or ()) for kind in REPLY_WORD_KINDS},
        names=tuple(str(n).casefold() for n in raw.get("names") or ()),
        answer_words={
            _kind(k): tuple(str(w).casefold() for w in v or ()) for k, v in (raw.get("answer_words") or {}).items()
        },
        time_words={str(k).casefold(): str(v) for k, v in (raw.get("time_words") or {}).items()},
        giveaways=re.compile(r"(?<!\w)(" + "|".join(raw.get("giveaway_words") or ["(?!)"]) + r")(?!\w)", re.I),
        written_by=provenance.get("written_by"),
        checked_by=provenance.get("checked_by"),
    )


def _word(value: object, code: str) -> str:
    if isinstance(value, bool):  # YAML 1.1 read a bare YES / NO / ON as true / false: refuse, never send "TRUE"
        raise ValueError(f"{code}/_language.yml: quote the reply word read as {value}")
    return str(value)


def _kind(key: object) -> str:
    # YAML 1.1 reads a bare `yes:` / `no:` key as true / false.
    return {True: "yes", False: "no"}.get(key, str(key)) if isinstance(key, bool) else str(key)


def all_languages() -> list[Language]:
    return [language(code) for code in languages()]


# What `_language.yml` may hold (tests/unit/test_languages.py checks every language).
ANSWER_KINDS = ("yes", "no", "skip", "back", "stop", "change", "this_number")
TIME_WORD_VALUES = frozenset(
    "morning afternoon evening tonight today tomorrow next this at any day week after before or and pm am o'clock".split()
)


def fold(word: str) -> str:
    """A reply word as compared: no accents, no case, no surrounding marks ("Zmień!" is ZMIEN).
    Marks in scripts of their own (Bengali's virama, Arabic's vowels) stay: they are letters there."""
    plain = unicodedata.normalize("NFKD", word.strip(" \t.!?'\"")).casefold()
    return "".join(ch for ch in plain if not unicodedata.combining(ch) or ord(ch) > 0x590)


def fold_words(text: str) -> list[str]:
    """Her words, folded as reply words are: for matching what she typed to what we showed."""
    return re.findall(r"\w+", fold(text))


def reply_words(kind: str) -> frozenset[str]:
    """Every language's words for `kind`, folded: a reply is read whatever language she is set to."""
    return frozenset(fold(w) for lang in all_languages() for w in lang.reply_words[kind])


@cache
def _reply_word_kinds() -> dict[str, str]:
    found: dict[str, str] = {}
    for kind in REPLY_WORD_KINDS:
        for word in reply_words(kind):
            found.setdefault(word, kind)
    return found


def reply_word_kind(text: str) -> str | None:
    """'confirm', 'change', 'delete' or 'more' when `text` is only one of our reply words."""
    if len(text) > 30:
        return None
    return _reply_word_kinds().get(fold(text))


def switch_payload(code: str) -> str:
    return '/switch_language{"language_requested":"' + code + '"}'


def offer_buttons(code: str) -> list[dict[str, str]]:
    """Under "Shall we talk in Polish?": keep it (in Polish), or English."""
    return [
        {"title": say("language.keep_button", code), "payload": switch_payload(code)},
        {"title": language(DEFAULT_LANGUAGE).name, "payload": switch_payload(DEFAULT_LANGUAGE)},
    ]
