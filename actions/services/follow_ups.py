""" "more" and "the second one": on the list of places she was shown.

Listings an admin removed since are skipped, never shown from memory; a
message that is not a pick after all ("SE5", "what about housing") is a new search.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, latest_text
from actions.services.answers import answer_details, now, show_page
from actions.services.find import ActionFindServices
from actions.services.location import location_from_slots
from actions.services.render import numbers_or
from actions.services.requests import directory_or_national_lines
from bot.conversation.answers import clean
from bot.directory.catalogue import Listing
from bot.directory.hours import opening_status
from bot.directory.request import read_request, usable
from bot.directory.search import Hit
from bot.geo import haversine_km
from bot.wording import say

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "uno": 1,
    "top": 1,
    "nearest": 1,
    "closest": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    # "one" alone is not a number: "the one in Brixton", "that one".
    "number one": 1,
    "option one": 1,
    "two": 2,
    "three": 3,
}


_NOT_PLACE_WORDS = frozenset(
    {
        "that",
        "this",
        "there",
        "with",
        "about",
        "open",
        "near",
        "nearest",
        "closest",
        "place",
        "centre",
        "center",
        "women",
        "womens",
        "road",
        "street",
        "lane",
        "example",
        "details",
        "more",
        "info",
        "tell",
        "want",
        "like",
        "please",
        "number",
        "option",
        "last",
        "first",
        "second",
        "third",
        "housing",
        "service",
        "services",
    }
)


def choose_index(text: str, entity_option: Any, shown: list[Listing | None]) -> int | None:
    """0-based index into what she was shown, from "2", "the second one", "the one in Brixton"..."""
    if not shown:
        return None
    if entity_option is not None:
        try:
            number = int(float(entity_option))
        except (TypeError, ValueError):
            number = 0
        return number - 1 if 1 <= number <= len(shown) else None
    t = (text or "").lower()
    digits = re.findall(r"(?<![\d])([1-9])(?![\d])", t)
    if digits:
        number = int(digits[0])
        return number - 1 if number <= len(shown) else None
    if re.search(r"\b(last|bottom)\b", t):
        return len(shown) - 1
    for word, number in _ORDINALS.items():
        if re.search(rf"\b{word}\b", t):
            return number - 1 if number <= len(shown) else None
    for i, item in enumerate(shown):
        if item is None:
            continue
        names = {item.name.lower(), item.name.lower().removeprefix("sample ")}
        if any(name in t for name in names):
            return i
        site = item.site
        if site is not None:
            places = [site.name, site.borough, site.postcode, (site.postcode or "").split(" ")[0]]
            if any(p and re.search(rf"\b{re.escape(p.lower())}\b", t) for p in places):
                return i
    # "the one in brixton": a word she wrote in the place's name or address.
    words = set(re.findall(r"[a-z]{4,}", t)) - _NOT_PLACE_WORDS
    for i, item in enumerate(shown):
        if item is not None and item.site is not None:
            where = set(re.findall(r"[a-z]{4,}", f"{item.site.name or ''} {item.site.address or ''}".lower()))
            if words & (where - _NOT_PLACE_WORDS):
                return i
    if re.search(r"\bopen\b", t):
        moment = now()
        for i, item in enumerate(shown):
            if item is not None and opening_status(item.hours, moment).is_open:
                return i
    if len(shown) == 1:
        return 0
    return None


class ActionServiceMore(Action):
    def name(self) -> str:
        return "action_service_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        keys = list(tracker.get_slot("service_results") or [])
        offset = int(tracker.get_slot("service_offset") or 0)
        if not keys:
            dispatcher.utter_message(response="utter_services_no_list")
            return []
        snap = await directory_or_national_lines(dispatcher)
        if snap is None:
            return []
        if offset >= len(keys):
            area = tracker.get_slot("service_area")
            if area:
                dispatcher.utter_message(text=say("services.no_more_near", area=area))
            else:
                dispatcher.utter_message(text=say("services.no_more_near_you"))
            return []
        # Listings an admin removed since are skipped, never shown from memory.
        hits = []
        moment = now()
        location = location_from_slots(tracker)
        for key in keys:
            item = snap.by_key.get(key)
            if item is None:
                continue
            km = None
            if location is not None and item.site is not None and item.site.latitude is not None:
                km = haversine_km(location.latitude, location.longitude, item.site.latitude, item.site.longitude)
            hits.append(Hit(item, km, 2, opening_status(item.hours, moment)))
        live_keys = [h.listing.key for h in hits]
        live_offset = len([k for k in keys[:offset] if k in snap.by_key])
        if live_offset >= len(hits):
            dispatcher.utter_message(text=say("services.no_more"))
            return []
        return show_page(dispatcher, tracker, say("services.more_intro"), hits, live_offset, live_keys)


class ActionServiceChoose(Action):
    def name(self) -> str:
        return "action_service_choose"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        shown_keys = list(tracker.get_slot("service_shown") or [])
        if not shown_keys:
            dispatcher.utter_message(response="utter_services_no_list")
            return []
        snap = await directory_or_national_lines(dispatcher)
        if snap is None:
            return []
        shown = [snap.by_key.get(k) for k in shown_keys]
        option = next(tracker.get_latest_entity_values("option"), None)
        index = choose_index(clean(latest_text(tracker)), option, shown)
        if index is None and latest_intent(tracker)[0] != "choose_option":
            # Not a pick after all ("SE5", "what about housing"): search again with it.
            text = clean(latest_text(tracker))
            req = read_request(text)
            if usable(req.location) or req.categories or req.when:
                return await ActionFindServices().run(dispatcher, tracker, domain)
        if index is None or index >= len(shown):
            numbers = numbers_or([str(i + 1) for i in range(len(shown))], every=True)
            dispatcher.utter_message(text=say("services.which_one", numbers=numbers))
            return []
        listing = shown[index]
        if listing is None:
            dispatcher.utter_message(text=say("services.listing_gone"))
            return []
        keys = list(tracker.get_slot("service_results") or [])
        remaining = max(0, len(keys) - int(tracker.get_slot("service_offset") or 0))
        return answer_details(dispatcher, tracker, listing, remaining)
