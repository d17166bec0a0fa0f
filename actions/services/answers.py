"""The finder's replies: a page of places near her, what to say when nothing
matches, national lines, one listing's details. Each returns the slot events
that remember what she was shown, so "more" and "the second one" work on it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of
from actions.services import render
from bot.dates import weekday_name
from bot.directory import taxonomy
from bot.directory.catalogue import Listing, Snapshot
from bot.directory.hours import opening_status
from bot.directory.request import area_label
from bot.directory.search import Hit, SearchQuery, fallback_national, search_snapshot
from bot.geo import Location
from bot.settings import get_settings
from bot.wording import buttons, say


def now() -> datetime:
    return datetime.now(timezone.utc)


def dev_mode() -> bool:
    return not get_settings().is_production


def _send(dispatcher: CollectingDispatcher, messages: list[dict]) -> None:
    for message in messages:
        dispatcher.utter_message(text=message["text"], buttons=message.get("buttons") or [])


def _what(categories: list[str]) -> str:
    if not categories:
        return say("services.what_any")
    if categories == [taxonomy.WOMENS_CENTRE]:
        return say("services.what_womens_centres")
    labels = [taxonomy.label(c) for c in categories[:2]]
    if len(labels) == 1:
        return say("services.what_for", need=labels[0])
    return say("services.what_for_two", need=labels[0], other=labels[1])


_WHEN_WORDS = {
    "now": "services.when_now",
    "today": "services.when_today",
    "tonight": "services.when_tonight",
    "tomorrow": "services.when_tomorrow",
    "weekend": "services.when_weekend",
}


def _when_words(when: str | None) -> str:
    if not when:
        return ""
    if when.startswith("day:"):
        return say("services.when_day", day=weekday_name(int(when[4:])))
    key = _WHEN_WORDS.get(when)
    return say(key) if key else ""


def _page_events(keys: list[str], offset: int, shown: list[str]) -> list[EventType]:
    return [SlotSet("service_results", keys), SlotSet("service_offset", offset), SlotSet("service_shown", shown)]


def show_page(
    dispatcher: CollectingDispatcher, tracker: Tracker, intro: str, hits: list[Hit], offset: int, keys: list[str]
) -> list[EventType]:
    page = hits[offset : offset + render.PAGE]
    remaining = max(0, len(keys) - offset - len(page))
    sample = dev_mode() and any(h.listing.is_sample for h in page)
    _send(dispatcher, render.page_messages(intro, page, offset, remaining, channel_of(tracker), now(), sample))
    return _page_events(keys, offset + len(page), [h.listing.key for h in page])


def answer_search(
    dispatcher: CollectingDispatcher, tracker: Tracker, snap: Snapshot, request: dict[str, Any], location: Location
) -> list[EventType]:
    categories = [c for c in request.get("categories") or [] if taxonomy.is_category(c)]
    when = request.get("when")
    query = SearchQuery(location.latitude, location.longitude, location.borough, tuple(categories), when, now())
    result = search_snapshot(snap, query)
    area = area_label(location)
    what = _what(categories)
    when_words = _when_words(when)
    sms = render.is_sms(channel_of(tracker))
    if any(not h.listing.national for h in result.hits):
        if when_words:
            intro = say("services.results_when", what=what, when=when_words, area=area)
        else:
            intro = say("services.results", what=what, area=area)
        keys = [h.listing.key for h in result.hits]
        return show_page(dispatcher, tracker, intro, result.hits, 0, keys)

    # Nothing matches: say so, then the closest broader option and national lines.
    nxt = result.next_to_open
    if when and result.local_matches and nxt is not None:
        status = render.status_text(nxt.status, now()).lower()
        text = say(
            "services.none_open_then_next", what=what, area=area, when=when_words, name=nxt.listing.name, status=status
        )
    elif when and result.local_matches:
        text = say("services.none_open_then", what=what, area=area, when=when_words)
    elif when_words:
        text = say("services.none_found_when", what=what, when=when_words, area=area)
    else:
        text = say("services.none_found", what=what, area=area)
    if result.broader:
        text += " " + say("services.closest_one" if len(result.broader) == 1 else "services.closest_many")
    # National lines for her need first (they matched), then the general ones.
    nationals = list(result.hits)
    nationals += [h for h in result.national if h.listing.key not in {n.listing.key for n in nationals}]
    result.national = nationals[:3]
    fallback = result.broader + result.national
    if dev_mode() and any(h.listing.is_sample for h in fallback):
        text = say("services.sample_note") + text
    moment = now()
    if sms:
        reply_key = {0: "services.fallback_reply_talk", 1: "services.fallback_reply_one"}
        reply = say(reply_key.get(len(result.broader), "services.fallback_reply_two"))
        for with_phone, n_lines in ((True, 3), (False, 3), (False, 2), (False, 1)):
            lines = [text] + [render.sms_line(i + 1, h, moment, with_phone) for i, h in enumerate(result.broader)]
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
            _send(dispatcher, render.page_messages("", result.broader, 0, 0, "rest", moment)[1:-1])
        if result.national:
            dispatcher.utter_message(text=render.national_text(result.national))
        closing = "services.nothing_near_closing"
        dispatcher.utter_message(text=say(closing), buttons=buttons(closing))
    shown = [h.listing.key for h in result.broader] or [h.listing.key for h in result.national]
    keys = [h.listing.key for h in fallback]
    return _page_events(keys, len(keys), shown)


def answer_national(
    dispatcher: CollectingDispatcher, tracker: Tracker, snap: Snapshot, request: dict[str, Any], why: str
) -> list[EventType]:
    categories = set(request.get("categories") or [])
    hits = fallback_national(snap, categories, now())
    sms = render.is_sms(channel_of(tracker))
    lines = [why] if why else []
    if hits:
        lines.append(render.national_text(hits, sms))
    lines.append(say("services.national_send_place"))
    dispatcher.utter_message(text="\n".join(lines))
    keys = [h.listing.key for h in hits]
    return _page_events(keys, len(keys), keys[: render.PAGE])


def answer_details(
    dispatcher: CollectingDispatcher, tracker: Tracker, listing: Listing, remaining: int = 0
) -> list[EventType]:
    sms = render.is_sms(channel_of(tracker))
    text = render.details_text(listing, now(), sms=sms)
    if dev_mode() and listing.is_sample:
        text = say("services.sample_note") + text
    if sms:
        dispatcher.utter_message(text=text)
        return []
    with_buttons = "services.details_more" if remaining else "services.details"
    dispatcher.utter_message(text=say(with_buttons, details=text), buttons=buttons(with_buttons))
    return []


def answer_by_name(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    snap: Snapshot,
    service_ids: list[int],
    location: Location | None,
) -> list[EventType] | None:
    listings = [item for sid in service_ids for item in snap.listings_for_service(sid)]
    if not listings:
        return None
    if len(listings) == 1:
        return answer_details(dispatcher, tracker, listings[0]) + [SlotSet("service_shown", [listings[0].key])]
    hits = [Hit(item, None, 2, opening_status(item.hours, now())) for item in listings]
    keys = [h.listing.key for h in hits]
    return show_page(dispatcher, tracker, say("services.found_these"), hits, 0, keys)
