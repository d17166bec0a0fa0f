"""Load the catalogue once and fill its templates.

A template's placeholders are Python format fields (`{name}`); every one must be
given and no other, so a typo fails at once instead of sending "{nmae}" to her.
A key missing in her language falls back to English, so a half-translated
catalogue never stops a conversation (tests/unit/test_wording.py checks that
each language is complete).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Template:
    key: str
    language: str
    text: str
    discreet: bool = False
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)

    @property
    def placeholders(self) -> frozenset[str]:
        return placeholders(self.text)

    def fill(self, **values: Any) -> str:
        wanted = self.placeholders
        if set(values) != wanted:
            missing, extra = sorted(wanted - set(values)), sorted(set(values) - wanted)
            raise KeyError(f"{self.key}: missing {missing}, unexpected {extra}")
        return self.text.format(**values) if wanted else self.text


def placeholders(text: str) -> frozenset[str]:
    return frozenset(field for _, field, _, _ in string.Formatter().parse(text) if field)


def _entry(key: str, language: str, raw: Any, source: Path) -> Template:
    if isinstance(raw, str):
        return Template(key, language, raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise ValueError(f"{source}: {key} needs a text")
    unknown = set(raw) - {"text", "discreet", "buttons"}
    if unknown:
        raise ValueError(f"{source}: {key} has unknown fields {sorted(unknown)}")
    buttons = tuple((str(b["title"]), str(b["payload"])) for b in raw.get("buttons") or ())
    return Template(key, language, raw["text"], bool(raw.get("discreet", False)), buttons)


@cache
def _load(language: str) -> dict[str, Template]:
    folder = HERE / language
    if not folder.is_dir():
        raise LookupError(f"no wording catalogue for {language!r}")
    found: dict[str, Template] = {}
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, raw in data.items():
            if key in found:
                raise ValueError(f"{path}: {key} is also in another file")
            found[key] = _entry(key, language, raw, path)
    return found


@cache  # read once, like the catalogues: template() asks on every non-English text
def languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in HERE.iterdir() if p.is_dir() and (p / "core.yml").exists()))


def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, Template]:
    return _load(language)


def template(key: str, language: str | None = None) -> Template:
    language = language or DEFAULT_LANGUAGE
    if language != DEFAULT_LANGUAGE and language in languages():
        found = _load(language).get(key)
        if found is not None:
            return found
    try:
        return _load(DEFAULT_LANGUAGE)[key]
    except KeyError:
        raise KeyError(f"no wording {key!r} in the catalogue") from None


def say(key: str, language: str | None = None, /, **values: Any) -> str:
    """The text for `key` in her language, its placeholders filled."""
    return template(key, language).fill(**values)


def buttons(key: str, language: str | None = None) -> list[dict[str, str]]:
    """A template's buttons in the shape Rasa's dispatcher takes."""
    return [{"title": title, "payload": payload} for title, payload in template(key, language).buttons]
