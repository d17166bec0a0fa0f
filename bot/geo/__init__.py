"""London geography for Elpis: postcodes, postcode districts, boroughs and places.

Pure functions over the reference tables in ``bot/geo/data`` (sources and
licences in ``data/SOURCES.md``); no database access.
"""

from bot.geo.boroughs import (
    BOROUGHS,
    Alias,
    Borough,
    borough_names_and_aliases,
    get_borough,
    is_london_borough,
    match_borough,
)
from bot.geo.postcodes import (
    Location,
    OutcodeInfo,
    borough_centroid,
    find_outcode,
    haversine_km,
    lookup_outcode,
    normalise_postcode,
    resolve_location,
)

__all__ = [
    "BOROUGHS",
    "Alias",
    "Borough",
    "Location",
    "OutcodeInfo",
    "borough_centroid",
    "borough_names_and_aliases",
    "find_outcode",
    "get_borough",
    "haversine_km",
    "is_london_borough",
    "lookup_outcode",
    "match_borough",
    "normalise_postcode",
    "resolve_location",
]
