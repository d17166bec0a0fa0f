"""Finding listings: need match first, then distance; open now; national lines.

`search_directory(session, query)` is what the action server calls. It reads
the cached snapshot (bot/directory/catalogue.py), so it does one small query
per call unless the directory changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from sqlalchemy.orm import Session

from bot.directory import taxonomy
from bot.directory.catalogue import CELL_LAT, CELL_LON, Listing, Snapshot, cell_of, current_snapshot
from bot.directory.hours import OpenStatus, is_open_at, is_open_during, opening_status
from bot.geo import haversine_km
from bot.hours import zone

NEAR_KM = 10.0  # "near": a short bus ride across London
MAX_RESULTS = 30
FALLBACK_NATIONAL = 3
EXACT, BROADER = 2, 1


@dataclass(frozen=True)
class SearchQuery:
    latitude: float | None = None
    longitude: float | None = None
    borough: str | None = None
    categories: tuple[str, ...] = ()
    # None | now | today | tonight | tomorrow | weekend | day:N (ISO weekday)
    when: str | None = None
    at: datetime | None = None
    radius_km: float = NEAR_KM
    limit: int = MAX_RESULTS

    @property
    def has_location(self) -> bool:
        return (self.latitude is not None and self.longitude is not None) or bool(self.borough)


class Hit:
    """A listing found, its distance, how well it matches, and (worked out
    only when looked at) whether it is open."""

    __slots__ = ("listing", "distance_km", "match", "_status", "_at")

    def __init__(
        self,
        listing: Listing,
        distance_km: float | None,
        match: int,
        status: OpenStatus | None = None,
        at: datetime | None = None,
    ):
        self.listing, self.distance_km, self.match = listing, distance_km, match
        self._status, self._at = status, at

    @property
    def status(self) -> OpenStatus:
        if self._status is None:
            self._status = opening_status(self.listing.hours, self._at or datetime.now(timezone.utc))
        return self._status

    def __repr__(self) -> str:
        return f"Hit({self.listing.name!r}, {self.distance_km!r}, {self.match})"


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)  # what she asked for: local, then national
    broader: list[Hit] = field(default_factory=list)  # closest broader options when nothing matched
    national: list[Hit] = field(default_factory=list)  # lines to offer when nothing matched
    local_matches: int = 0
    closed_matches: int = 0  # matches left out by the time filter
    next_to_open: Hit | None = None  # the soonest of those to open


def _broader_codes(codes: tuple[str, ...]) -> set[str]:
    out: set[str] = {taxonomy.WOMENS_CENTRE}
    for code in codes:
        out.update(taxonomy.ancestors(code))
    return out - set(codes)


def _window(when: str | None, at: datetime) -> tuple[datetime, datetime] | None:
    """The time span a "when" asks about, in London time."""
    if when in (None, "", "now"):
        return None
    london = zone()
    local = at.astimezone(london)
    day = local.date()

    def span(d, start: time = time(0), days: int = 1):
        begin = datetime.combine(d, start, tzinfo=london)
        return max(begin, at), datetime.combine(d + timedelta(days=days), time(0), tzinfo=london)

    if when == "today":
        return span(day)
    if when == "tonight":
        return span(day, time(18))
    if when == "tomorrow":
        return span(day + timedelta(days=1))
    if when == "weekend":
        saturday = day + timedelta(days=(5 - day.weekday()) % 7)
        if day.weekday() == 6:
            saturday = day - timedelta(days=1)
        return span(saturday, days=2)
    if when.startswith("day:"):
        target = int(when[4:])
        return span(day + timedelta(days=(target - day.isoweekday()) % 7))
    return None


def _open_when(listing: Listing, when: str | None, at: datetime) -> bool:
    if when in (None, ""):
        return True
    if when == "now":
        return is_open_at(listing.hours, at)
    window = _window(when, at)
    return window is None or is_open_during(listing.hours, *window)


def _ring_search(
    snap: Snapshot, code: str | None, query: SearchQuery, want: int, accept=None
) -> list[tuple[float, Listing]]:
    """Nearest listings of one category within the radius, walking the grid outwards.

    Stops once `want` are found and no unvisited cell can hold a nearer one, so a
    search touches a few cells, not all 10,000 listings.
    """
    grid = snap.grid.get(code)
    lat, lon = query.latitude, query.longitude
    if not grid or lat is None or lon is None:
        return []
    ci, cj = cell_of(lat, lon)
    cell_km = min(CELL_LAT * 111.0, CELL_LON * 111.0 * math.cos(math.radians(lat)))
    max_ring = int(query.radius_km / cell_km) + 1
    found: list[tuple[float, Listing]] = []
    for ring in range(max_ring + 1):
        if len(found) >= want:
            found.sort(key=lambda f: f[0])
            if found[want - 1][0] <= (ring - 1) * cell_km:
                break
        cells = [
            (ci + di, cj + dj)
            for di in range(-ring, ring + 1)
            for dj in range(-ring, ring + 1)
            if max(abs(di), abs(dj)) == ring
        ]
        for cell in cells:
            for item in grid.get(cell, ()):
                site = item.site
                km = haversine_km(lat, lon, site.latitude, site.longitude)  # type: ignore[union-attr, arg-type]  # the grid holds placed sites only
                if km <= query.radius_km and (accept is None or accept(item)):
                    found.append((km, item))
    found.sort(key=lambda f: (f[0], f[1].name))
    return found


def _nearest(
    snap: Snapshot, codes: set[str] | None, query: SearchQuery, want: int, accept=None
) -> list[tuple[float, Listing]]:
    """Nearest local listings having any of `codes` (None: any listing), plus those
    with no position in her borough (after the rest)."""
    seen: dict[str, tuple[float, Listing]] = {}
    for code in codes or (None,):
        for km, item in _ring_search(snap, code, query, want, accept):
            if item.key not in seen or km < seen[item.key][0]:
                seen[item.key] = (km, item)
        if query.borough:
            for item in snap.unplaced.get((code, query.borough), ()):
                if accept is None or accept(item):
                    seen.setdefault(item.key, (math.inf, item))
    return sorted(seen.values(), key=lambda f: (f[0], f[1].name))[: max(want, 0)] if want else []


def search_snapshot(snap: Snapshot, query: SearchQuery) -> SearchResult:
    at = query.at or datetime.now(timezone.utc)
    wanted = {c for c in query.categories if taxonomy.is_category(c)}
    result = SearchResult()
    accept = (lambda item: _open_when(item, query.when, at)) if query.when else None

    exact = _nearest(snap, wanted or None, query, query.limit, accept)
    result.hits = [Hit(item, None if math.isinf(km) else km, EXACT, at=at) for km, item in exact]
    result.local_matches = len(exact)
    if query.when and not exact:
        closed = _nearest(snap, wanted or None, query, 10)
        result.local_matches = result.closed_matches = len(closed)
        soonest: Hit | None = None
        for km, item in closed:
            hit = Hit(item, None if math.isinf(km) else km, EXACT, at=at)
            if hit.status.next_open and (soonest is None or hit.status.next_open < soonest.status.next_open):  # type: ignore[operator]  # soonest has one
                soonest = hit
        result.next_to_open = soonest

    if wanted:
        for item in snap.national:
            if item.categories & wanted and _open_when(item, query.when, at):
                result.hits.append(Hit(item, None, EXACT, at=at))
    if not exact:
        broader = _broader_codes(tuple(wanted)) if wanted else set()
        if broader:
            near = _nearest(snap, broader, query, 2, accept)
            result.broader = [Hit(item, None if math.isinf(km) else km, BROADER, at=at) for km, item in near]
            if not result.broader and query.latitude is not None:
                result.broader = _nearest_anywhere(snap, query, broader, at)
        result.national = fallback_national(snap, wanted, at)
    return result


def _nearest_anywhere(snap: Snapshot, query: SearchQuery, codes: set[str], at: datetime) -> list[Hit]:
    """The single nearest broader option at any distance (e.g. a women's centre)."""
    best: tuple[float, Listing] | None = None
    for item in snap.local:
        if item.site is None or item.site.latitude is None or not (item.categories & codes):
            continue
        km = haversine_km(query.latitude, query.longitude, item.site.latitude, item.site.longitude)  # type: ignore[arg-type]  # both placed
        if best is None or km < best[0]:
            best = (km, item)
    return [Hit(best[1], best[0], BROADER, at=at)] if best else []


def _always_open(item: Listing) -> bool:
    """Open 24 hours every day (a helpline), read from the regular hours."""
    days = {o.weekday for o in item.hours.openings if o.opens == o.closes}
    return days == set(range(1, 8)) and not item.hours.closed_on_bank_holidays


def fallback_national(snap: Snapshot, wanted: set[str] | None, at: datetime | None = None) -> list[Hit]:
    """National lines to offer: those for her need first, then 24-hour ones (in listing order)."""
    at = at or datetime.now(timezone.utc)
    chosen: list[Listing] = []
    wanted = wanted or set()
    for item in snap.national:
        if item.categories & wanted and item not in chosen:
            chosen.append(item)
    chosen = chosen[:2]
    general = 0  # 24-hour lines (domestic abuse, Samaritans...): at most two, three lines in all
    for item in snap.national:
        if len(chosen) >= FALLBACK_NATIONAL or general >= 2:
            break
        if item not in chosen and _always_open(item):
            chosen.append(item)
            general += 1
    return [Hit(item, None, EXACT if item.categories & wanted else BROADER, at=at) for item in chosen]


def search_directory(session: Session, query: SearchQuery) -> SearchResult:
    """What the action server calls: version check, cached snapshot, ranking."""
    return search_snapshot(current_snapshot(session), query)


def listing_by_key(session: Session, key: str) -> Listing | None:
    return current_snapshot(session).by_key.get(key)
