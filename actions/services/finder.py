"""Finding local help: "housing in Lambeth", "what's open now", "more", "the second one".

Flow: `action_find_services` reads the message (need, when, place or listing
name). If it knows where she is (this message, the conversation's slots, or
her record) it answers at once; otherwise it starts `service_location_form`,
which asks once (and once more if the answer is outside London or unknown),
then `action_find_services_after_location` answers. Results are stored as
listing keys, so "more" and "the second one" work on what she was shown.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, latest_intent, latest_text, request_text
from actions.referral.form_base import SKIPPED, GuidedFormValidation
from actions.services import render
from bot.db.crud.referrals import is_covered
from bot.db.session import run_db, session_scope
from bot.directory import taxonomy
from bot.directory.catalogue import Listing, Snapshot, current_snapshot
from bot.directory.entities import ENTITIES
from bot.directory.hours import opening_status
from bot.directory.request import ServiceRequest, area_label, place_from_text, read_request, usable
from bot.directory.search import Hit, SearchQuery, fallback_national, search_snapshot
from bot.directory.whereabouts import record_location, save_location_on_record
from bot.geo import Location, haversine_km, resolve_location
from bot.referrals.parsing import clean, parse_yes_no
from bot.settings import get_settings

logger = logging.getLogger(__name__)

FORM = "service_location_form"
STATE_SLOTS = ("service_request", "service_results", "service_shown", "service_offset")
OUTSIDE, UNKNOWN = "outside", "unknown"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _dev_mode() -> bool:
    return not get_settings().is_production


# --- Reading where she is --------------------------------------------------------------------


def location_from_slots(tracker: Tracker) -> Location | None:
    """Where she said she is earlier in this conversation (service finder or referral).

    postcode/outcode/borough first: the referral form sets those and not
    service_area, so they are the freshest; service_area keeps a place name.
    """
    for slot in ("postcode", "outcode", "borough", "service_area"):
        value = tracker.get_slot(slot)
        if value:
            location = resolve_location(str(value))
            if usable(location):
                area = tracker.get_slot("service_area")
                if area and slot != "service_area":
                    named = resolve_location(str(area))
                    if usable(named) and (named.outcode, named.borough) == (location.outcode, location.borough):
                        return named  # "Peckham", not "SE15"
                return location
    return None


def location_slots(location: Location, covered: bool | None) -> list[EventType]:
    events = [
        SlotSet("service_area", area_label(location)),
        SlotSet("postcode", location.postcode),
        SlotSet("outcode", location.outcode),
        SlotSet("borough", location.borough),
    ]
    if covered is not None:
        events.append(SlotSet("in_coverage", covered))
    return events


def _record_location(sender_id: str) -> Location | None:
    with session_scope() as session:
        found = record_location(session, sender_id)
    if not found:
        return None
    for value in (found["postcode"], found["outcode"], found["borough"]):
        if value:
            location = resolve_location(value)
            if usable(location):
                return location
    return None


def _remember(sender_id: str, location: Location) -> bool:
    """Coverage for the slot, and her record filled in if it has no area."""
    with session_scope() as session:
        save_location_on_record(session, sender_id, location.postcode, location.outcode, location.borough)
        return is_covered(session, location.borough)


# --- Reading the message ------------------------------------------------------------------------


def _read(text: str) -> tuple[Snapshot, ServiceRequest]:
    with session_scope() as session:
        snap = current_snapshot(session)
    found = ENTITIES.find(snap, text)
    return snap, read_request(text, found.services)


def _snapshot() -> Snapshot:
    with session_scope() as session:
        return current_snapshot(session)


def request_from_slot(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


# --- Answering ------------------------------------------------------------------------------------


def _send(dispatcher: CollectingDispatcher, messages: list[dict]) -> None:
    for message in messages:
        dispatcher.utter_message(text=message["text"], buttons=message.get("buttons") or [])


def _what(categories: list[str]) -> str:
    if not categories:
        return "places that can help"
    if categories == [taxonomy.WOMENS_CENTRE]:
        return "women's centres"
    return "places for " + " and ".join(taxonomy.label(c) for c in categories[:2])


_WHEN_WORDS = {"now": "open now", "today": "open today", "tonight": "open tonight", "tomorrow": "open tomorrow",
               "weekend": "open at the weekend"}


def _when_words(when: str | None) -> str:
    if not when:
        return ""
    if when.startswith("day:"):
        from bot.hours import LONG_DAY_NAMES

        return f"open on {LONG_DAY_NAMES[int(when[4:]) - 1]}"
    return _WHEN_WORDS.get(when, "")


def _page_events(keys: list[str], offset: int, shown: list[str]) -> list[EventType]:
    return [SlotSet("service_results", keys), SlotSet("service_offset", offset), SlotSet("service_shown", shown)]


def _show_page(dispatcher: CollectingDispatcher, tracker: Tracker, intro: str, hits: list[Hit], offset: int,
               keys: list[str]) -> list[EventType]:
    page = hits[offset: offset + render.PAGE]
    remaining = max(0, len(keys) - offset - len(page))
    sample = _dev_mode() and any(h.listing.is_sample for h in page)
    _send(dispatcher, render.page_messages(intro, page, offset, remaining, channel_of(tracker), _now(), sample))
    return _page_events(keys, offset + len(page), [h.listing.key for h in page])


def answer_search(dispatcher: CollectingDispatcher, tracker: Tracker, snap: Snapshot, request: dict[str, Any],
                  location: Location) -> list[EventType]:
    categories = [c for c in request.get("categories") or [] if taxonomy.is_category(c)]
    when = request.get("when")
    query = SearchQuery(location.latitude, location.longitude, location.borough, tuple(categories), when, _now())
    result = search_snapshot(snap, query)
    area = area_label(location)
    what = _what(categories)
    when_words = _when_words(when)
    sms = render.is_sms(channel_of(tracker))
    if any(not h.listing.national for h in result.hits):
        intro = f"Here are {what}{' ' + when_words if when_words else ''} near {area}, nearest first:"
        keys = [h.listing.key for h in result.hits]
        return _show_page(dispatcher, tracker, intro, result.hits, 0, keys)

    # Nothing matches: say so, then the closest broader option and national lines.
    if when and result.local_matches:
        text = f"None of the {what} near {area} are {when_words}."
        if result.next_to_open is not None:
            nxt = result.next_to_open
            text += f" The next to open is {nxt.listing.name}: {render.status_text(nxt.status, _now()).lower()}."
    else:
        text = f"Sorry, I couldn't find {what}{' ' + when_words if when_words else ''} near {area}."
    if result.broader:
        text += " The closest place that may help:" if len(result.broader) == 1 else " Places that may help:"
    # National lines for her need first (they matched), then the general ones.
    nationals = list(result.hits)
    nationals += [h for h in result.national if h.listing.key not in {n.listing.key for n in nationals}]
    result.national = nationals[:3]
    fallback = result.broader + result.national
    if _dev_mode() and any(h.listing.is_sample for h in fallback):
        text = render.SAMPLE_NOTE + text
    closing = "You can ask for other help, try another area, or say 'talk to someone'."
    now = _now()
    if sms:
        reply = {0: "Or say 'talk to someone'.", 1: "Reply 1 for details."}.get(
            len(result.broader), "Reply 1 or 2 for details.")
        for with_phone, n_lines in ((True, 3), (False, 3), (False, 2), (False, 1)):
            lines = [text] + [render.sms_line(i + 1, h, now, with_phone) for i, h in enumerate(result.broader)]
            if result.national[:n_lines]:
                lines.append(render.national_text(result.national[:n_lines], sms=True))
            lines.append(reply)
            message = render.gsm_safe("\n".join(lines))
            if render.sms_segments(message) <= render.sms_max_segments():
                break
        dispatcher.utter_message(text=message)
    else:
        dispatcher.utter_message(text=text)
        if result.broader:
            _send(dispatcher, render.page_messages("", result.broader, 0, 0, "rest", now)[1:-1])
        if result.national:
            dispatcher.utter_message(text=render.national_text(result.national))
        dispatcher.utter_message(text=closing, buttons=[{"title": "Talk to a person", "payload": "/human_handoff"}])
    shown = [h.listing.key for h in result.broader] or [h.listing.key for h in result.national]
    keys = [h.listing.key for h in fallback]
    return _page_events(keys, len(keys), shown)


def answer_national(dispatcher: CollectingDispatcher, tracker: Tracker, snap: Snapshot, request: dict[str, Any],
                    why: str) -> list[EventType]:
    categories = set(request.get("categories") or [])
    hits = fallback_national(snap, categories, _now())
    sms = render.is_sms(channel_of(tracker))
    lines = [why] if why else []
    if hits:
        lines.append(render.national_text(hits, sms))
    lines.append("If you send a London postcode or area, I can look for places near you. Or say 'talk to someone'.")
    dispatcher.utter_message(text="\n".join(lines))
    keys = [h.listing.key for h in hits]
    return _page_events(keys, len(keys), keys[: render.PAGE])


def answer_details(dispatcher: CollectingDispatcher, tracker: Tracker, listing: Listing,
                   remaining: int = 0) -> list[EventType]:
    sms = render.is_sms(channel_of(tracker))
    text = render.details_text(listing, _now(), sms=sms)
    if _dev_mode() and listing.is_sample:
        text = render.SAMPLE_NOTE + text
    if sms:
        dispatcher.utter_message(text=text)
        return []
    buttons = [{"title": "Show more", "payload": "/more_options"}] if remaining else []
    buttons.append({"title": "Talk to a person", "payload": "/human_handoff"})
    dispatcher.utter_message(text=text, buttons=buttons)
    return []


def answer_by_name(dispatcher: CollectingDispatcher, tracker: Tracker, snap: Snapshot,
                   service_ids: list[int], location: Location | None) -> list[EventType] | None:
    listings = [item for sid in service_ids for item in snap.listings_for_service(sid)]
    if not listings:
        return None
    if len(listings) == 1:
        return answer_details(dispatcher, tracker, listings[0]) + [SlotSet("service_shown", [listings[0].key])]
    hits = [Hit(item, None, 2, opening_status(item.hours, _now())) for item in listings]
    keys = [h.listing.key for h in hits]
    return _show_page(dispatcher, tracker, "I found these:", hits, 0, keys)


def _merge_request(previous: dict[str, Any], new: ServiceRequest) -> dict[str, Any]:
    categories = new.categories
    just_a_place = new.location is not None and not new.categories and not new.service_ids \
        and len(new.text.split()) <= 3
    if (new.only_a_filter or just_a_place) and previous.get("categories"):
        categories = list(previous["categories"])  # "what's open now?" / "what about SE5?": the same need
    return {"categories": categories, "when": new.when, "service_ids": new.service_ids, "text": new.text[:200]}


class ActionFindServices(Action):
    """A new request for help."""

    def name(self) -> str:
        return "action_find_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = clean(request_text(tracker))
        try:
            snap, req = await run_db(_read, text)
        except Exception:
            logger.exception("directory could not be read")
            dispatcher.utter_message(response="utter_services_national")
            return []
        previous = request_from_slot(tracker.get_slot("service_request"))
        request = _merge_request(previous, req)
        # Never set service_location here: the form would validate that event as an answer.
        events: list[EventType] = [SlotSet("service_request", request), SlotSet("service_location_tries", 0),
                                   SlotSet("service_outcome", None)]

        location = req.location if usable(req.location) else None
        if location is not None:
            covered = await run_db(_remember, tracker.sender_id, location)
            events += location_slots(location, covered)
        elif req.service_ids and not (req.categories or req.near_me):
            answered = answer_by_name(dispatcher, tracker, snap, req.service_ids, None)
            if answered is not None:
                return events + answered
        if location is None and (req.location is not None or req.outside_place):
            # She named somewhere we can't search: say why, then ask once (the form).
            self._explain(dispatcher, req)
            return events + [SlotSet("service_location_tries", 1), FollowupAction(FORM)]
        if location is None:
            location = location_from_slots(tracker) or await run_db(_record_location, tracker.sender_id)
            if location is not None:
                events += location_slots(location, None)
        if location is None:
            return events + [FollowupAction(FORM)]
        return events + answer_search(dispatcher, tracker, snap, request, location)

    @staticmethod
    def _explain(dispatcher: CollectingDispatcher, req: ServiceRequest) -> None:
        if req.outside_place or (req.location is not None and req.location.kind == "outside_london"):
            place = req.outside_place or req.location.place or req.location.postcode or req.location.outcode
            dispatcher.utter_message(text=f"{place} is outside London. I only have local places in London.")
        elif req.location is not None and req.location.kind == "unknown_postcode":
            code = req.location.postcode or req.location.outcode
            dispatcher.utter_message(text=f"I can't find the postcode {code}.")


class ActionFindServicesAfterLocation(Action):
    """The form has her location (or she skipped it, or it is outside London)."""

    def name(self) -> str:
        return "action_find_services_after_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        request = request_from_slot(tracker.get_slot("service_request"))
        outcome = tracker.get_slot("service_outcome")
        answer = tracker.get_slot("service_location")
        reset = [SlotSet("service_location", None), SlotSet("service_location_tries", 0),
                 SlotSet("service_outcome", None)]
        if outcome == "stopped":
            dispatcher.utter_message(text="OK. You can ask me to find help any time.")
            return reset
        try:
            snap = await run_db(_snapshot)
        except Exception:
            logger.exception("directory could not be read")
            dispatcher.utter_message(response="utter_services_national")
            return reset
        if not request.get("categories") and answer not in (None, SKIPPED, OUTSIDE, UNKNOWN):
            request["categories"] = taxonomy_needs(str(answer))
        location = location_from_slots(tracker) if answer not in (None, SKIPPED, OUTSIDE, UNKNOWN) else None
        if location is None:
            why = {
                OUTSIDE: "I only have local places in London.",
                UNKNOWN: "Sorry, I still couldn't find that place.",
            }.get(answer, "")
            return reset + answer_national(dispatcher, tracker, snap, request, why)
        return reset + [SlotSet("service_request", request)] + answer_search(
            dispatcher, tracker, snap, request, location)


def taxonomy_needs(text: str) -> list[str]:
    return taxonomy.needs_in_text(text)


class ValidateServiceLocationForm(GuidedFormValidation):
    """Asks where she is; once more if it's outside London or unknown; then gives up kindly."""

    free_text_slots = frozenset({"service_location"})
    outcome_slot = "service_outcome"

    def name(self) -> str:
        return "validate_service_location_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        if tracker.get_slot("service_outcome"):
            return []
        return ["service_location"]

    def accepts(self, slot: str, text: str, intent: str | None) -> bool:
        location, outside = place_from_text(text)
        return usable(location) or bool(outside) or location is not None

    async def validate_service_location(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> dict[str, Any]:
        if value is None:  # a reset, not an answer
            return {"service_location": None}
        text = clean(str(value))
        location, outside = place_from_text(text)
        if usable(location):
            covered = await run_db(_remember, tracker.sender_id, location)
            return {"service_location": area_label(location), "service_area": area_label(location),
                    "postcode": location.postcode, "outcode": location.outcode, "borough": location.borough,
                    "in_coverage": covered}
        if parse_yes_no(text, latest_intent(tracker)[0]) is False:
            return {"service_location": SKIPPED}
        tries = int(tracker.get_slot("service_location_tries") or 0)
        kind = OUTSIDE if outside or (location is not None and location.kind == "outside_london") else UNKNOWN
        if tries >= 1:
            return {"service_location": kind}
        if kind == OUTSIDE:
            place = outside or (location.place or location.postcode or location.outcode if location else None)
            dispatcher.utter_message(text=f"{place or 'That'} is outside London, and I only have local places in London.")
        elif location is not None and location.kind == "unknown_postcode":
            dispatcher.utter_message(text=f"I can't find the postcode {location.postcode or location.outcode}.")
        else:
            dispatcher.utter_message(text="Sorry, I couldn't find that place.")
        return {"service_location": None, "service_location_tries": tries + 1}


class ActionAskServiceLocation(Action):
    """The location question; the second time it offers national lines instead."""

    def name(self) -> str:
        return "action_ask_service_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if int(tracker.get_slot("service_location_tries") or 0) >= 1:
            dispatcher.utter_message(
                text="Do you have a London postcode or area? Send it, like SE15 4QF or Lambeth. "
                "If not, say no and I'll give you national helplines.")
        else:
            dispatcher.utter_message(
                text="Where are you? Send a postcode like SE15 4QF, or an area like Lambeth. Or say skip.")
        return []


# --- "more" and "the second one" -------------------------------------------------------------

_ORDINALS = {
    "first": 1, "1st": 1, "uno": 1, "top": 1, "nearest": 1, "closest": 1,
    "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    # "one" alone is not a number: "the one in Brixton", "that one".
    "number one": 1, "option one": 1, "two": 2, "three": 3,
}


_NOT_PLACE_WORDS = frozenset({
    "that", "this", "there", "with", "about", "open", "near", "nearest", "closest", "place", "centre", "center",
    "women", "womens", "road", "street", "lane", "example", "details", "more", "info", "tell", "want", "like",
    "please", "number", "option", "last", "first", "second", "third", "housing", "service", "services",
})


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
        now = _now()
        for i, item in enumerate(shown):
            if item is not None and opening_status(item.hours, now).is_open:
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
        try:
            snap = await run_db(_snapshot)
        except Exception:
            logger.exception("directory could not be read")
            dispatcher.utter_message(response="utter_services_national")
            return []
        if offset >= len(keys):
            area = tracker.get_slot("service_area") or "you"
            dispatcher.utter_message(
                text=f"That's all I have near {area}. You can ask for a different kind of help, "
                "try another area, or say 'talk to someone'.")
            return []
        # Listings an admin removed since are skipped, never shown from memory.
        hits = []
        now = _now()
        location = location_from_slots(tracker)
        for key in keys:
            item = snap.by_key.get(key)
            if item is None:
                continue
            km = None
            if location is not None and item.site is not None and item.site.latitude is not None:
                km = haversine_km(location.latitude, location.longitude, item.site.latitude, item.site.longitude)
            hits.append(Hit(item, km, 2, opening_status(item.hours, now)))
        live_keys = [h.listing.key for h in hits]
        live_offset = len([k for k in keys[:offset] if k in snap.by_key])
        if live_offset >= len(hits):
            dispatcher.utter_message(text="That's all I have. You can ask for other help or say 'talk to someone'.")
            return []
        return _show_page(dispatcher, tracker, "Here are more:", hits, live_offset, live_keys)


class ActionServiceChoose(Action):
    def name(self) -> str:
        return "action_service_choose"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        shown_keys = list(tracker.get_slot("service_shown") or [])
        if not shown_keys:
            dispatcher.utter_message(response="utter_services_no_list")
            return []
        try:
            snap = await run_db(_snapshot)
        except Exception:
            logger.exception("directory could not be read")
            dispatcher.utter_message(response="utter_services_national")
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
            numbers = " or ".join(str(i + 1) for i in range(len(shown)))
            dispatcher.utter_message(
                text=f"Which one? Reply {numbers}. Or tell me what other help you need.")
            return []
        listing = shown[index]
        if listing is None:
            dispatcher.utter_message(text="Sorry, that place is no longer on our list. Say 'more' for others.")
            return []
        keys = list(tracker.get_slot("service_results") or [])
        remaining = max(0, len(keys) - int(tracker.get_slot("service_offset") or 0))
        return answer_details(dispatcher, tracker, listing, remaining)
