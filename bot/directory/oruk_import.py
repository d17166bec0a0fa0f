"""Reading an Open Referral UK 3.0 service back into a listing.

`service_to_data` gives the listing dict listing_input.py reads, with the UUIDs
the file carried (`ids`); `apply_ids` puts those UUIDs on the rows written
from it, so a re-export gives the same ids. oruk_json.import_openreferral_json
decides per service (`is_v3`) whether it is 3.0 or one of our older 1.1 files.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import DirService
from bot.directory import taxonomy
from bot.directory.oruk_fields import (
    ORUK_DAYS,
    TAXONOMY_ID,
    TERM_CODES,
    as_object,
    as_objects,
    as_scalar,
    elpis_flags,
    location_fields,
    service_fields,
)


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
        **service_fields(s, org),
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
    data.update(elpis_flags(s))
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
