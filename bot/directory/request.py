"""Reading a request for help: what she needs, when, where, or which place by name.

Pure functions over the message text and the entities the directory's spaCy
pipeline found (bot/directory/entities.py), so they are quick to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.directory.taxonomy import needs_in_text
from bot.geo import Location, is_london_borough, resolve_location

# Places people name that are outside London (cities, counties, big towns near
# London). The district table only knows London, so without this list
# "Manchester" would read as "I didn't understand" instead of "outside London".
OUTSIDE_LONDON = (
    "Aberdeen",
    "Basildon",
    "Bath",
    "Bedford",
    "Belfast",
    "Berkshire",
    "Birmingham",
    "Bournemouth",
    "Bradford",
    "Brighton",
    "Bristol",
    "Buckinghamshire",
    "Cambridge",
    "Canterbury",
    "Cardiff",
    "Chelmsford",
    "Cornwall",
    "Coventry",
    "Crawley",
    "Dartford",
    "Derby",
    "Devon",
    "Dorset",
    "Dundee",
    "Durham",
    "Edinburgh",
    "Essex",
    "Exeter",
    "Glasgow",
    "Gloucester",
    "Guildford",
    "Hampshire",
    "Hertfordshire",
    "Herts",
    "Hull",
    "Ipswich",
    "Kent",
    "Leeds",
    "Leicester",
    "Liverpool",
    "Luton",
    "Maidstone",
    "Manchester",
    "Medway",
    "Middlesbrough",
    "Milton Keynes",
    "Newcastle",
    "Northampton",
    "Norwich",
    "Nottingham",
    "Oxford",
    "Peterborough",
    "Plymouth",
    "Portsmouth",
    "Reading",
    "Scotland",
    "Sheffield",
    "Slough",
    "Southampton",
    "Southend",
    "St Albans",
    "Stevenage",
    "Stoke",
    "Surrey",
    "Sussex",
    "Swansea",
    "Swindon",
    "Wales",
    "Watford",
    "Wolverhampton",
    "Woking",
    "Worthing",
    "York",
    "Yorkshire",
)
# Everyday words on that list count only when capitalised ("Reading", "Bath", "Kent" is fine).
_CASED_OUTSIDE = {"Reading", "Bath", "Hull", "Derby", "Stoke", "Durham", "York"}
_OUTSIDE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in OUTSIDE_LONDON) + r")\b", re.I)

_WHEN = [
    (
        "now",
        r"\bopen (now|right now|at the moment|atm)\b|\bwhat'?s open\b|\bwhats open\b|\bcurrently open\b|"
        r"\bopen n(o|u)w\b|\bstill open\b",
    ),
    ("tonight", r"\btonight\b|\bthis evening\b|\bopen late\b|\blate tonight\b|\bat night\b"),
    ("today", r"\btoday\b|\btdy\b|\bthis afternoon\b|\bthis morning\b"),
    ("tomorrow", r"\btomorrow\b|\btmrw?\b|\btmoz\b"),
    ("weekend", r"\bweekend\b|\bsat(urday)? or sun(day)?\b"),
]
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAY_RE = re.compile(r"\b(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?\b", re.I)
_NEAR_ME = re.compile(
    r"\b(near|nr|close to|around|by) (me|here|us)\b|\bnearby\b|\blocal\b|\bnearest\b|\bclosest\b", re.I
)


@dataclass
class ServiceRequest:
    text: str
    categories: list[str] = field(default_factory=list)
    when: str | None = None
    service_ids: list[int] = field(default_factory=list)
    location: Location | None = None  # a place she named in this message
    outside_place: str | None = None  # a place outside London she named
    near_me: bool = False

    @property
    def only_a_filter(self) -> bool:
        """Just "what's open now?": no need, place or name of its own."""
        return bool(self.when) and not (self.categories or self.location or self.service_ids or self.outside_place)


def read_when(text: str) -> str | None:
    for label, pattern in _WHEN:
        if re.search(pattern, text, re.I):
            return label
    match = _DAY_RE.search(text)
    if match:
        prefix = match.group(1).lower()[:3]
        for i, day in enumerate(_DAYS):
            if day.startswith(prefix):
                return f"day:{i + 1}"
    return None


def outside_london_place(text: str) -> str | None:
    for match in _OUTSIDE_RE.finditer(text or ""):
        word = match.group(1)
        canonical = next(p for p in OUTSIDE_LONDON if p.lower() == word.lower())
        if canonical in _CASED_OUTSIDE and not word[0].isupper():
            continue
        return canonical
    return None


def place_from_text(text: str) -> tuple[Location | None, str | None]:
    """(a London location she named, or a place outside London she named)."""
    location = resolve_location(text)
    if location.kind in ("postcode", "outcode", "borough", "place"):
        if location.latitude is not None:
            return location, None
    if location.kind in ("outside_london", "unknown_postcode"):
        return location, None
    outside = outside_london_place(text)
    if outside:
        return None, outside
    return None, None


def read_request(text: str, service_spans: list[tuple[int, int, list[int]]] | None = None) -> ServiceRequest:
    """Everything a message says about the help she wants.

    `service_spans` are (start, end, service ids) character spans of listing
    names the directory pipeline found; they are cut out before looking for a
    place, so "SAMPLE Lambeth Women's Centre" names a listing, not Lambeth.
    """
    text = (text or "")[:500]
    ids: list[int] = []
    rest = text
    for start, end, found in sorted(service_spans or [], key=lambda s: -s[0]):
        ids.extend(i for i in found if i not in ids)
        rest = rest[:start] + " " + rest[end:]
    location, outside = place_from_text(rest)
    return ServiceRequest(
        text=text,
        categories=needs_in_text(rest),
        when=read_when(rest),
        service_ids=ids,
        location=location,
        outside_place=outside,
        near_me=bool(_NEAR_ME.search(rest)),
    )


def usable(location: Location | None) -> bool:
    """A location the search can use: a position from the London district table."""
    return (
        location is not None
        and location.kind in ("postcode", "outcode", "borough", "place")
        and location.latitude is not None
    )


def area_label(location: Location) -> str:
    """How to name her area back to her: 'SE15 4QF', 'SE15', 'Lambeth', 'Peckham'."""
    if location.kind == "postcode" and location.postcode:
        return location.postcode
    if location.kind == "place" and location.place:
        return location.place
    if location.kind == "borough" and location.borough:
        return location.borough
    return location.outcode or location.borough or "you"


def in_london(location: Location | None) -> bool:
    return location is not None and is_london_borough(location.borough)
