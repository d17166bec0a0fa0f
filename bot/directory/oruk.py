"""Open Referral UK 3.0 (HSDS-UK-3.0): the directory as fully nested services.

`export_oruk(session)` is a `service_package` (an array of services) that the
official schemas accept with no errors; `service_doc(service)` is one service
(`GET /services/{id}`). Reading 3.0 back is oruk_import.py; the names both
directions share (weekday codes, taxonomy ids) are oruk_fields.py.

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

from sqlalchemy.orm import Session

from bot.db.models import DirService
from bot.directory import taxonomy
from bot.directory.listing_reads import query_services
from bot.directory.oruk_fields import ELPIS_FLAGS, ORUK_DAYS, TAXONOMY_ID, term_id
from bot.directory.phones import display_phone

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://openreferraluk.org/specifications/3.0/"
OPENAPI_URL = "https://openreferraluk.org/specifications/3.0/openapi.json"
LINK_TYPE = "category"


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
    doc.update({key: bool(getattr(service, field_name)) for key, field_name in ELPIS_FLAGS})
    return _put(doc, x_elpis_external_id=service.external_id)


def export_oruk(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """Every listing (inactive ones too; filters as list_services) as a `service_package`."""
    return [service_doc(s) for s in query_services(session, include_inactive=True, **filters)]


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
