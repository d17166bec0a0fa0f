"""Admin edits of the directory: add, change and remove listings.

Every function takes the caller's Session (one unit of work); nothing is
written unless the whole input is valid (listing_input.clean_service).
Edits touch the service's `updated_at`, which is how the bot sees them at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

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
from bot.directory.listing_input import DirectoryError, clean_service


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
    for key in (
        "name",
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
    ):
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
            rows.append(
                DirSchedule(
                    weekday=s["weekday"], opens_at=s["opens_at"], closes_at=s["closes_at"], location_id=location_id
                )
            )
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
