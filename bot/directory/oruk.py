"""Open Referral UK 3.0 (HSDS-UK-3.0): the directory as fully nested services.

`export_oruk(session)` is a `service_package` (an array of services) that the
official schemas accept with no errors; `service_doc(service)` is one service
(`GET /services/{id}`). `service_to_data` reads a 3.0 service back into the
listing dict listing_input.py reads, with the UUIDs it carried (`ids`) so an import
keeps them. oruk_json.import_openreferral_json decides per service whether it
is 3.0 or one of our older 1.1 files.

Choices (see bot/directory/README.md):
- every object's `id` is the row's stored `uuid`; objects we have no row for
  (the address of a location, the one contact that holds a service's phones, the
  taxonomy and its terms) get a uuid5 derived from a stored uuid or the term
  code, so they are stable too;
- phones sit on `contacts[].phones[]`: the profile's phone links only to a
  contact (`contact_id`);
- regular hours are `schedules` (WEEKLY, one weekday each; `service_at_location_id`
  when they hold at one place only); exceptions are schedules with
  `valid_from`/`valid_to` and no `byday` (`x_elpis_closed` says closed or
  special hours);
- categories are `attributes` whose `taxonomy_term` is in the "elpis-needs"
  taxonomy;
- an empty optional field is left out, never sent as null; required text we do
  not have (an organisation's description) is "";
- eligibility and "how to get there" use HSDS 3.0's own names
  (`eligibility_description`, `transportation`), which the UK profile dropped;
  Elpis-only fields carry `x_elpis_`.
"""

from __future__ import annotations

import uuid
from datetime import timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import DirService
from bot.directory import taxonomy
from bot.directory.listing_reads import query_services
from bot.directory.phones import display_phone

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://openreferraluk.org/specifications/3.0/"
OPENAPI_URL = "https://openreferraluk.org/specifications/3.0/openapi.json"
ORUK_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Fixed forever: the derived ids below depend on it.
NAMESPACE = uuid.UUID("6f1c3b7e-2a4d-5e8f-9a0b-1c2d3e4f5a6b")
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:" + taxonomy.VOCABULARY))
LINK_TYPE = "category"


def term_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy_term:{taxonomy.VOCABULARY}:{code}"))


TERM_CODES = {term_id(code): code for code in taxonomy.CATEGORIES}


def _derived(base: str, what: str) -> str:
    return str(uuid.uuid5(uuid.UUID(base), what))


def _put(out: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Add the fields that have a value: ORUK wants empty optional fields left out."""
    out.update({k: v for k, v in fields.items() if v is not None and v != "" and v != []})
    return out


def _hhmmss(value) -> str:
    return value.strftime("%H:%M:%S")


def taxonomy_term(code: str) -> dict[str, Any]:
    parent = taxonomy.parent(code)
    return _put(
        {
            "id": term_id(code),
            "name": taxonomy.label(code),
            "description": f"Elpis needs taxonomy: {taxonomy.label(code)}",
        },
        parent_id=term_id(parent) if parent else None,
        taxonomy=taxonomy.VOCABULARY,
        taxonomy_id=TAXONOMY_ID,
        term=code,
    )


def service_doc(service: DirService) -> dict[str, Any]:
    """One listing as an ORUK 3.0 service, fully nested. Public fields only."""
    sid = service.uuid
    org = service.organisation
    sites = sorted(service.sites, key=lambda s: s.location_id)
    sal_of_location = {sal.location_id: sal.uuid for sal in sites}
    doc = _put(
        {"id": sid, "name": service.name, "status": service.status},
        organization_id=org.uuid if org else None,
        description=service.description,
        url=service.url,
        email=service.email,
        assured_date=service.last_checked.isoformat() if service.last_checked else None,
        last_modified=(
            service.updated_at.astimezone(timezone.utc).isoformat(timespec="seconds") if service.updated_at else None
        ),
        eligibility_description=service.eligibility,
    )
    if org is not None:
        doc["organization"] = _put(
            {"id": org.uuid, "name": org.name, "description": org.description or ""}, email=org.email, website=org.url
        )
    at_locations = []
    for sal in sites:
        loc = sal.location
        location = _put(
            {"id": loc.uuid, "location_type": "physical"},
            name=loc.name,
            latitude=loc.latitude,
            longitude=loc.longitude,
            transportation=loc.transport,
        )
        if loc.address or loc.postcode or loc.borough:
            location["addresses"] = [
                {
                    "id": _derived(loc.uuid, "address"),
                    "location_id": loc.uuid,
                    "address_1": loc.address or "",
                    "city": "London" if loc.borough else "",
                    "state_province": loc.borough or "",
                    "postal_code": loc.postcode or "",
                    "country": "GB",
                    "address_type": "physical",
                }
            ]
        at_locations.append({"id": sal.uuid, "service_id": sid, "location_id": loc.uuid, "location": location})
    _put(doc, service_at_locations=at_locations)
    schedules = []
    for s in sorted(service.schedules, key=lambda s: (s.location_id or 0, s.weekday, s.opens_at, s.id or 0)):
        schedules.append(
            _put(
                {
                    "id": s.uuid,
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "interval": 1,
                    "byday": ORUK_DAYS[s.weekday - 1],
                    "opens_at": _hhmmss(s.opens_at),
                    "closes_at": _hhmmss(s.closes_at),
                },
                service_at_location_id=sal_of_location.get(s.location_id),
            )
        )
    for h in service.holidays:
        schedules.append(
            _put(
                {
                    "id": h.uuid,
                    "service_id": sid,
                    "valid_from": h.start_date.isoformat(),
                    "valid_to": h.end_date.isoformat(),
                    "x_elpis_closed": bool(h.closed),
                    "notes": "Closed on these dates" if h.closed else "Special hours on these dates",
                },
                description=h.description,
                opens_at=_hhmmss(h.opens_at) if h.opens_at and not h.closed else None,
                closes_at=_hhmmss(h.closes_at) if h.closes_at and not h.closed else None,
            )
        )
    _put(doc, schedules=schedules)
    if service.phones:
        contact_id = _derived(sid, "contact")
        doc["contacts"] = [
            {
                "id": contact_id,
                "service_id": sid,
                "phones": [
                    _put(
                        {"id": p.uuid, "contact_id": contact_id, "number": display_phone(p.number, p.display)},
                        description=p.description,
                    )
                    for p in service.phones
                ],
            }
        ]
    _put(
        doc,
        attributes=[
            {
                "id": c.uuid,
                "link_id": sid,
                "link_type": LINK_TYPE,
                "link_entity": "service",
                "taxonomy_term_id": term_id(c.category),
                "taxonomy_term": taxonomy_term(c.category),
            }
            for c in sorted(service.categories, key=lambda c: c.category)
            if taxonomy.is_category(c.category)
        ],
    )
    doc.update(
        {
            "x_elpis_women_only": bool(service.women_only),
            "x_elpis_national": bool(service.national),
            "x_elpis_closed_on_bank_holidays": bool(service.closed_on_bank_holidays),
            "x_elpis_sample": bool(service.is_sample),
        }
    )
    return _put(doc, x_elpis_external_id=service.external_id)


def export_oruk(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """Every listing (inactive ones too; filters as list_services) as a `service_package`."""
    return [service_doc(s) for s in query_services(session, include_inactive=True, **filters)]


# --- Reading 3.0 -----------------------------------------------------------------------------


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


def as_scalar(value: Any) -> Any:
    """A text, number or yes/no from the file; a list or object where one was expected is dropped."""
    return value if isinstance(value, (str, int, float, bool)) else None


def _uuid(value: Any) -> str | None:
    """The file's id if it is a UUID (normalised), else None: we then make our own."""
    try:
        return str(uuid.UUID(str(value))) if isinstance(value, str) else None
    except ValueError:
        return None


V3_KEYS = ("schedules", "attributes", "contacts", "organization_id", "last_modified", "service_areas")
V1_KEYS = ("regular_schedules", "holiday_schedules", "eligibilitys", "service_taxonomys", "phones")


def is_v3(s: dict[str, Any]) -> bool:
    """A 3.0 service, not one of our 1.1 files: 1.1-only names decide, then 3.0 names, then the id."""
    if any(k in s for k in V1_KEYS):
        return False
    for sal in as_objects(s.get("service_at_locations")):
        if "regular_schedules" in sal or "physical_addresses" in as_object(sal.get("location")):
            return False
    return any(k in s for k in V3_KEYS) or _uuid(s.get("id")) is not None


def _days(byday: Any) -> list[int]:
    codes = byday if isinstance(byday, list) else str(byday or "").split(",")
    return [ORUK_DAYS.index(c) + 1 for c in (str(c).strip().upper()[:2] for c in codes) if c in ORUK_DAYS]


def _category(term: dict[str, Any]) -> tuple[str | None, bool]:
    """(code, ours): a term of our taxonomy must be known; another taxonomy's term is kept
    only when it names one of our categories (a foreign feed's own vocabulary is not ours)."""
    code = TERM_CODES.get(str(term.get("id")))
    if code:
        return code, True
    ours = term.get("taxonomy") == taxonomy.VOCABULARY or term.get("taxonomy_id") == TAXONOMY_ID
    for key in ("term", "name"):
        value = as_scalar(term.get(key))
        if value is not None and taxonomy.normalise_code(str(value)):
            return taxonomy.normalise_code(str(value)), ours
    return (as_scalar(term.get("term")) or as_scalar(term.get("name")) or "", ours) if ours else (None, False)


def service_to_data(s: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 3.0 service as (listing dict for listing_input.clean_service, the UUIDs it carried)."""
    org = as_object(s.get("organization"))
    ids: dict[str, Any] = {
        "service": _uuid(s.get("id")),
        "organization": _uuid(org.get("id")),
        "sites": [],
        "phones": [],
        "schedules": [],
        "holidays": [],
        "categories": {},
    }
    locations, sal_index = [], {}
    for i, sal in enumerate(as_objects(s.get("service_at_locations"))):
        loc = as_object(sal.get("location"))
        addresses = as_objects(loc.get("addresses"))
        address = next((a for a in addresses if a.get("address_type") == "physical"), addresses[0] if addresses else {})
        locations.append(location_fields(loc, address))
        ids["sites"].append((_uuid(sal.get("id")), _uuid(loc.get("id"))))
        if sal.get("id") is not None:
            sal_index[str(sal.get("id"))] = i
    schedules, holidays = [], []
    for sch in as_objects(s.get("schedules")):
        days = _days(sch.get("byday"))
        if days:
            where = sal_index.get(str(sch.get("service_at_location_id")))
            for day in days:
                schedules.append(
                    {
                        "weekday": day,
                        "opens_at": as_scalar(sch.get("opens_at")),
                        "closes_at": as_scalar(sch.get("closes_at")),
                        "location": where,
                    }
                )
                # One row per weekday: a schedule for several days keeps its id on the first only.
                ids["schedules"].append(_uuid(sch.get("id")) if day == days[0] else None)
        elif sch.get("valid_from"):
            closed = sch.get("x_elpis_closed")
            if not isinstance(closed, bool):
                closed = not (sch.get("opens_at") and sch.get("closes_at"))
            holidays.append(
                {
                    "start_date": as_scalar(sch.get("valid_from")),
                    "end_date": as_scalar(sch.get("valid_to")) or as_scalar(sch.get("valid_from")),
                    "closed": closed,
                    "opens_at": as_scalar(sch.get("opens_at")),
                    "closes_at": as_scalar(sch.get("closes_at")),
                    "description": as_scalar(sch.get("description")),
                }
            )
            ids["holidays"].append(_uuid(sch.get("id")))
    phones = []
    # The profile's place (contacts[].phones), and HSDS 3.0's service.phones if a feed uses it.
    for p in [p for c in as_objects(s.get("contacts")) for p in as_objects(c.get("phones"))] + as_objects(
        s.get("phones")
    ):
        phones.append({"number": as_scalar(p.get("number")), "description": as_scalar(p.get("description"))})
        ids["phones"].append(_uuid(p.get("id")))
    categories = []
    for attr in as_objects(s.get("attributes")):
        code, _ours = _category(as_object(attr.get("taxonomy_term")))
        if code is None:
            continue
        categories.append(code)
        if _uuid(attr.get("id")):
            ids["categories"].setdefault(code, _uuid(attr.get("id")))
    status = as_scalar(s.get("status")) or "active"
    data: dict[str, Any] = {
        "external_id": as_scalar(s.get("x_elpis_external_id")),
        "name": as_scalar(s.get("name")),
        "organisation": as_scalar(org.get("name")),
        "description": as_scalar(s.get("description")),
        "url": as_scalar(s.get("url")),
        "email": as_scalar(s.get("email")),
        # We keep active / inactive only: defunct and temporarily closed are not offered.
        "status": "inactive" if status in ("defunct", "temporarily closed") else status,
        "last_checked": as_scalar(s.get("assured_date")),
        "eligibility": as_scalar(s.get("eligibility_description")),
        "phones": phones,
        "locations": locations,
        "schedules": schedules,
        "holidays": holidays,
        "categories": categories,
    }
    for key, field_name in (
        ("x_elpis_women_only", "women_only"),
        ("x_elpis_national", "national"),
        ("x_elpis_closed_on_bank_holidays", "closed_on_bank_holidays"),
        ("x_elpis_sample", "is_sample"),
    ):
        if key in s:
            data[field_name] = as_scalar(s[key])
    return data, ids


def _free(session: Session, model, wanted: list[tuple[Any, str | None]], taken: set[str]) -> None:
    """Give each row the file's uuid unless another row (or an earlier one in this file) has it."""
    wanted = [(row, u) for row, u in wanted if u and row is not None and row.uuid != u]
    if not wanted:
        return
    used = dict(session.execute(select(model.uuid, model.id).where(model.uuid.in_([u for _, u in wanted]))).all())
    for row, u in wanted:
        key = f"{model.__tablename__}:{u}"
        if key in taken or used.get(u, row.id) != row.id:
            continue
        taken.add(key)
        row.uuid = u


def apply_ids(session: Session, service: DirService, ids: dict[str, Any], new_orgs: set[str], taken: set[str]) -> None:
    """Keep the UUIDs a 3.0 file carried on the rows just written from it, so a
    re-export gives the same ids. An organisation keeps ours unless this import made it."""
    from bot.db.models import (
        DirHolidaySchedule,
        DirLocation,
        DirOrganisation,
        DirPhone,
        DirSchedule,
        DirServiceAtLocation,
        DirServiceCategory,
    )

    session.flush()
    _free(session, DirService, [(service, ids.get("service"))], taken)
    if service.organisation is not None and service.organisation.name in new_orgs:
        _free(session, DirOrganisation, [(service.organisation, ids.get("organization"))], taken)
    sites = sorted(service.sites, key=lambda s: s.location_id)
    if len(sites) == len(ids["sites"]):
        _free(session, DirServiceAtLocation, [(sal, u[0]) for sal, u in zip(sites, ids["sites"])], taken)
        _free(session, DirLocation, [(sal.location, u[1]) for sal, u in zip(sites, ids["sites"])], taken)
    # Lists clean_service may have shortened (a blank phone dropped) keep fresh ids.
    for attr, model in (("phones", DirPhone), ("schedules", DirSchedule), ("holidays", DirHolidaySchedule)):
        rows = list(getattr(service, attr))
        if len(rows) == len(ids[attr]):
            _free(session, model, list(zip(rows, ids[attr])), taken)
    _free(session, DirServiceCategory, [(c, ids["categories"].get(c.category)) for c in service.categories], taken)
    session.flush()


def api_details() -> dict[str, Any]:
    return {"version": VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


def page_doc(items: list[dict[str, Any]], total: int, page: int, per_page: int) -> dict[str, Any]:
    """A `service_list` page (page numbers from 1)."""
    pages = max(1, -(-total // per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": per_page,
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not items,
        "contents": items,
    }
