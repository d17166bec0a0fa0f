"""The service's own women's centres (where appointments happen): add, edit, close."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Centre
from bot.geo import normalise_postcode
from bot.geo.boroughs import get_borough
from bot.geo.postcodes import lookup_outcode
from bot.staff import audit

FIELDS = ("name", "address", "postcode", "borough", "phone", "opening_hours", "latitude", "longitude")


class FormErrors(ValueError):
    """Per-field messages for the form (nothing saved)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class CentreForm:
    name: str = ""
    address: str = ""
    postcode: str = ""
    borough: str = ""
    phone: str = ""
    opening_hours: str = ""
    latitude: str = ""
    longitude: str = ""
    active: bool = True

    @classmethod
    def from_centre(cls, c: Centre) -> CentreForm:
        return cls(
            c.name,
            c.address,
            c.postcode,
            c.borough,
            c.phone or "",
            c.opening_hours or "",
            "" if c.latitude is None else str(c.latitude),
            "" if c.longitude is None else str(c.longitude),
            bool(c.active),
        )


def _float(value: str, low: float, high: float) -> float | None:
    if not value.strip():
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError
    return number


def clean(form: CentreForm) -> dict:
    errors: dict[str, str] = {}
    out: dict = {"active": bool(form.active)}
    for key, limit in (("name", 120), ("address", 250)):
        value = getattr(form, key).strip()
        if not value or len(value) > limit:
            errors[key] = f"Required, up to {limit} characters."
        out[key] = value
    postcode = normalise_postcode(form.postcode or "")
    if postcode is None:
        errors["postcode"] = "Enter a full UK postcode, like SE15 5AA."
    out["postcode"] = postcode
    borough = get_borough(form.borough.strip())
    if borough is None:
        errors["borough"] = "Choose a London borough."
    out["borough"] = borough.name if borough else None
    for key, limit in (("phone", 20), ("opening_hours", 250)):
        value = getattr(form, key).strip()
        if len(value) > limit:
            errors[key] = f"Up to {limit} characters."
        out[key] = value or None
    try:
        out["latitude"] = _float(form.latitude, 49.0, 61.0)
        out["longitude"] = _float(form.longitude, -8.0, 2.0)
    except ValueError:
        errors["latitude"] = "Latitude and longitude must be numbers in the UK (or left empty)."
    if errors:
        raise FormErrors(errors)
    if out["latitude"] is None or out["longitude"] is None:
        assert postcode is not None  # a bad one raised FormErrors above
        info = lookup_outcode(postcode.split(" ")[0])  # district centre: near enough for "nearest"
        if info is not None:
            out["latitude"], out["longitude"] = info.latitude, info.longitude
    return out


def list_centres(session: Session) -> list[Centre]:
    return list(session.execute(select(Centre).order_by(Centre.active.desc(), Centre.name)).scalars())


def save_centre(session: Session, centre_id: int | None, form: CentreForm, staff_id: int) -> Centre:
    values = clean(form)
    clash = session.execute(select(Centre.id).where(Centre.name == values["name"])).scalar_one_or_none()
    if clash is not None and clash != centre_id:
        raise FormErrors({"name": "Another centre has this name."})
    centre = session.get(Centre, centre_id) if centre_id else Centre()
    if centre is None:
        raise LookupError("no such centre")
    for key, value in values.items():
        setattr(centre, key, value)
    if centre_id is None:
        session.add(centre)
    session.flush()
    audit.record(session, staff_id, "edit_centre" if centre_id else "add_centre", "centre", centre.id)
    return centre
