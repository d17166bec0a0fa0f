"""A listing as the staff app, the CLI and imports give it: checked and normalised
before anything is written (`DirectoryError` lists every problem, field by field).
A listing is a plain dict, the same shape in and out (listing_reads.service_to_dict):

    {"name": "...", "organisation": "...", "external_id": "...", "description": "...",
     "url": "...", "email": "...", "status": "active", "women_only": True,
     "national": False, "eligibility": "...", "closed_on_bank_holidays": True,
     "is_sample": False, "last_checked": "2026-11-01",
     "categories": ["housing", "legal_advice"],
     "phones": [{"number": "020 7946 0101", "description": "advice line"}],
     "locations": [{"name": "...", "address": "...", "postcode": "SE15 5AA",
                    "borough": "Southwark", "latitude": 51.47, "longitude": -0.07,
                    "transport": "Peckham Rye station, 5 minutes"}],
     "hours": "Mon-Fri 09:30-17:00; Sat 10:00-13:00",       # or "schedules": [...]
     "holidays": [{"start_date": "2026-12-24", "end_date": "2027-01-01", "closed": True,
                   "description": "Christmas"}]}
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from bot.directory import taxonomy
from bot.directory.phones import normalise_phone, parse_phone_cell
from bot.geo import Borough, get_borough, lookup_outcode, match_borough, normalise_postcode
from bot.hours import parse_week

SCALARS = (
    "name",
    "organisation",
    "external_id",
    "description",
    "url",
    "email",
    "status",
    "women_only",
    "national",
    "eligibility",
    "closed_on_bank_holidays",
    "is_sample",
    "last_checked",
)
LISTS = ("categories", "phones", "locations", "schedules", "hours", "holidays")
_LIMITS = {"name": 160, "organisation": 160, "external_id": 64, "url": 250, "email": 254}


class DirectoryError(ValueError):
    """The input can't be saved; `errors` says why, field by field."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _bool(value: Any, field: str, errors: list[str]) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("1", "yes", "y", "true", "t"):
        return True
    if text in ("0", "no", "n", "false", "f", ""):
        return False
    errors.append(f"{field}: '{value}' is not yes or no")
    return None


def _time_value(value: Any, field: str, errors: list[str]) -> time | None:
    if isinstance(value, time):
        return value
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", str(value or "").strip())
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        errors.append(f"{field}: '{value}' is not a time like 09:30")
        return None
    hour = int(match.group(1))
    return time(0) if hour == 24 else time(hour, int(match.group(2)))


def _date_value(value: Any, field: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors.append(f"{field}: '{value}' is not a date like 2026-11-01")
        return None


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _location(raw: Any, index: int, errors: list[str]) -> dict[str, Any]:
    field = f"locations[{index}]"
    if not isinstance(raw, dict):
        errors.append(f"{field}: must be an object")
        return {}
    loc: dict[str, Any] = {k: _text(raw.get(k)) for k in ("name", "address", "postcode", "borough", "transport")}
    if loc["postcode"]:
        postcode = normalise_postcode(loc["postcode"])
        if postcode is None or postcode.replace(" ", "") != loc["postcode"].replace(" ", "").upper():
            errors.append(f"{field}.postcode: '{loc['postcode']}' is not a UK postcode")
        loc["postcode"] = postcode
    if loc["borough"]:
        named = get_borough(loc["borough"]) or match_borough(loc["borough"], fuzzy=False)
        loc["borough"] = named.name if isinstance(named, Borough) else (named or loc["borough"])
    elif loc["postcode"]:
        info = lookup_outcode(loc["postcode"].split(" ")[0])
        loc["borough"] = info.borough if info else None
    for key, low, high in (("latitude", 49.0, 61.0), ("longitude", -8.7, 2.0)):
        value = raw.get(key)
        if value in (None, ""):
            loc[key] = None
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.append(f"{field}.{key}: '{value}' is not a number")
            continue
        if not low <= number <= high:
            errors.append(f"{field}.{key}: {number} is outside the UK")
        loc[key] = number
    if (loc.get("latitude") is None) != (loc.get("longitude") is None):
        errors.append(f"{field}: give both latitude and longitude, or neither")
    if not (loc.get("address") or loc.get("postcode") or loc.get("borough")):
        errors.append(f"{field}: needs an address, a postcode or a borough")
    return loc


def clean_service(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Checked and normalised listing fields; raises DirectoryError with every problem."""
    errors: list[str] = []
    out: dict[str, Any] = {}
    unknown = set(data) - set(SCALARS) - set(LISTS) - {"id"}
    if unknown:
        errors.append("unknown fields: " + ", ".join(sorted(unknown)))
    for key in ("name", "organisation"):
        if key in data or not partial:
            value = _text(data.get(key))
            if not value:
                errors.append(f"{key}: required")
            out[key] = value
    for key in ("external_id", "description", "url", "email", "eligibility"):
        if key in data:
            out[key] = _text(data[key])
    for key, limit in _LIMITS.items():
        if out.get(key) and len(out[key]) > limit:
            errors.append(f"{key}: longer than {limit} characters")
    if out.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", out["email"]):
        errors.append(f"email: '{out['email']}' is not an email address")
    if "status" in data or not partial:
        status = (_text(data.get("status")) or "active").lower()
        if status not in ("active", "inactive"):
            errors.append(f"status: '{status}' must be active or inactive")
        out["status"] = status
    for key, default in (
        ("women_only", False),
        ("national", False),
        ("closed_on_bank_holidays", True),
        ("is_sample", False),
    ):
        if key in data:
            out[key] = _bool(data[key], key, errors)
        elif not partial:
            out[key] = default
    if "last_checked" in data:
        out["last_checked"] = _date_value(data["last_checked"], "last_checked", errors)
    if "categories" in data:
        raw = data["categories"]
        items = re.split(r"[;,]", raw) if isinstance(raw, str) else list(raw or [])
        codes = []
        for item in items:
            if not str(item).strip():
                continue
            code = taxonomy.normalise_code(str(item))
            if code is None:
                errors.append(f"categories: unknown category '{item}'")
            else:
                codes.append(code)
        out["categories"] = taxonomy.with_ancestors(codes)
    elif not partial:
        out["categories"] = []
    if "phones" in data:
        phones = []
        raw = data["phones"]
        cells: list[Any] = parse_phone_cell(raw) if isinstance(raw, str) else list(raw or [])
        for i, item in enumerate(cells):
            entry = item if isinstance(item, dict) else {"number": item}
            written = _text(entry.get("number"))
            if not written:
                continue
            number = normalise_phone(written)
            if number is None:
                errors.append(f"phones[{i}]: '{written}' is not a UK phone number")
                continue
            phones.append({"number": number, "display": written[:24], "description": _text(entry.get("description"))})
        out["phones"] = phones
    if "locations" in data:
        out["locations"] = [_location(raw, i, errors) for i, raw in enumerate(data["locations"] or [])]
    if "hours" in data and "schedules" in data:
        errors.append("give hours or schedules, not both")
    if "hours" in data:
        try:
            out["schedules"] = [
                {"weekday": o.weekday, "opens_at": o.opens, "closes_at": o.closes, "location": None}
                for o in parse_week(data["hours"] or "")
            ]
        except ValueError as exc:
            errors.append(f"hours: {exc}")
    if "schedules" in data:
        schedules = []
        for i, raw in enumerate(data["schedules"] or []):
            try:
                weekday = int(raw.get("weekday"))
            except (TypeError, ValueError, AttributeError):
                weekday = 0
            if not 1 <= weekday <= 7:
                errors.append(f"schedules[{i}].weekday: must be 1 (Monday) to 7 (Sunday)")
                continue
            location = raw.get("location")
            if location is not None and not isinstance(location, int):
                errors.append(f"schedules[{i}].location: must be the index of a location")
            schedules.append(
                {
                    "weekday": weekday,
                    "opens_at": _time_value(raw.get("opens_at"), f"schedules[{i}].opens_at", errors),
                    "closes_at": _time_value(raw.get("closes_at"), f"schedules[{i}].closes_at", errors),
                    "location": location,
                }
            )
        out["schedules"] = schedules
    if "holidays" in data:
        holidays = []
        for i, raw in enumerate(data["holidays"] or []):
            start = _date_value(raw.get("start_date"), f"holidays[{i}].start_date", errors)
            end = _date_value(raw.get("end_date") or raw.get("start_date"), f"holidays[{i}].end_date", errors)
            closed = _bool(raw.get("closed", True), f"holidays[{i}].closed", errors)
            entry = {
                "start_date": start,
                "end_date": end,
                "closed": closed,
                "opens_at": None,
                "closes_at": None,
                "description": _text(raw.get("description")),
            }
            if start is None:
                errors.append(f"holidays[{i}].start_date: required")
            elif end is not None and end < start:
                errors.append(f"holidays[{i}]: ends before it starts")
            if closed is False:
                entry["opens_at"] = _time_value(raw.get("opens_at"), f"holidays[{i}].opens_at", errors)
                entry["closes_at"] = _time_value(raw.get("closes_at"), f"holidays[{i}].closes_at", errors)
            holidays.append(entry)
        out["holidays"] = holidays
    n_locations = len(out.get("locations", []))
    for i, s in enumerate(out.get("schedules", [])):
        if isinstance(s.get("location"), int) and "locations" in out and not 0 <= s["location"] < n_locations:
            errors.append(f"schedules[{i}].location: no location {s['location']}")
    if errors:
        raise DirectoryError(errors)
    return out
