"""Admin edits of the directory: plain functions the staff app and the CLI call.

Every function takes the caller's Session (one unit of work); nothing is
written unless the whole input is valid (`DirectoryError` lists every problem).
A listing is a plain dict, the same shape in and out:

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

Edits touch the service's `updated_at`, which is how the bot sees them at once.
"""
from __future__ import annotations

import re
from datetime import date, time
from typing import Any, Iterable

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import (
    DirHolidaySchedule,
    DirLocation,
    DirOrganisation,
    DirPhone,
    DirSchedule,
    DirService,
    DirServiceAtLocation,
    DirServiceCategory,
)
from bot.db.types import utcnow
from bot.directory import taxonomy
from bot.directory.phones import display_phone, normalise_phone, parse_phone_cell
from bot.geo import get_borough, lookup_outcode, match_borough, normalise_postcode
from bot.hours import format_week, parse_week

SCALARS = ("name", "organisation", "external_id", "description", "url", "email", "status", "women_only",
           "national", "eligibility", "closed_on_bank_holidays", "is_sample", "last_checked")
LISTS = ("categories", "phones", "locations", "schedules", "hours", "holidays")
_LIMITS = {"name": 160, "organisation": 160, "external_id": 64, "url": 250, "email": 254}


class DirectoryError(ValueError):
    """The input can't be saved; `errors` says why, field by field."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


# --- Reading and checking input --------------------------------------------------------


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
    loc = {k: _text(raw.get(k)) for k in ("name", "address", "postcode", "borough", "transport")}
    if loc["postcode"]:
        postcode = normalise_postcode(loc["postcode"])
        if postcode is None or postcode.replace(" ", "") != loc["postcode"].replace(" ", "").upper():
            errors.append(f"{field}.postcode: '{loc['postcode']}' is not a UK postcode")
        loc["postcode"] = postcode
    if loc["borough"]:
        named = get_borough(loc["borough"]) or match_borough(loc["borough"], fuzzy=False)
        loc["borough"] = named.name if hasattr(named, "name") else (named or loc["borough"])
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
    for key, default in (("women_only", False), ("national", False), ("closed_on_bank_holidays", True),
                         ("is_sample", False)):
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
        items = parse_phone_cell(raw) if isinstance(raw, str) else list(raw or [])
        for i, item in enumerate(items):
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
            schedules.append({
                "weekday": weekday,
                "opens_at": _time_value(raw.get("opens_at"), f"schedules[{i}].opens_at", errors),
                "closes_at": _time_value(raw.get("closes_at"), f"schedules[{i}].closes_at", errors),
                "location": location,
            })
        out["schedules"] = schedules
    if "holidays" in data:
        holidays = []
        for i, raw in enumerate(data["holidays"] or []):
            start = _date_value(raw.get("start_date"), f"holidays[{i}].start_date", errors)
            end = _date_value(raw.get("end_date") or raw.get("start_date"), f"holidays[{i}].end_date", errors)
            closed = _bool(raw.get("closed", True), f"holidays[{i}].closed", errors)
            entry = {"start_date": start, "end_date": end, "closed": closed, "opens_at": None, "closes_at": None,
                     "description": _text(raw.get("description"))}
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


# --- Writing -------------------------------------------------------------------------------


def _organisation(session: Session, name: str) -> DirOrganisation:
    org = session.execute(select(DirOrganisation).where(DirOrganisation.name == name)).scalar_one_or_none()
    if org is None:
        org = DirOrganisation(name=name)
        session.add(org)
        session.flush()
    return org


def _check_external_id(session: Session, external_id: str | None, service_id: int | None) -> None:
    if not external_id:
        return
    other = session.execute(select(DirService.id).where(DirService.external_id == external_id)).scalar_one_or_none()
    if other is not None and other != service_id:
        raise DirectoryError([f"external_id: '{external_id}' is already used by listing {other}"])


def _replace(session: Session, service: DirService, attr: str, rows: list) -> None:
    """Swap a child list. The old rows are deleted first: SQLAlchemy would insert
    the new ones before deleting the old, and break one-row-per-category."""
    if service.id is not None and getattr(service, attr):
        setattr(service, attr, [])
        session.flush()
    setattr(service, attr, rows)


def _apply(session: Session, service: DirService, clean: dict[str, Any]) -> None:
    for key in ("name", "external_id", "description", "url", "email", "status", "women_only", "national",
                "eligibility", "closed_on_bank_holidays", "is_sample", "last_checked"):
        if key in clean:
            setattr(service, key, clean[key])
    if "organisation" in clean:
        with session.no_autoflush:
            service.organisation = _organisation(session, clean["organisation"])
    if "categories" in clean:
        _replace(session, service, "categories", [DirServiceCategory(category=c) for c in clean["categories"]])
    if "phones" in clean:
        _replace(session, service, "phones", [DirPhone(**p) for p in clean["phones"]])
    if "holidays" in clean:
        _replace(session, service, "holidays", [DirHolidaySchedule(**h) for h in clean["holidays"]])
    locations: list[DirLocation] | None = None
    if "locations" in clean:
        old = [sal.location_id for sal in service.sites]
        service.sites = []
        session.flush()
        if old:
            session.execute(delete(DirLocation).where(DirLocation.id.in_(old)))
        locations = [DirLocation(**loc) for loc in clean["locations"]]
        session.add_all(locations)
        session.flush()
        service.sites = [DirServiceAtLocation(location_id=loc.id) for loc in locations]
    if "schedules" in clean:
        if locations is None:
            locations = [sal.location for sal in sorted(service.sites, key=lambda s: s.location_id)]
        rows = []
        for s in clean["schedules"]:
            index = s.get("location")
            location_id = locations[index].id if isinstance(index, int) and index < len(locations) else None
            rows.append(DirSchedule(weekday=s["weekday"], opens_at=s["opens_at"], closes_at=s["closes_at"],
                                    location_id=location_id))
        _replace(session, service, "schedules", rows)
    # Children changed without a column change on the service: touch it anyway.
    service.updated_at = utcnow()


def create_service(session: Session, data: dict[str, Any]) -> DirService:
    """Add a listing; returns the new row (flushed, with its id)."""
    clean = clean_service(data)
    _check_external_id(session, clean.get("external_id"), None)
    service = DirService(organisation=_organisation(session, clean["organisation"]))
    session.add(service)
    _apply(session, service, clean)
    session.flush()
    return service


def update_service(session: Session, service_id: int, changes: dict[str, Any]) -> DirService:
    """Change some fields of a listing; list fields given replace the old lists."""
    service = session.get(DirService, service_id)
    if service is None:
        raise DirectoryError([f"listing {service_id} does not exist"])
    clean = clean_service(changes, partial=True)
    _check_external_id(session, clean.get("external_id"), service_id)
    _apply(session, service, clean)
    session.flush()
    return service


def delete_service(session: Session, service_id: int) -> bool:
    """Remove a listing and its places. (Setting status 'inactive' hides it and keeps it.)"""
    service = session.get(DirService, service_id)
    if service is None:
        return False
    old = [sal.location_id for sal in service.sites]
    session.delete(service)
    session.flush()
    if old:
        session.execute(delete(DirLocation).where(DirLocation.id.in_(old)))
    return True


def service_to_dict(service: DirService) -> dict[str, Any]:
    """The listing as a plain dict, the same shape create_service takes (plus `id`)."""
    sites = sorted(service.sites, key=lambda s: s.location_id)
    index = {sal.location_id: i for i, sal in enumerate(sites)}
    return {
        "id": service.id,
        "external_id": service.external_id,
        "name": service.name,
        "organisation": service.organisation.name if service.organisation else None,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "women_only": bool(service.women_only),
        "national": bool(service.national),
        "eligibility": service.eligibility,
        "closed_on_bank_holidays": bool(service.closed_on_bank_holidays),
        "is_sample": bool(service.is_sample),
        "last_checked": service.last_checked.isoformat() if service.last_checked else None,
        "categories": sorted(c.category for c in service.categories),
        "phones": [{"number": display_phone(p.number, p.display), "description": p.description}
                   for p in service.phones],
        "locations": [
            {k: getattr(sal.location, k) for k in
             ("name", "address", "postcode", "borough", "latitude", "longitude", "transport")}
            for sal in sites
        ],
        "schedules": [
            {"weekday": s.weekday, "opens_at": s.opens_at.strftime("%H:%M"), "closes_at": s.closes_at.strftime("%H:%M"),
             "location": index.get(s.location_id) if s.location_id else None}
            for s in sorted(service.schedules, key=lambda s: (s.location_id or 0, s.weekday, s.opens_at))
        ],
        "holidays": [
            {"start_date": h.start_date.isoformat(), "end_date": h.end_date.isoformat(), "closed": bool(h.closed),
             "opens_at": h.opens_at.strftime("%H:%M") if h.opens_at else None,
             "closes_at": h.closes_at.strftime("%H:%M") if h.closes_at else None, "description": h.description}
            for h in service.holidays
        ],
        "updated_at": service.updated_at.isoformat() if service.updated_at else None,
    }


def hours_text(service: DirService) -> str:
    """The service-wide regular hours in CSV form ('Mon-Fri 09:30-17:00')."""
    from bot.hours import Opening

    return format_week([Opening(s.weekday, s.opens_at, s.closes_at) for s in service.schedules
                        if s.location_id is None])


def _with_children(query):
    return query.options(
        selectinload(DirService.organisation),
        selectinload(DirService.sites).joinedload(DirServiceAtLocation.location),
        selectinload(DirService.phones),
        selectinload(DirService.schedules),
        selectinload(DirService.holidays),
        selectinload(DirService.categories),
    )


def get_service(session: Session, service_id: int) -> dict[str, Any] | None:
    service = session.execute(_with_children(select(DirService)).where(DirService.id == service_id)).scalar_one_or_none()
    return service_to_dict(service) if service else None


def query_services(session: Session, *, search: str | None = None, category: str | None = None,
                   borough: str | None = None, include_inactive: bool = False, national: bool | None = None,
                   limit: int | None = None, offset: int = 0) -> list[DirService]:
    query = _with_children(select(DirService)).order_by(DirService.name, DirService.id)
    if not include_inactive:
        query = query.where(DirService.status == "active")
    if search:
        like = f"%{search.lower()}%"
        query = query.where(or_(DirService.name.ilike(like), DirService.description.ilike(like)))
    if category:
        query = query.where(DirService.categories.any(DirServiceCategory.category == category))
    if borough:
        query = query.where(DirService.sites.any(DirServiceAtLocation.location.has(DirLocation.borough == borough)))
    if national is not None:
        query = query.where(DirService.national.is_(national))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(session.execute(query).scalars().unique())


def list_services(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """Listings as dicts (filters: search, category, borough, include_inactive, national, limit, offset)."""
    return [service_to_dict(s) for s in query_services(session, **filters)]


def find_by_external_id(session: Session, external_ids: Iterable[str]) -> dict[str, int]:
    ids = [e for e in external_ids if e]
    if not ids:
        return {}
    rows = session.execute(select(DirService.external_id, DirService.id).where(DirService.external_id.in_(ids)))
    return {ext: sid for ext, sid in rows}
