"""Ranking (need match, then distance), open-now filters, broader options, national lines."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.directory.catalogue import Listing, Phone, Site, Snapshot
from bot.directory.hours import Hours
from bot.directory.search import SearchQuery, search_snapshot
from bot.directory.taxonomy import with_ancestors
from bot.geo import resolve_location
from bot.hours import Opening

LONDON = ZoneInfo("Europe/London")
MONDAY_11 = datetime(2026, 11, 23, 11, 0, tzinfo=LONDON)
SATURDAY_11 = datetime(2026, 11, 28, 11, 0, tzinfo=LONDON)
WEEKDAYS = Hours(tuple(Opening(d, time(9, 30), time(17)) for d in range(1, 6)))
SATURDAYS = Hours((Opening(6, time(10), time(14)),))
ALWAYS = Hours(tuple(Opening(d, time(0), time(0)) for d in range(1, 8)), closed_on_bank_holidays=False)

_next_id = iter(range(1, 1000))


def listing(name, categories, outcode=None, hours=WEEKDAYS, national=False, borough=None, coords=True):
    sid = next(_next_id)
    site = None
    if outcode or borough:
        info = resolve_location(outcode or borough)
        site = Site(
            sid,
            name,
            "1 Example Road",
            None,
            borough or info.borough,
            info.latitude if coords else None,
            info.longitude if coords else None,
            "Bus 1",
        )
    return Listing(
        key=f"{sid}:{sid if site else 0}",
        service_id=sid,
        name=name,
        organisation="SAMPLE org",
        description=None,
        url=None,
        email=None,
        categories=frozenset(with_ancestors(categories)),
        women_only=False,
        national=national,
        eligibility=None,
        is_sample=True,
        last_checked=None,
        phones=(Phone("+442079460101"),),
        hours=hours,
        site=site,
    )


def snapshot(*items: Listing) -> Snapshot:
    snap = Snapshot(version=(len(items), None))
    for item in items:
        snap.add(item)
    return snap


def query(place: str, *categories: str, when=None, at=MONDAY_11) -> SearchQuery:
    loc = resolve_location(place)
    return SearchQuery(loc.latitude, loc.longitude, loc.borough, categories, when, at)


def names(hits) -> list[str]:
    return [h.listing.name for h in hits]


PECKHAM_HOUSING = listing("Peckham housing", ["housing"], "SE15")
BRIXTON_HOUSING = listing("Brixton housing", ["housing"], "SW9")
PECKHAM_CENTRE = listing("Peckham women's centre", ["womens_centre", "mental_health"], "SE15")
CAMBERWELL_COUNSELLING = listing("Camberwell counselling", ["counselling"], "SE5")
HACKNEY_DRINK = listing("Hackney drink service", ["drugs_alcohol"], "E8")
BRIXTON_DRINK = listing("Brixton drink service", ["drugs_alcohol"], "SW9", hours=SATURDAYS)
CROYDON_HOUSING = listing("Croydon housing", ["housing"], "CR0")
SHELTER = listing("National housing line", ["housing"], national=True, hours=ALWAYS)
HELPLINE = listing("National abuse helpline", ["domestic_abuse"], national=True, hours=ALWAYS)
NO_COORDS = listing("Lambeth outreach", ["womens_centre"], borough="Lambeth", coords=False)
SNAP = snapshot(
    PECKHAM_HOUSING,
    BRIXTON_HOUSING,
    PECKHAM_CENTRE,
    CAMBERWELL_COUNSELLING,
    HACKNEY_DRINK,
    BRIXTON_DRINK,
    CROYDON_HOUSING,
    SHELTER,
    HELPLINE,
    NO_COORDS,
)


def test_need_match_first_then_nearest():
    result = search_snapshot(SNAP, query("SE15", "housing"))
    assert names(result.hits) == ["Peckham housing", "Brixton housing", "National housing line"]
    assert result.hits[0].distance_km < result.hits[1].distance_km
    assert "Croydon housing" not in names(result.hits)  # too far to be "near"


def test_no_need_means_everything_near_by_distance():
    result = search_snapshot(SNAP, query("SE15"))
    local = [h for h in result.hits if not h.listing.national]
    assert [h.distance_km for h in local] == sorted(h.distance_km for h in local)
    assert not any(h.listing.national for h in result.hits)


def test_parent_terms_match_children():
    # "health" asks broadly: counselling and mental-health listings count.
    result = search_snapshot(SNAP, query("SE15", "health"))
    assert set(names(result.hits)) >= {"Peckham women's centre", "Camberwell counselling"}


def test_nothing_matches_gives_broader_option_and_national_lines():
    result = search_snapshot(SNAP, query("SE15", "legal_advice"))
    assert result.hits == []
    assert names(result.broader)[0] == "Peckham women's centre"  # the closest broader option
    assert "National abuse helpline" in names(result.national)


def test_open_now_filter_and_next_to_open():
    saturday = search_snapshot(SNAP, query("SW9", "drugs_alcohol", when="now", at=SATURDAY_11))
    assert names(saturday.hits) == ["Brixton drink service"]
    monday = search_snapshot(SNAP, query("SW9", "drugs_alcohol", when="now", at=MONDAY_11))
    assert "Brixton drink service" not in names(monday.hits)
    evening = search_snapshot(
        SNAP, query("SW9", "drugs_alcohol", when="now", at=datetime(2026, 11, 27, 20, 0, tzinfo=LONDON))
    )
    assert evening.hits == [] and evening.closed_matches == 2
    assert evening.next_to_open.listing.name == "Brixton drink service"  # opens Saturday 10am


def test_open_on_a_named_day():
    result = search_snapshot(SNAP, query("SW9", "drugs_alcohol", when="day:6", at=MONDAY_11))
    assert names(result.hits) == ["Brixton drink service"]


def test_bank_holiday_closes_listings_for_open_now():
    christmas = datetime(2026, 12, 25, 11, 0, tzinfo=LONDON)
    result = search_snapshot(SNAP, query("SE15", "housing", when="now", at=christmas))
    assert names(result.hits) == ["National housing line"]  # 24 hours, open on bank holidays


def test_listing_without_coordinates_counts_in_its_borough_only():
    in_lambeth = search_snapshot(SNAP, query("Lambeth", "womens_centre"))
    assert "Lambeth outreach" in names(in_lambeth.hits)
    hit = next(h for h in in_lambeth.hits if h.listing.name == "Lambeth outreach")
    assert hit.distance_km is None
    assert names(in_lambeth.hits)[-1] == "Lambeth outreach"  # after those with a distance
    assert "Lambeth outreach" not in names(search_snapshot(SNAP, query("SE15", "womens_centre")).hits)


def test_empty_directory_is_not_an_error():
    result = search_snapshot(snapshot(), query("SE15", "housing"))
    assert result.hits == [] and result.broader == [] and result.national == []
