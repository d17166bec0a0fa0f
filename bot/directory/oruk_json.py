"""Open Referral UK JSON files: import (3.0, or the 1.1 files we wrote before) and
our older 1.1-shaped export, kept for the staff download.

Open Referral UK 3.0 itself (the export ORUK readers and the /oruk/ API use) is
in oruk.py. Imports are all or nothing (bulk_import.write_all); the field
mapping is in bot/directory/README.md.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from bot.directory import oruk_import, taxonomy
from bot.directory.bulk_import import ImportReport, ParsedFile, RowError, file_time
from bot.directory.listing_reads import query_services, service_to_dict
from bot.directory.oruk_fields import (
    ORUK_DAYS,
    as_object,
    as_objects,
    as_scalar,
    elpis_flags,
    location_fields,
    service_fields,
)
from bot.hours import DAY_NAMES


def _taxonomy_term(code: str) -> dict[str, Any]:
    return {
        "id": code,
        "name": taxonomy.label(code),
        "vocabulary": taxonomy.VOCABULARY,
        "parent_id": taxonomy.parent(code),
    }


def _oruk_schedule(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "freq": "WEEKLY",
        "interval": 1,
        "byday": ORUK_DAYS[s["weekday"] - 1],
        "opens_at": s["opens_at"],
        "closes_at": s["closes_at"],
    }


def export_openreferral_json(session: Session, **filters: Any) -> dict[str, Any]:
    """The directory in our older Open Referral UK 1.1 shape (service with full details),
    kept for the staff download and files written before; ORUK 3.0 is oruk.export_oruk.

    Elpis-only fields carry an `x_elpis_` prefix so ORUK readers can ignore them.
    """
    services = []
    for service in query_services(session, include_inactive=True, **filters):
        d = service_to_dict(service)
        ext = d["external_id"] or f"elpis-{d['id']}"
        sal = []
        for i, loc in enumerate(d["locations"]):
            sal.append(
                {
                    "id": f"{ext}-at-{i + 1}",
                    "location": {
                        "id": f"{ext}-location-{i + 1}",
                        "name": loc["name"],
                        "description": None,
                        "latitude": loc["latitude"],
                        "longitude": loc["longitude"],
                        "transportation": loc["transport"],
                        "physical_addresses": [
                            {
                                "address_1": loc["address"],
                                "city": "London" if loc["borough"] else None,
                                "state_province": loc["borough"],
                                "postal_code": loc["postcode"],
                                "country": "GB",
                            }
                        ],
                    },
                    "regular_schedules": [_oruk_schedule(s) for s in d["schedules"] if s["location"] == i],
                }
            )
        services.append(
            {
                "id": ext,
                "name": d["name"],
                "description": d["description"],
                "url": d["url"],
                "email": d["email"],
                "status": d["status"],
                "assured_date": d["last_checked"],
                "organization": {
                    "id": f"org-{service.organisation_id}",
                    "name": d["organisation"],
                    "description": service.organisation.description if service.organisation else None,
                    "url": service.organisation.url if service.organisation else None,
                },
                "eligibilitys": [{"eligibility": d["eligibility"]}] if d["eligibility"] else [],
                "phones": [{"number": p["number"], "description": p["description"]} for p in d["phones"]],
                "service_at_locations": sal,
                "regular_schedules": [_oruk_schedule(s) for s in d["schedules"] if s["location"] is None],
                "holiday_schedules": [
                    {
                        "closed": h["closed"],
                        "start_date": h["start_date"],
                        "end_date": h["end_date"],
                        "opens_at": h["opens_at"],
                        "closes_at": h["closes_at"],
                        "description": h["description"],
                    }
                    for h in d["holidays"]
                ],
                "service_taxonomys": [{"taxonomy": _taxonomy_term(code)} for code in d["categories"]],
                "x_elpis_women_only": d["women_only"],
                "x_elpis_national": d["national"],
                "x_elpis_closed_on_bank_holidays": d["closed_on_bank_holidays"],
                "x_elpis_sample": d["is_sample"],
            }
        )
    return {
        "schema": "Open Referral UK (HSDS 1.1 UK profile), service with full details; x_elpis_* are extensions",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "taxonomy": [_taxonomy_term(code) for code in taxonomy.CATEGORIES],
        "services": services,
    }


def _days_of(byday: Any) -> list[int]:
    codes = byday if isinstance(byday, list) else str(byday or "").split(",")
    days = []
    for code in codes:
        code = str(code).strip().upper()[:2]
        if code in ORUK_DAYS:
            days.append(ORUK_DAYS.index(code) + 1)
        elif code.title() in DAY_NAMES:
            days.append(DAY_NAMES.index(code.title()) + 1)
    return days


def _schedules(regular: list[dict[str, Any]], location: int | None) -> list[dict[str, Any]]:
    return [
        {
            "weekday": day,
            "opens_at": as_scalar(rs.get("opens_at")),
            "closes_at": as_scalar(rs.get("closes_at")),
            "location": location,
        }
        for rs in regular
        for day in _days_of(rs.get("byday"))
    ]


def _oruk_to_data(s: dict[str, Any]) -> dict[str, Any]:
    # Files from other systems: every part may be missing or the wrong shape.
    # Wrong shapes are skipped here; clean_service then says what is missing.
    org = as_object(s.get("organization"))
    locations, schedules = [], []
    for i, sal in enumerate(as_objects(s.get("service_at_locations"))):
        loc = as_object(sal.get("location"))
        address = (as_objects(loc.get("physical_addresses")) or [{}])[0]
        locations.append(location_fields(loc, address))
        schedules += _schedules(as_objects(sal.get("regular_schedules")), i)
    schedules += _schedules(as_objects(s.get("regular_schedules")), None)
    eligibility = "; ".join(str(e["eligibility"]) for e in as_objects(s.get("eligibilitys")) if e.get("eligibility"))
    data: dict[str, Any] = {
        "external_id": as_scalar(s.get("id")),
        **service_fields(s, org),
        "status": as_scalar(s.get("status")) or "active",
        "last_checked": as_scalar(s.get("assured_date")),
        "eligibility": eligibility or None,
        "phones": [
            {"number": as_scalar(p.get("number")), "description": as_scalar(p.get("description"))}
            for p in as_objects(s.get("phones"))
        ],
        "locations": locations,
        "schedules": schedules,
        "holidays": [
            {
                k: as_scalar(h.get(k))
                for k in ("start_date", "end_date", "closed", "opens_at", "closes_at", "description")
            }
            for h in as_objects(s.get("holiday_schedules"))
        ],
        "categories": [
            as_object(t.get("taxonomy")).get("id") or as_object(t.get("taxonomy")).get("name") or ""
            for t in as_objects(s.get("service_taxonomys"))
        ],
    }
    data.update(elpis_flags(s))
    return data


def import_openreferral_json(session: Session, source: str | dict[str, Any] | list[Any]) -> ImportReport:
    """Listings from Open Referral UK JSON (see read_openreferral_json), written at once."""
    return read_openreferral_json(source).write(session)


def read_openreferral_json(source: str | dict[str, Any] | list[Any]) -> ParsedFile:
    """Listings from Open Referral UK JSON, 3.0 or our older 1.1 files, read and not written:
    a bare list of services (a 3.0 `service_package`), {"services": [...]}, or a 3.0 page
    {"contents": [...]}.

    Each service is read as 3.0 unless it uses 1.1-only names (oruk_import.is_v3); 1.1
    services are read exactly as before (matched by `id` as external id). A 3.0
    service's `last_modified` and a 1.1 file's `generated_at` say how new the file is.
    """
    try:
        doc = json.loads(source) if isinstance(source, str) else source
    except json.JSONDecodeError as exc:
        return ParsedFile(errors=[RowError(0, f"not JSON: {exc.msg} at line {exc.lineno}")])
    services = doc.get("services", doc.get("contents")) if isinstance(doc, dict) else doc
    if not isinstance(services, list):
        return ParsedFile(errors=[RowError(0, 'expected a list of services (or {"services": [...]})')])
    parsed = ParsedFile(exported_at=file_time(doc.get("generated_at")) if isinstance(doc, dict) else None)
    for number, s in enumerate(services, start=1):
        if not isinstance(s, dict):
            parsed.errors.append(RowError(number, "a service must be an object"))
            continue
        ref = as_scalar(s.get("id")) or as_scalar(s.get("name"))
        if oruk_import.is_v3(s):
            data, parsed.ids[number] = oruk_import.service_to_data(s)
        else:
            data = _oruk_to_data(s)
        stamp = file_time(s.get("last_modified"))
        if stamp:
            parsed.stamps[number] = stamp
        parsed.items.append((number, ref, data))
    return parsed


def dump_json(doc: dict[str, Any] | list[dict[str, Any]]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str)
