"""Where she is, for the service finder: this conversation's slots, or her record.

A place she names is remembered on her record (if it has no area yet), so the
next search needs no question.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.db.crud.referrals import is_covered
from bot.db.session import session_scope
from bot.directory.request import area_label, usable
from bot.directory.whereabouts import record_location, save_location_on_record
from bot.geo import Location, resolve_location


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


def location_on_record(sender_id: str) -> Location | None:
    """The area on her record, if it is one we can search near (run in run_db)."""
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


def remember_location(sender_id: str, location: Location) -> bool:
    """Coverage for the slot, and her record filled in if it has no area (run in run_db)."""
    with session_scope() as session:
        save_location_on_record(session, sender_id, location.postcode, location.outcode, location.borough)
        return is_covered(session, location.borough)
