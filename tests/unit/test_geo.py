"""Tests for bot.geo: postcode parsing, district lookup, borough matching, resolution."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.geo import (
    BOROUGHS,
    borough_centroid,
    borough_names_and_aliases,
    find_outcode,
    get_borough,
    haversine_km,
    is_london_borough,
    lookup_outcode,
    match_borough,
    normalise_postcode,
    resolve_location,
)
from bot.geo.postcodes import OUTWARD_PATTERN, all_outcodes

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = REPO_ROOT / "bot" / "geo" / "data"

NEGATIVE_TEXTS = [
    "I need help with money",
    "07700 900123",
    "+44 20 7946 0958",
    "hello",
    "hi there, can you help me?",
    "london",
    "I live in London",
    "the",
    "me",
    "barn",
    "I'm having a hard time",
    "the dog keeps barking at night",
    "I work in the city",
    "I need vitamin B12 and a P45",
    "the M25 was closed",
    "print it on A4",
    "",
]


# --- data files ---------------------------------------------------------------------


def test_data_files_are_shipped_with_sources() -> None:
    with (DATA_DIR / "london_outcodes.csv").open(newline="", encoding="utf-8") as handle:
        outcodes = list(csv.DictReader(handle))
    with (DATA_DIR / "london_boroughs.csv").open(newline="", encoding="utf-8") as handle:
        boroughs = list(csv.DictReader(handle))
    assert len(outcodes) == 310
    assert len(boroughs) == 33
    sources = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert "Open Government Licence" in sources
    assert "MIT License" in sources


def test_every_table_outcode_has_the_official_format() -> None:
    import re

    outward = re.compile(OUTWARD_PATTERN)
    assert all(outward.fullmatch(info.outcode) for info in all_outcodes())
    assert len({info.outcode for info in all_outcodes()}) == 310


# --- normalise_postcode ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SE15 4QF", "SE15 4QF"),
        ("my postcode is se15 4qf", "SE15 4QF"),
        ("SE154QF", "SE15 4QF"),
        ("Se15  4QF", "SE15 4QF"),
        ("it's SW1A 1AA, thanks", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("W1A 1AA", "W1A 1AA"),
        ("EC1V 9HX", "EC1V 9HX"),
        ("N1C 4AA", "N1C 4AA"),
        ("(M1 1AE)", "M1 1AE"),
        ("CF10 1AA.", "CF10 1AA"),
        ("I live at 12 High St, SE11 5QY", "SE11 5QY"),
    ],
)
def test_normalise_postcode_finds_valid_postcodes(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *NEGATIVE_TEXTS,
        "SE15",
        "SE15 4",
        "SE15 4CF",  # C is never used in the inward code
        "SE15 4QFX",
        "XSE15 4QF",
        "QE15 4QF",  # Q is never a first letter
        "SE1Q 4QF",
        "GIR 0AA",
        "1234 5AB",
    ],
)
def test_normalise_postcode_rejects_non_postcodes(text: str) -> None:
    assert normalise_postcode(text) is None


# --- find_outcode -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SE15", "SE15"),
        ("ec1v", "EC1V"),
        ("n1", "N1"),
        ("W1A", "W1A"),
        ("I'm in SE15, near the park", "SE15"),
        ("my postcode is se15 4qf", "SE15"),
        ("SE154QF", "SE15"),
        ("M1 1AE", "M1"),
        ("SE99", "SE99"),
        ("cr0", "CR0"),
    ],
)
def test_find_outcode(text: str, expected: str) -> None:
    assert find_outcode(text) == expected


@pytest.mark.parametrize("text", [*NEGATIVE_TEXTS, "SE", "covid19", "mp3", "2nd"])
def test_find_outcode_ignores_words_and_numbers(text: str) -> None:
    assert find_outcode(text) is None


def test_every_table_outcode_is_found_as_a_bare_word_in_lower_case() -> None:
    for info in all_outcodes():
        assert find_outcode(f"i'm in {info.outcode.lower()} now") == info.outcode


# --- lookup_outcode -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcode", "borough"),
    [
        ("SE15", "Southwark"),
        ("N1", "Islington"),
        ("E1", "Tower Hamlets"),
        ("W6", "Hammersmith and Fulham"),
        ("SW9", "Lambeth"),
        ("CR0", "Croydon"),
        ("HA0", "Brent"),
        ("EC1V", "Islington"),
    ],
)
def test_lookup_outcode_gives_main_borough(outcode: str, borough: str) -> None:
    info = lookup_outcode(outcode)
    assert info is not None
    assert info.outcode == outcode
    assert info.borough == borough
    assert is_london_borough(info.borough)
    assert 51.2 < info.latitude < 51.8 and -0.6 < info.longitude < 0.4


def test_lookup_outcode_fields() -> None:
    se15 = lookup_outcode(" se15 ")
    assert se15 is not None
    assert se15.borough_code == "E09000028"
    assert se15.other_boroughs == ("Lewisham",)
    assert "Peckham" in se15.places
    assert se15.non_geographic is False
    e1 = lookup_outcode("E1")
    assert e1 is not None and set(e1.other_boroughs) == {"City of London", "Hackney"}
    w1a = lookup_outcode("W1A")
    assert w1a is not None and w1a.non_geographic is True
    en6 = lookup_outcode("EN6")
    assert en6 is not None and en6.primary_in_london is False
    assert not is_london_borough(en6.borough)


@pytest.mark.parametrize("outcode", ["SE99", "M1", "ZZ1", "", "hello"])
def test_lookup_outcode_unknown(outcode: str) -> None:
    assert lookup_outcode(outcode) is None


# --- boroughs -----------------------------------------------------------------------------


def test_boroughs_table() -> None:
    assert len(BOROUGHS) == 33
    assert len({b.code for b in BOROUGHS}) == 33
    city = get_borough("city of london")
    assert city is not None and city.code == "E09000001" and city.bcu is None
    lambeth = get_borough("Lambeth")
    assert lambeth is not None and lambeth.bcu == "Central South"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lambeth", True),
        ("lambeth", True),
        ("City of London", True),
        ("Hertsmere", False),
        ("Lambith", False),
        ("London", False),
        ("", False),
        (None, False),
    ],
)
def test_is_london_borough(name: str | None, expected: bool) -> None:
    assert is_london_borough(name) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lambith", "Lambeth"),
        ("southwork", "Southwark"),
        ("hackny", "Hackney"),
        ("croyden", "Croydon"),
        ("islinton", "Islington"),
        ("lewisam", "Lewisham"),
        ("greenwhich", "Greenwich"),
        ("wandsworht", "Wandsworth"),
        ("I live in havring", "Havering"),
        ("westminister", "Westminster"),
        ("waltham forrest", "Waltham Forest"),
        ("tower hamlet", "Tower Hamlets"),
        ("kensington and chelsey", "Kensington and Chelsea"),
    ],
)
def test_match_borough_misspellings(text: str, expected: str) -> None:
    assert match_borough(text) == expected


def test_match_borough_without_fuzzy_needs_exact_names() -> None:
    assert match_borough("lambeth", fuzzy=False) == "Lambeth"
    assert match_borough("I live in havring", fuzzy=False) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H&F", "Hammersmith and Fulham"),
        ("h & f", "Hammersmith and Fulham"),
        ("Hammersmith", "Hammersmith and Fulham"),
        ("I live in fulham", "Hammersmith and Fulham"),
        ("Kensington", "Kensington and Chelsea"),
        ("chelsea", "Kensington and Chelsea"),
        ("RBKC", "Kensington and Chelsea"),
        ("k&c", "Kensington and Chelsea"),
        ("Tower hamlets", "Tower Hamlets"),
        ("I live in Barking", "Barking and Dagenham"),
        ("i'm from barking", "Barking and Dagenham"),
        ("Dagenham", "Barking and Dagenham"),
        ("Kingston", "Kingston upon Thames"),
        ("kingston-upon-thames", "Kingston upon Thames"),
        ("Richmond", "Richmond upon Thames"),
        ("Waltham forest", "Waltham Forest"),
        ("I work in the City", "City of London"),
        ("City of London", "City of London"),
        ("the City of Westminster", "Westminster"),
        ("Westminster", "Westminster"),
        ("bromley", "Bromley"),
        ("merton", "Merton"),
        ("sutton", "Sutton"),
        ("harrow", "Harrow"),
        ("Brent", "Brent"),
        ("LAMBETH please", "Lambeth"),
        ("I moved from Lambeth to Southwark", "Lambeth"),
        ("South Croydon", "Croydon"),
    ],
)
def test_match_borough_names_and_aliases(text: str, expected: str) -> None:
    assert match_borough(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *NEGATIVE_TEXTS,
        "banking",
        "button",
        "healing",
        "hovering",
        "southward",
        "about a square mile",
        "Barnes",  # a place in Richmond, not a misspelt Barnet
        "West Kensington",  # in Hammersmith and Fulham
        "Bromley-by-Bow",  # in Tower Hamlets
    ],
)
def test_match_borough_negatives(text: str) -> None:
    assert match_borough(text) is None


def test_borough_names_and_aliases_cover_every_borough() -> None:
    aliases = borough_names_and_aliases()
    assert {alias.borough for alias in aliases} == {b.name for b in BOROUGHS}
    phrases = {alias.phrase for alias in aliases}
    assert {"H&F", "RBKC", "Kingston", "lambith"} <= phrases
    cased = {alias.phrase for alias in aliases if alias.cased}
    assert cased == {"Barking", "the City", "the Square Mile"}


# --- resolve_location ------------------------------------------------------------------------


def test_resolve_full_postcode() -> None:
    location = resolve_location("my postcode is se15 4qf")
    assert location.kind == "postcode"
    assert location.postcode == "SE15 4QF"
    assert location.outcode == "SE15"
    assert location.borough == "Southwark"
    assert location.other_boroughs == ("Lewisham",)
    assert location.latitude == pytest.approx(51.4727)


@pytest.mark.parametrize("text", ["M1 1AE", "B1 1AA", "CF10 1AA", "I'm at KT7 0QA"])
def test_resolve_postcode_outside_london(text: str) -> None:
    location = resolve_location(text)
    assert location.kind == "outside_london"
    assert location.postcode == normalise_postcode(text)
    assert location.borough is None


@pytest.mark.parametrize(
    ("text", "outcode"),
    [("SE99", "SE99"), ("SE99 1AA", "SE99"), ("E77", "E77"), ("wc99", "WC99")],
)
def test_resolve_unknown_london_postcode(text: str, outcode: str) -> None:
    location = resolve_location(text)
    assert location.kind == "unknown_postcode"
    assert location.outcode == outcode
    assert location.borough is None


@pytest.mark.parametrize(
    ("text", "outcode", "borough"),
    [
        ("SW9", "SW9", "Lambeth"),
        ("ec1v", "EC1V", "Islington"),
        ("w6", "W6", "Hammersmith and Fulham"),
    ],
)
def test_resolve_bare_outcode(text: str, outcode: str, borough: str) -> None:
    location = resolve_location(text)
    assert (location.kind, location.outcode, location.borough) == ("outcode", outcode, borough)
    assert location.postcode is None


def test_resolve_split_district() -> None:
    location = resolve_location("I work in W1")
    assert location.kind == "outcode"
    assert location.outcode == "W1"
    assert location.borough == "Westminster"
    assert "W1T" in location.candidate_outcodes
    assert "Camden" in location.other_boroughs


def test_resolve_borough_uses_centroid_of_main_districts() -> None:
    location = resolve_location("I live in lambith")
    assert location.kind == "borough"
    assert location.borough == "Lambeth"
    assert location.outcode is None
    assert (location.latitude, location.longitude) == borough_centroid("Lambeth")
    sw9 = lookup_outcode("SW9")
    assert sw9 is not None
    assert haversine_km(location.latitude, location.longitude, sw9.latitude, sw9.longitude) < 5


def test_every_borough_has_a_centroid_in_london() -> None:
    for borough in BOROUGHS:
        centroid = borough_centroid(borough.name)
        assert centroid is not None
        assert 51.2 < centroid[0] < 51.8 and -0.6 < centroid[1] < 0.4


@pytest.mark.parametrize(
    ("text", "place", "outcode", "borough"),
    [
        ("Peckham", "Peckham", "SE15", "Southwark"),
        ("near peckham", "Peckham", "SE15", "Southwark"),
        ("I live in Brixton", "Brixton", "SW2", "Lambeth"),
        ("walthamstow", "Walthamstow", "E17", "Waltham Forest"),
        ("Bromley-by-Bow", "Bromley-by-Bow", "E3", "Tower Hamlets"),
        ("i live in bow", "Bow", "E3", "Tower Hamlets"),
        ("brent cross", "Brent Cross", "NW4", "Barnet"),
        ("Barnes", "Barnes", "SW13", "Richmond upon Thames"),
        ("earls court", "Earl's Court", "SW5", "Kensington and Chelsea"),
    ],
)
def test_resolve_place(text: str, place: str, outcode: str, borough: str) -> None:
    location = resolve_location(text)
    assert location.kind == "place"
    assert (location.place, location.outcode, location.borough) == (place, outcode, borough)
    assert outcode in location.candidate_outcodes
    info = lookup_outcode(outcode)
    assert info is not None and place in info.places


def test_resolve_place_mainly_outside_london() -> None:
    location = resolve_location("I live in Epsom")
    assert location.kind == "outside_london"
    assert location.place == "Epsom"
    assert not is_london_borough(location.borough)


def test_resolve_prefers_postcode_then_outcode_then_names() -> None:
    assert resolve_location("Lambeth, SE15 4QF").kind == "postcode"
    assert resolve_location("Peckham SE15").kind == "outcode"
    assert resolve_location("Peckham, Southwark").kind == "borough"


@pytest.mark.parametrize("text", [*NEGATIVE_TEXTS, "bow tie", "the temple", "SE"])
def test_resolve_nothing(text: str) -> None:
    location = resolve_location(text)
    assert location.kind == "none"
    assert location.borough is None and location.outcode is None and location.latitude is None


# --- haversine ---------------------------------------------------------------------------------


def test_haversine_sanity() -> None:
    assert haversine_km(51.5, -0.1, 51.5, -0.1) == 0
    london_paris = haversine_km(51.5074, -0.1278, 48.8566, 2.3522)
    assert 340 < london_paris < 348
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(london_paris)
    one_degree_lat = haversine_km(51.0, 0.0, 52.0, 0.0)
    assert one_degree_lat == pytest.approx(111.2, abs=0.2)


def test_haversine_between_districts() -> None:
    se15, sw9 = lookup_outcode("SE15"), lookup_outcode("SW9")
    assert se15 is not None and sw9 is not None
    assert 3 < haversine_km(se15.latitude, se15.longitude, sw9.latitude, sw9.longitude) < 7
