"""Open Referral UK 3.0 names both directions share: weekday codes, the ids
derived for the taxonomy and its terms, reading values from a file, and a
location's fields (3.0 and 1.1 name these alike).

Used by the 3.0 export (oruk.py), the 3.0 import (oruk_import.py) and the 1.1
import (oruk_json.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from bot.directory import taxonomy

ORUK_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Fixed forever: the derived ids below depend on it.
NAMESPACE = uuid.UUID("6f1c3b7e-2a4d-5e8f-9a0b-1c2d3e4f5a6b")
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:" + taxonomy.VOCABULARY))


def term_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy_term:{taxonomy.VOCABULARY}:{code}"))


TERM_CODES = {term_id(code): code for code in taxonomy.CATEGORIES}

# Elpis-only yes/no fields on a service, (file key, listing field), in both versions.
ELPIS_FLAGS = (
    ("x_elpis_women_only", "women_only"),
    ("x_elpis_national", "national"),
    ("x_elpis_closed_on_bank_holidays", "closed_on_bank_holidays"),
    ("x_elpis_sample", "is_sample"),
)


def as_object(value: Any) -> dict[str, Any]:
    """An object from a file; anything else (a string, a number) reads as empty."""
    return value if isinstance(value, dict) else {}


def as_objects(value: Any) -> list[dict[str, Any]]:
    """The objects in a list; anything else in the file (a string, a number) is ignored."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def location_fields(loc: dict, address: dict) -> dict[str, Any]:
    """A listing's location from an ORUK location and its address (3.0 and 1.1 name these alike)."""
    return {
        "name": as_scalar(loc.get("name")),
        "address": as_scalar(address.get("address_1")),
        "postcode": as_scalar(address.get("postal_code")),
        "borough": as_scalar(address.get("state_province")),
        "latitude": as_scalar(loc.get("latitude")),
        "longitude": as_scalar(loc.get("longitude")),
        "transport": as_scalar(loc.get("transportation")),
    }


def service_fields(s: dict[str, Any], org: dict[str, Any]) -> dict[str, Any]:
    """A listing's own texts from an ORUK service and its organisation (3.0 and 1.1 name these alike)."""
    return {
        "name": as_scalar(s.get("name")),
        "organisation": as_scalar(org.get("name")),
        "description": as_scalar(s.get("description")),
        "url": as_scalar(s.get("url")),
        "email": as_scalar(s.get("email")),
    }


def as_scalar(value: Any) -> Any:
    """A text, number or yes/no from the file; a list or object where one was expected is dropped."""
    return value if isinstance(value, (str, int, float, bool)) else None


def elpis_flags(s: dict[str, Any]) -> dict[str, Any]:
    """The Elpis-only yes/no fields a service in the file carries, as listing fields."""
    return {field_name: as_scalar(s[key]) for key, field_name in ELPIS_FLAGS if key in s}
