"""Discreet texts: what may reach her phone unasked names nothing.

A template is marked `discreet: true` where it is written; the check runs on
the template (tests/unit/test_wording.py), not on the finished text, and code
that must send a discreet text asks for it with `say_discreet`, which refuses a
template not marked so.
"""

from __future__ import annotations

from typing import Any

from bot.wording.catalogue import DEFAULT_LANGUAGE, Template, template
from bot.wording.languages import language


def giveaways(t: Template) -> list[str]:
    """The words in `t` that would give the service away, in its own language."""
    return [m.group(0) for m in language(t.language).giveaways.finditer(t.text)]


def is_discreet(text: str, language_code: str = DEFAULT_LANGUAGE) -> bool:
    """For tests of finished texts; the rule itself is checked on templates."""
    return language(language_code).giveaways.search(text) is None


def say_discreet(key: str, language: str | None = None, /, **values: Any) -> str:
    found = template(key, language)
    if not found.discreet:
        raise ValueError(f"{key} is not marked discreet in the catalogue")
    return found.fill(**values)
