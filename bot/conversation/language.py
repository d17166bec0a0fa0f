"""Which language she writes in, and when she asks for one.

`detect(text)` names one of our catalogue languages only when a message is
clearly in it: at least two words and ten letters (any length in a script of
its own, such as Bengali or Arabic), and Lingua at least 90% sure. Lingua also
knows the other languages London writes in (Italian, French, Somali, ...), so
a message in one of those is not forced into the nearest of ours. Measured on
the 4,349 English training messages: none read as another of our languages;
92-100% of those in our languages read right (docs/languages.md).

`requested(text)` is her own choice: "English please", "po polsku", "can we
talk in Spanish", a language's name alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder
from lingua import Language as Lingua

from bot.wording.catalogue import languages
from bot.wording.languages import all_languages

SURE = 0.9
MIN_WORDS = 2
MIN_LETTERS = 10
MIN_LETTERS_OWN_SCRIPT = 4
# Not offered, but written in London: known so that they are not read as ours.
_ALSO_KNOWN = (
    "ITALIAN",
    "FRENCH",
    "SOMALI",
    "LITHUANIAN",
    "ALBANIAN",
    "HINDI",
    "GERMAN",
    "TAGALOG",
    "SWAHILI",
    "DUTCH",
    "YORUBA",
)
_WORD = re.compile(r"\w+")
# Words around a language's name when she asks for it, in our languages.
_FILLERS = frozenset(
    """
    please pls plz in speak talk write language can could we i want would like prefer use only lets let's us
    ok okay yes the a to my
    po proszę prosze mowic mówić pisać pisac w języku jezyku
    în in limba vă va rog vorbim putem
    em por favor falar falamos fala podemos idioma língua lingua
    en por favor hablar hablamos habla podemos idioma
    lütfen lutfen dilinde konuşalım konusalim konuş konus
    من فضلك بال باللغة لو سمحت
    میں زبان براہ کرم مہربانی
    ভাষায় দয়া করে
    """.split()
)


@cache
def _detector() -> LanguageDetector:
    ours = [Lingua.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in languages()]
    others = [getattr(Lingua, name) for name in _ALSO_KNOWN]
    return LanguageDetectorBuilder.from_languages(*ours, *others).with_low_accuracy_mode().build()


def _own_script(text: str) -> bool:
    return any(ch.isalpha() and ord(ch) > 0x590 for ch in text)


def detect(text: str | None) -> str | None:
    """The catalogue language `text` is clearly written in, else None (too short, mixed, unsure, not ours)."""
    if not text:
        return None
    letters = sum(ch.isalpha() for ch in text)
    if _own_script(text):
        if letters < MIN_LETTERS_OWN_SCRIPT:
            return None
    elif len(_WORD.findall(text)) < MIN_WORDS or letters < MIN_LETTERS:
        return None
    found = _detector().compute_language_confidence_values(text)
    if not found or found[0].value < SURE:
        return None
    code = found[0].language.iso_code_639_1.name.lower()
    return code if code in languages() else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip()


@cache
def _names() -> list[tuple[re.Pattern[str], str]]:
    """(name as a whole-word pattern, code), longest names first: "po polsku" before "polsku".
    Compiled once: every message of every conversation is checked against them."""
    pairs = sorted(
        {(_fold(name), lang.code) for lang in all_languages() for name in lang.names}, key=lambda p: -len(p[0])
    )
    return [(re.compile(rf"(?<!\w){re.escape(name)}(?!\w)"), code) for name, code in pairs]


def requested(text: str | None) -> str | None:
    """The language she asks for by name, if the message is only that request."""
    if not text or len(text) > 80:
        return None
    folded = _fold(re.sub(r"[!?.,;:()\"'¿¡]", " ", text))
    for pattern, code in _names():
        if pattern.search(folded):
            rest = pattern.sub(" ", folded).split()
            if all(word in _FILLERS for word in rest):
                return code
    return None
