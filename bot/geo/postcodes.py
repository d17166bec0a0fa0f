"""UK postcodes and London postcode districts: parsing, lookup and location resolution.

Why: the assistant asks "what is your postcode or area?" and must turn any
answer ("se15 4qf", "SW9", "I'm in Lambeth", "near Peckham", "M1 1AE") into
the London borough and a rough position used to find nearby services, or say
clearly that the place is outside London. Everything here is a pure function
over the district table in ``data/london_outcodes.csv`` (district level only,
see ``data/SOURCES.md`` for sources, licence and limitations), read once.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.geo.boroughs import (
    OUTCODES_CSV,
    Key,
    clean_place_name,
    exact_borough_spans,
    exact_spans,
    fuzzy_borough,
    longest_first,
    phrase_key,
    tokenise,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "INNER_LONDON_AREAS",
    "INWARD_PATTERN",
    "OUTWARD_PATTERN",
    "Location",
    "LocationKind",
    "OutcodeInfo",
    "all_outcodes",
    "borough_centroid",
    "find_outcode",
    "haversine_km",
    "london_postcode_areas",
    "lookup_outcode",
    "normalise_postcode",
    "resolve_location",
]

# --- Postcode format -------------------------------------------------------
# The official format (Royal Mail / BS 7666, as in the gov.uk bulk-transfer
# regex), split in parts so the spaCy builder can reuse them on tokens.
# Area letters: first never Q, V, X; second never I, J, Z. The optional final
# letter of the outward code is restricted per shape; the inward letters never
# use C, I, K, M, O, V. GIR 0AA is deliberately not supported.
AREA_1 = "[A-PR-UWYZ]"
AREA_2 = "[A-HK-Y]"
A9A_LETTER = "[A-HJKPSTUW]"
AA9A_LETTER = "[ABEHMNPRV-Y]"
INWARD_LETTERS = "[ABD-HJLNP-UW-Z]"
OUTWARD_PATTERN = (
    f"(?:{AREA_1}[0-9][0-9]?|{AREA_1}{AREA_2}[0-9][0-9]?|{AREA_1}[0-9]{A9A_LETTER}|{AREA_1}{AREA_2}[0-9]{AA9A_LETTER})"
)
INWARD_PATTERN = f"[0-9]{INWARD_LETTERS}{{2}}"

_POSTCODE_RE = re.compile(
    rf"(?<![A-Za-z0-9])(?P<outward>{OUTWARD_PATTERN})"
    rf"\s*(?P<inward>{INWARD_PATTERN})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_OUTWARD_RE = re.compile(OUTWARD_PATTERN, re.IGNORECASE)
_OUTCODE_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)(?![A-Za-z0-9])")
_AREA_RE = re.compile(r"[A-Z]+")

# Postcode areas lying wholly in London: a district of theirs that is missing
# from the table is a typo or a retired code ("SE99"), not somewhere else.
INNER_LONDON_AREAS: frozenset[str] = frozenset({"E", "EC", "N", "NW", "SE", "SW", "W", "WC"})

# Everyday words among the place names ("Bow", "Temple", "Old Ford"...). They
# only count when capitalised as written, or (single words) right after
# "in", "from", "near", "at" or "around"; see boroughs.is_trusted.
_CASED_PLACES: frozenset[str] = frozenset(
    {
        "Archway",
        "Barking",
        "Belmont",
        "Belvedere",
        "Bow",
        "Botany Bay",
        "Church End",
        "Clay Hill",
        "Crown Point",
        "Custom House",
        "Elm Park",
        "Evelyn",
        "Grove Park",
        "Ham",
        "Hatton",
        "Hayes",
        "Heath Park",
        "Hook",
        "Horn Park",
        "Kenton",
        "Lee",
        "Little Heath",
        "Manor House",
        "Manor Park",
        "Mansion House",
        "Maryland",
        "Mill End",
        "Monument",
        "Moor Park",
        "Old Ford",
        "Poplar",
        "Preston",
        "Rose Hill",
        "Rush Green",
        "Shirley",
        "South Bank",
        "Temple",
        "The Hyde",
        "Three Mills",
        "Tower Hill",
        "Upton",
        "Well End",
        "Well Hill",
        "West Green",
        "West Heath",
        "White City",
    }
)

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

LocationKind = Literal["postcode", "outcode", "borough", "place", "unknown_postcode", "outside_london", "none"]


@dataclass(frozen=True)
class OutcodeInfo:
    """One row of london_outcodes.csv: a postcode district touching London.

    ``borough`` is the district's main authority; for 27 districts it lies
    outside London (``primary_in_london`` False) and the London part is in
    ``other_boroughs``. ``other_boroughs`` is a superset ("possibly also").
    """

    outcode: str
    latitude: float
    longitude: float
    borough: str
    borough_code: str
    other_boroughs: tuple[str, ...]
    non_geographic: bool
    places: tuple[str, ...]
    primary_in_london: bool = True


@dataclass(frozen=True)
class Location:
    """What a piece of free text says about where someone is.

    kind:
      postcode          full postcode whose district is in the London table
      outcode           district only ("SE15"), or a split district ("W1", "SW1")
      borough           a borough name or alias; position is the borough centroid
      place             a neighbourhood from the table ("Peckham")
      unknown_postcode  London-looking code missing from the table ("SE99")
      outside_london    valid postcode/district elsewhere ("M1 1AE"), or a place
                        whose districts lie mainly outside London ("Epsom")
      none              nothing recognised
    Positions are approximate district centres; a district can span several
    boroughs (``other_boroughs``), so ask for more detail when that matters.
    For the 27 border districts whose main authority is outside London (EN6,
    KT17...), ``borough`` is that authority: check ``is_london_borough``.
    ``candidate_outcodes`` lists every district of a place or split district.
    """

    kind: LocationKind
    postcode: str | None = None
    outcode: str | None = None
    borough: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    other_boroughs: tuple[str, ...] = ()
    place: str | None = None
    candidate_outcodes: tuple[str, ...] = ()


# --- Parsing -----------------------------------------------------------------


def normalise_postcode(text: str) -> str | None:
    """The first full UK postcode in free text, as "SE15 4QF", or None.

    Accepts any case and missing or extra spaces ("se154qf", "Se15  4QF").
    """
    match = _POSTCODE_RE.search(text or "")
    if match is None:
        return None
    return f"{match['outward'].upper()} {match['inward'].upper()}"


def _area(outcode: str) -> str:
    """Postcode area letters of an outward code ("SE" for "SE15")."""
    match = _AREA_RE.match(outcode)
    return match.group() if match else ""


def _find_bare_outcode(text: str) -> str | None:
    """A standalone word shaped like a district of a London postcode area.

    Why the area check: "B12", "M25", "A4", "P45" and "MP3" are valid outward
    codes but in a chat they are vitamins, roads, paper and tax forms.
    """
    areas = london_postcode_areas()
    for match in _OUTCODE_TOKEN_RE.finditer(text or ""):
        token = match.group(1).upper()
        if _OUTWARD_RE.fullmatch(token) and _area(token) in areas:
            return token
    return None


def find_outcode(text: str) -> str | None:
    """The district ("SE15") of a full postcode in the text, else a bare district word.

    A bare word counts only when the whole word is an outward code of a London
    postcode area ("SE15", "ec1v", "n1", "W1A"); words without digits and phone
    numbers never match.
    """
    postcode = normalise_postcode(text)
    if postcode is not None:
        return postcode.split(" ", 1)[0]
    return _find_bare_outcode(text)


# --- District table --------------------------------------------------------------


def _split_names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


@lru_cache(maxsize=1)
def _outcode_table() -> dict[str, OutcodeInfo]:
    """The district table keyed by outcode, read once."""
    table: dict[str, OutcodeInfo] = {}
    with OUTCODES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table[row["outcode"]] = OutcodeInfo(
                outcode=row["outcode"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                borough=row["borough"],
                borough_code=row["borough_code"],
                other_boroughs=_split_names(row["other_boroughs"]),
                non_geographic=row["non_geographic"] == "yes",
                places=tuple(p.strip() for p in row["places"].split(",") if p.strip()),
                primary_in_london=row["primary_in_london"] == "yes",
            )
    return table


def all_outcodes() -> tuple[OutcodeInfo, ...]:
    """Every district in the table, in file order."""
    return tuple(_outcode_table().values())


@lru_cache(maxsize=1)
def london_postcode_areas() -> frozenset[str]:
    """Postcode areas with at least one district in the table ("SE", "CR", "TW"...)."""
    return frozenset(_area(outcode) for outcode in _outcode_table())


def lookup_outcode(outcode: str) -> OutcodeInfo | None:
    """The table row for a district code (any case and spacing), or None."""
    return _outcode_table().get("".join((outcode or "").split()).upper())


def _geographic_mean(infos: list[OutcodeInfo]) -> tuple[float, float]:
    """Mean position, leaving out PO-box districts (their position is a sorting office)."""
    usable = [info for info in infos if not info.non_geographic] or infos
    return (
        sum(info.latitude for info in usable) / len(usable),
        sum(info.longitude for info in usable) / len(usable),
    )


@lru_cache(maxsize=1)
def _borough_centroids() -> dict[str, tuple[float, float]]:
    """Borough -> mean position of the districts where it is the main borough."""
    by_borough: dict[str, list[OutcodeInfo]] = {}
    for info in _outcode_table().values():
        by_borough.setdefault(info.borough, []).append(info)
    return {borough: _geographic_mean(infos) for borough, infos in by_borough.items()}


def borough_centroid(borough: str) -> tuple[float, float] | None:
    """(latitude, longitude) for a borough's ONS name, or None."""
    return _borough_centroids().get(borough)


@lru_cache(maxsize=1)
def _place_index() -> tuple[dict[Key, tuple[str, tuple[str, ...]]], dict[Key, str], int]:
    """(place key -> (name, outcodes best first), key -> cased name, longest key).

    Best first: districts mainly in London, then residential ones, then those
    listing the place earlier (the table lists a district's main places first).
    """
    found: dict[Key, list[tuple[tuple[bool, bool, int, int], str]]] = {}
    names: dict[Key, str] = {}
    for row_number, info in enumerate(_outcode_table().values()):
        for position, raw in enumerate(info.places):
            name = clean_place_name(raw)
            if name is None:
                continue
            key = phrase_key(name)
            names.setdefault(key, name)
            rank = (not info.primary_in_london, info.non_geographic, position, row_number)
            found.setdefault(key, []).append((rank, info.outcode))
    index = {
        key: (names[key], tuple(dict.fromkeys(outcode for _, outcode in sorted(entries))))
        for key, entries in found.items()
    }
    cased = {phrase_key(name): name for name in _CASED_PLACES}
    return index, cased, max(len(key) for key in index)


# --- Resolution --------------------------------------------------------------------


def _location_for_outcode(outcode: str, postcode: str | None) -> Location:
    """Location for a district code found in the text (alone or in a postcode)."""
    info = lookup_outcode(outcode)
    if info is not None:
        return Location(
            kind="postcode" if postcode else "outcode",
            postcode=postcode,
            outcode=info.outcode,
            borough=info.borough,
            latitude=info.latitude,
            longitude=info.longitude,
            other_boroughs=info.other_boroughs,
        )
    if postcode is None:
        group = _split_district(outcode)
        if group is not None:
            return group
    in_london_area = _area(outcode) in INNER_LONDON_AREAS
    kind: LocationKind = "unknown_postcode" if in_london_area else "outside_london"
    return Location(kind=kind, postcode=postcode, outcode=outcode)


def _split_district(outcode: str) -> Location | None:
    """Location for a district that was split into lettered ones ("W1" -> W1A..W1W).

    Why: people still say "W1", "SW1" or "EC1". The borough is the most common
    main borough of the parts; the others go to ``other_boroughs``.
    """
    parts = [info for code, info in _outcode_table().items() if code[:-1] == outcode and code[-1].isalpha()]
    if not parts:
        return None
    residential = [info for info in parts if not info.non_geographic] or parts
    borough = Counter(info.borough for info in residential).most_common(1)[0][0]
    others = {info.borough for info in parts} | {b for info in parts for b in info.other_boroughs}
    latitude, longitude = _geographic_mean(parts)
    return Location(
        kind="outcode",
        outcode=outcode,
        borough=borough,
        latitude=latitude,
        longitude=longitude,
        other_boroughs=tuple(sorted(others - {borough})),
        candidate_outcodes=tuple(info.outcode for info in parts),
    )


def _location_for_borough(borough: str) -> Location:
    latitude, longitude = _borough_centroids()[borough]
    return Location(kind="borough", borough=borough, latitude=latitude, longitude=longitude)


def _location_for_place(key: Key) -> Location:
    index, _, _ = _place_index()
    name, outcodes = index[key]
    info = _outcode_table()[outcodes[0]]
    return Location(
        kind="place" if info.primary_in_london else "outside_london",
        outcode=info.outcode,
        borough=info.borough,
        latitude=info.latitude,
        longitude=info.longitude,
        other_boroughs=info.other_boroughs,
        place=name,
        candidate_outcodes=outcodes,
    )


def _location_for_names(text: str) -> Location:
    """Borough or place named in the text.

    Order: exact borough names and aliases, then neighbourhood names, then
    misspelt borough names. A place that contains a borough name
    ("South Croydon", "Bromley-by-Bow") wins over that borough name.
    """
    tokens = tokenise(text)
    if not tokens:
        return Location(kind="none")
    index, cased, max_len = _place_index()
    place_spans = exact_spans(tokens, index, cased, max_len)
    for start, end, borough in exact_borough_spans(tokens):
        inside_longer_place = any(
            p_start <= start and end <= p_end and p_end - p_start > end - start for p_start, p_end, _ in place_spans
        )
        if not inside_longer_place:
            return _location_for_borough(borough)
    if place_spans:
        return _location_for_place(longest_first(place_spans)[0][2])
    fuzzy = fuzzy_borough(tokens)
    if fuzzy is not None:
        return _location_for_borough(fuzzy)
    return Location(kind="none")


def resolve_location(text: str) -> Location:
    """Best reading of where the text says someone is.

    Order: full postcode, bare district, borough name, place name, misspelt
    borough name. See Location for the kinds.
    """
    postcode = normalise_postcode(text)
    if postcode is not None:
        return _location_for_outcode(postcode.split(" ", 1)[0], postcode)
    outcode = _find_bare_outcode(text)
    if outcode is not None:
        return _location_for_outcode(outcode, None)
    return _location_for_names(text or "")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km, good enough to rank nearby services."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
