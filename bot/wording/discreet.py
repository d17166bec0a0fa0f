"""Discreet texts: what may reach her phone unasked names nothing.

A template is marked `discreet: true` where it is written; the check runs on
the template (tests/unit/test_wording.py), not on the finished text, and code
that must send a discreet text asks for it with `say_discreet`, which refuses a
template not marked so.
"""

from __future__ import annotations

import re
from typing import Any

from bot.wording.catalogue import DEFAULT_LANGUAGE, Template, template

# Words that give the service away, per language; never in a discreet template.
GIVEAWAY_WORDS: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(police|caution\w*|offen[cs]e\w*|abus\w*|court|arrest\w*|crime|criminal|probation|domestic|"
        r"violence|diversion|keyworker|women'?s cent(re|er)|elpis|refuge|support service)\b",
        re.I,
    ),
}


def giveaways(t: Template) -> list[str]:
    pattern = GIVEAWAY_WORDS.get(t.language, GIVEAWAY_WORDS[DEFAULT_LANGUAGE])
    return [m.group(0) for m in pattern.finditer(t.text)]


def is_discreet(text: str, language: str = DEFAULT_LANGUAGE) -> bool:
    """For tests of finished texts; the rule itself is checked on templates."""
    return GIVEAWAY_WORDS.get(language, GIVEAWAY_WORDS[DEFAULT_LANGUAGE]).search(text) is None


def say_discreet(key: str, language: str | None = None, /, **values: Any) -> str:
    found = template(key, language)
    if not found.discreet:
        raise ValueError(f"{key} is not marked discreet in the catalogue")
    return found.fill(**values)
