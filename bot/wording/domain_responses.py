"""Build domain/responses.yml (Rasa's responses) from the catalogue's `utter_*` keys.

Rasa reads responses from the domain, so the catalogue stays their one home and
this file is generated: `python -m bot.wording.domain_responses` rewrites it and
tests/unit/test_wording.py fails when it is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from bot.wording.catalogue import DEFAULT_LANGUAGE, Template, catalogue

OUT = Path(__file__).resolve().parents[2] / "domain" / "responses.yml"
HEADER = (
    "# Generated from bot/wording/*/ by `python -m bot.wording.domain_responses`: edit the\n"
    "# catalogue there, not this file (tests/unit/test_wording.py checks it is current).\n"
)


def _variant(t: Template) -> dict[str, Any]:
    variant: dict[str, Any] = {"text": t.text}
    if t.buttons:
        variant["buttons"] = [{"title": title, "payload": payload} for title, payload in t.buttons]
    return variant


def build() -> str:
    english = catalogue(DEFAULT_LANGUAGE)
    responses = {key: [_variant(t)] for key, t in sorted(english.items()) if key.startswith("utter_")}
    body = yaml.safe_dump({"version": "3.1", "responses": responses}, allow_unicode=True, sort_keys=False, width=120)
    return HEADER + body


def main() -> int:
    text = build()
    if "--check" in sys.argv:
        return 0 if OUT.exists() and OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
