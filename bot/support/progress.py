"""Her progress: her first reading against her latest, area by area, and a short-lived
link to her star (the radar picture) for the chat page.

The link carries no name and dies within the hour: it is signed with the service's
secret, so nobody can guess another woman's link, and a page left open shows nothing
for long."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.crud import outcomes as crud
from bot.settings import get_settings

LINK_LIFE = timedelta(hours=1)


@dataclass(frozen=True)
class Change:
    name: str
    first: int
    latest: int


@dataclass(frozen=True)
class Progress:
    count: int
    first_day: date
    latest_day: date
    up: tuple[Change, ...]
    down: tuple[Change, ...]
    same: tuple[Change, ...]
    latest: tuple[tuple[str, int | None], ...]  # every area in use, her latest score or None


@dataclass(frozen=True)
class Star:
    names: tuple[str, ...]
    readings: tuple[tuple[date, tuple[int | None, ...]], ...]  # oldest first


def star(session: Session, referral_id: int) -> Star | None:
    instrument = crud.get_instrument(session)
    readings = crud.readings_for_case(session, referral_id)
    if instrument is None or not readings:
        return None
    areas = [a for a in instrument.areas if not a.retired or any(a.id in r.scores for r in readings)]
    return Star(
        tuple(a.name for a in areas),
        tuple((r.taken_on, tuple(r.scores.get(a.id) for a in areas)) for r in readings),
    )


def progress(session: Session, referral_id: int) -> Progress | None:
    found = star(session, referral_id)
    if found is None:
        return None
    first, latest = found.readings[0][1], found.readings[-1][1]
    up: list[Change] = []
    down: list[Change] = []
    same: list[Change] = []
    for name, a, b in zip(found.names, first, latest):
        if a is None or b is None or len(found.readings) < 2:
            continue
        (up if b > a else down if b < a else same).append(Change(name, a, b))
    return Progress(
        len(found.readings),
        found.readings[0][0],
        found.readings[-1][0],
        tuple(up),
        tuple(down),
        tuple(same),
        tuple(zip(found.names, latest)),
    )


def _sign(body: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"star:{body}".encode(), hashlib.sha256).hexdigest()[:32]


def star_token(referral_id: int, now: datetime) -> str:
    body = f"{referral_id}.{int((now + LINK_LIFE).timestamp())}"
    return f"{body}.{_sign(body)}"


def read_star_token(token: str, now: datetime) -> int | None:
    """The case the link is for, or None: forged, garbled or expired."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _sign(body)) or int(parts[1]) < now.timestamp():
        return None
    return int(parts[0])
