"""Reading listings for the staff app, exports and the ORUK API: one listing or a
filtered list, as rows (children loaded) or as the plain dict listing_input reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import DirLocation, DirService, DirServiceAtLocation, DirServiceCategory
from bot.directory.phones import display_phone
from bot.hours import Opening, format_week


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
        "phones": [
            {"number": display_phone(p.number, p.display), "description": p.description} for p in service.phones
        ],
        "locations": [
            {
                k: getattr(sal.location, k)
                for k in ("name", "address", "postcode", "borough", "latitude", "longitude", "transport")
            }
            for sal in sites
        ],
        "schedules": [
            {
                "weekday": s.weekday,
                "opens_at": s.opens_at.strftime("%H:%M"),
                "closes_at": s.closes_at.strftime("%H:%M"),
                "location": index.get(s.location_id) if s.location_id else None,
            }
            for s in sorted(service.schedules, key=lambda s: (s.location_id or 0, s.weekday, s.opens_at))
        ],
        "holidays": [
            {
                "start_date": h.start_date.isoformat(),
                "end_date": h.end_date.isoformat(),
                "closed": bool(h.closed),
                "opens_at": h.opens_at.strftime("%H:%M") if h.opens_at else None,
                "closes_at": h.closes_at.strftime("%H:%M") if h.closes_at else None,
                "description": h.description,
            }
            for h in service.holidays
        ],
        "updated_at": service.updated_at.isoformat() if service.updated_at else None,
    }


def hours_text(service: DirService) -> str:
    """The service-wide regular hours in CSV form ('Mon-Fri 09:30-17:00')."""
    return format_week(
        [Opening(s.weekday, s.opens_at, s.closes_at) for s in service.schedules if s.location_id is None]
    )


def with_children(query):
    """`query` with a listing's organisation, places, phones, hours and categories loaded in a few selects."""
    return query.options(
        selectinload(DirService.organisation),
        selectinload(DirService.sites).joinedload(DirServiceAtLocation.location),
        selectinload(DirService.phones),
        selectinload(DirService.schedules),
        selectinload(DirService.holidays),
        selectinload(DirService.categories),
    )


def get_service(session: Session, service_id: int) -> dict[str, Any] | None:
    service = session.execute(with_children(select(DirService)).where(DirService.id == service_id)).scalar_one_or_none()
    return service_to_dict(service) if service else None


def query_services(
    session: Session,
    *,
    search: str | None = None,
    category: str | None = None,
    borough: str | None = None,
    include_inactive: bool = False,
    national: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[DirService]:
    query = with_children(select(DirService)).order_by(DirService.name, DirService.id)
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
