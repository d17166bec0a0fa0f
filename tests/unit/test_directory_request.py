"""Reading a request for help: needs, when, where (postcodes, outcodes, boroughs, places)."""

from __future__ import annotations

import pytest

from bot.directory.request import outside_london_place, place_from_text, read_request, read_when, usable
from bot.directory.taxonomy import CATEGORIES, needs_in_text, normalise_code, with_ancestors
from bot.geo import lookup_outcode, normalise_postcode, resolve_location


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SE15 4QF", "SE15 4QF"),
        ("se15 4qf", "SE15 4QF"),  # lower-case
        ("SE154QF", "SE15 4QF"),  # no space
        ("my postcode is sw9  8aa thanks", "SW9 8AA"),
        ("M1 1AE", "M1 1AE"),  # valid, outside London
        ("SE15 4Q", None),  # invalid: short inward code
        ("QE15 4QF", None),  # invalid: Q never starts a postcode
        ("hello", None),
    ],
)
def test_postcode_parsing(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "outcode, borough",
    [
        ("SE15", "Southwark"),
        ("SW9", "Lambeth"),
        ("E8", "Hackney"),
        ("N7", "Islington"),
        ("W6", "Hammersmith and Fulham"),
        ("CR0", "Croydon"),
        ("e1", "Tower Hamlets"),
    ],
)
def test_outcode_to_borough(outcode, borough):
    assert lookup_outcode(outcode).borough == borough


@pytest.mark.parametrize(
    "text, kind, borough",
    [
        ("is there a women's centre near SE15", "outcode", "Southwark"),
        ("se15 4qf", "postcode", "Southwark"),
        ("I need help with housing in Lambeth", "borough", "Lambeth"),
        ("lambith", "borough", "Lambeth"),  # common misspelling
        ("Hammersmith", "borough", "Hammersmith and Fulham"),
        ("H&F", "borough", "Hammersmith and Fulham"),
        ("near Peckham", "place", "Southwark"),
    ],
)
def test_where_she_is(text, kind, borough):
    location, outside = place_from_text(text)
    assert outside is None
    assert location.kind == kind and location.borough == borough and usable(location)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("M1 1AE", "outside_london"),  # non-London postcode
        ("SE99 1AA", "unknown_postcode"),  # a London-looking postcode that does not exist
        ("services in Epsom", "outside_london"),
    ],
)
def test_places_we_cannot_search(text, kind):
    location, _ = place_from_text(text)
    assert location.kind == kind and not usable(location)


def test_a_borough_outside_london_is_named_not_misread():
    assert place_from_text("I live in Manchester") == (None, "Manchester")
    assert outside_london_place("housing in kent") == "Kent"
    assert outside_london_place("I was reading a book") is None  # lower-case everyday word
    assert place_from_text("what's open now") == (None, None)
    assert resolve_location("near me").kind == "none"


@pytest.mark.parametrize(
    "text, needs",
    [
        ("is there a women's centre near SE15", ["womens_centre"]),
        ("I need help with housing in Lambeth", ["housing"]),
        ("somewhere to talk about my drinking", ["drugs_alcohol"]),
        ("someone to talk to", ["counselling"]),
        ("help with my debts and benefits", ["finance_benefit_debt"]),
        ("i need a solicitor", ["legal_advice"]),
        ("mental health support", ["mental_health"]),
        ("parenting groups", ["parenting", "groups_activities"]),
        ("what's open now", []),
    ],
)
def test_needs_in_text(text, needs):
    assert needs_in_text(text) == needs


def test_taxonomy_has_the_pathways_and_extra_terms():
    for code in (
        "accommodation",
        "education_training_employment",
        "health",
        "drugs_alcohol",
        "finance_benefit_debt",
        "children_families",
        "attitudes_thinking_behaviour",
        "abuse_domestic_violence",
        "sex_work",
        "mental_health",
        "domestic_abuse",
        "counselling",
        "parenting",
        "employment",
        "housing",
        "legal_advice",
        "groups_activities",
    ):
        assert code in CATEGORIES
    assert with_ancestors(["counselling"]) == ["counselling", "health", "mental_health"]
    assert normalise_code("Mental health") == "mental_health"
    assert normalise_code("Women's centre") == "womens_centre"
    assert normalise_code("astrology") is None


@pytest.mark.parametrize(
    "text, when",
    [
        ("what's open now", "now"),
        ("anything open right now near me", "now"),
        ("open today?", "today"),
        ("anything open tonight", "tonight"),
        ("open tomorrow", "tomorrow"),
        ("open at the weekend", "weekend"),
        ("anything open on saturday", "day:6"),
        ("housing help", None),
    ],
)
def test_read_when(text, when):
    assert read_when(text) == when


def test_read_request_cuts_listing_names_out_before_looking_for_a_place():
    text = "is Lambeth Women's Centre open now"
    start = text.index("Lambeth")
    request = read_request(text, [(start, start + len("Lambeth Women's Centre"), [7])])
    assert request.service_ids == [7]
    assert request.location is None and request.when == "now"
    assert request.only_a_filter is False


def test_only_a_filter_and_near_me():
    request = read_request("what's open near me right now")
    assert request.when == "now" and request.near_me and request.only_a_filter
