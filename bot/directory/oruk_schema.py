"""Checking documents against the official ORUK 3.0 JSON Schemas, offline.

The schemas are the official copy shipped in bot/directory/oruk_3_0/schema (its README says
where from), or ELPIS_ORUK_SCHEMAS to check against another version.
Its validate.py needs jsonschema >= 4.18 (`referencing`); Rasa 3.6 pins
jsonschema < 4.18, so this does the same with 4.17's RefResolver: the schemas'
remote $refs are mapped to the local files and nothing is fetched.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema

PREFIXES = (
    "https://openreferraluk.org/specifications/3.0/schema/",
    "https://raw.githubusercontent.com/tpximpact/OpenReferralApi/refs/heads/main/OpenReferralApi/Schemas/V3.0-UK/",
)


def schema_dir() -> Path:
    return Path(os.environ.get("ELPIS_ORUK_SCHEMAS") or Path(__file__).resolve().parent / "oruk_3_0" / "schema")


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((schema_dir() / f"{name}.json").read_text(encoding="utf-8"))


def _retrieve(uri: str) -> dict[str, Any]:
    for prefix in PREFIXES:
        if uri.startswith(prefix):
            return _load(uri[len(prefix) :].removesuffix(".json"))
    raise LookupError(f"not an ORUK 3.0 schema (offline only): {uri}")


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    # uri and date-time need optional packages in 4.17; check them plainly when absent.
    if "uri" not in checker.checkers:
        checker.checks("uri")(lambda v: not isinstance(v, str) or bool(urlsplit(v).scheme and urlsplit(v).netloc))
    if "date-time" not in checker.checkers:
        from datetime import datetime

        def _dt(v: Any) -> bool:
            if not isinstance(v, str) or "T" not in v:
                return not isinstance(v, str)
            datetime.fromisoformat(v.replace("Z", "+00:00"))
            return True

        checker.checks("date-time", raises=ValueError)(_dt)
    return checker


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for one schema: service, service_list, service_package, api_details, phone ..."""
    schema = dict(_load(name))
    schema.setdefault("$id", PREFIXES[0] + f"{name}.json")
    resolver = jsonschema.RefResolver(schema["$id"], schema, handlers={"https": _retrieve})
    return jsonschema.Draft202012Validator(schema, resolver=resolver, format_checker=_format_checker())


def errors(name: str, doc: Any) -> list[str]:
    """Every error, as 'path: message' (the shipped validate.py's form)."""
    found = sorted(validator(name).iter_errors(doc), key=lambda e: list(map(str, e.path)))
    return [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message[:200]}" for e in found]
