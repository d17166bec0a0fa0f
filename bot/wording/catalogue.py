"""Load the catalogue once and fill its templates.

A template's placeholders are Python format fields (`{name}`); every one must be
given and no other, so a typo fails at once instead of sending "{nmae}" to her.
A key missing in her language falls back to English, so a half-translated
catalogue never stops a conversation (tests/unit/test_wording.py checks that
each language is complete).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "en"
# The language of the conversation being answered: set once per turn (the Rasa
# process's turn hook, the action server's dispatch) or per text (the worker), so
# code deep down asks say(key) and gets her language without passing it along.
_current: ContextVar[str] = ContextVar("elpis_language", default=DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class Template:
    key: str
    language: str
    text: str
    discreet: bool = False
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)
    written_by: str | None = None
    checked_by: str | None = None

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


def _entry(key: str, language: str, raw: Any, source: Path, provenance: dict[str, Any]) -> Template:
    if isinstance(raw, str):
        raw = {"text": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise ValueError(f"{source}: {key} needs a text")
    unknown = set(raw) - {"text", "discreet", "buttons", "written_by", "checked_by"}
    if unknown:
        raise ValueError(f"{source}: {key} has unknown fields {sorted(unknown)}")
    buttons = tuple((str(b["title"]), str(b["payload"])) for b in raw.get("buttons") or ())
    # Who wrote and who checked an entry: its own fields, else its file's `_provenance`.
    return Template(
        key,
        language,
        raw["text"],
        bool(raw.get("discreet", False)),
        buttons,
        raw.get("written_by", provenance.get("written_by")),
        raw.get("checked_by", provenance.get("checked_by")),
    )


@cache
def _load(language: str) -> dict[str, Template]:
    folder = HERE / language
    if not folder.is_dir():
        raise LookupError(f"no wording catalogue for {language!r}")
    found: dict[str, Template] = {}
    for path in sorted(folder.glob("[!_]*.yml")):  # _language.yml holds facts, not sentences
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        provenance = data.pop("_provenance", None) or {}
        for key, raw in data.items():
            if key in found:
                raise ValueError(f"{path}: {key} is also in another file")
            found[key] = _entry(key, language, raw, path, provenance)
    return found


@cache  # read once, like the catalogues: template() asks on every non-English text
def languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in HERE.iterdir() if p.is_dir() and (p / "core.yml").exists()))


def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, Template]:
    return _load(language)


def current_language() -> str:
    return _current.get()


def set_language(language: str | None) -> str:
    """Make `language` (a catalogue's code, else English) this turn's language; returns it."""
    language = language if language in languages() else DEFAULT_LANGUAGE
    _current.set(language)
    return language


@contextmanager
def using_language(language: str | None) -> Iterator[str]:
    token = _current.set(language if language in languages() else DEFAULT_LANGUAGE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


# Staff corrections of a text (bot/db/crud/wording.py), looked up by (language, key):
# a function the process registers at start, so this layer needs no database.
_corrections: Callable[[], dict[tuple[str, str], Correction]] | None = None


@dataclass(frozen=True)
class Correction:
    text: str
    written_by: str | None
    button_titles: tuple[str, ...] = ()


def use_corrections(source: Callable[[], dict[tuple[str, str], Correction]] | None) -> None:
    global _corrections
    _corrections = source


def _corrected(found: Template) -> Template:
    if _corrections is None:
        return found
    fix = _corrections().get((found.language, found.key))
    if fix is None:
        return found
    titles = fix.button_titles or tuple(t for t, _ in found.buttons)
    buttons = tuple((t, p) for t, (_, p) in zip(titles, found.buttons))
    return replace(found, text=fix.text, buttons=buttons, written_by=fix.written_by, checked_by=None)


def template(key: str, language: str | None = None) -> Template:
    language = language or _current.get()
    if language != DEFAULT_LANGUAGE and language in languages():
        found = _load(language).get(key)
        if found is not None:
            return _corrected(found)
    try:
        return _corrected(_load(DEFAULT_LANGUAGE)[key])
    except KeyError:
        raise KeyError(f"no wording {key!r} in the catalogue") from None


def say(key: str, language: str | None = None, /, **values: Any) -> str:
    """The text for `key` in her language, its placeholders filled."""
    return template(key, language).fill(**values)


def buttons(key: str, language: str | None = None) -> list[dict[str, str]]:
    """A template's buttons in the shape Rasa's dispatcher takes."""
    return [{"title": title, "payload": payload} for title, payload in template(key, language).buttons]
