"""`service_location_form`: asks where she is; once more if the answer is outside
London or unknown; then gives up kindly (the finder offers national lines)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent
from actions.forms import SKIPPED, GuidedFormValidation
from actions.services.location import remember_location
from bot.conversation.answers import clean, parse_yes_no
from bot.db.session import run_db
from bot.directory.request import area_label, place_from_text, usable
from bot.wording import say

FORM = "service_location_form"
# What `service_location` holds when the form ends without a place to search near.
OUTSIDE, UNKNOWN = "outside", "unknown"
NO_PLACE = (None, SKIPPED, OUTSIDE, UNKNOWN)


class ValidateServiceLocationForm(GuidedFormValidation):
    """Asks where she is; once more if it's outside London or unknown; then gives up kindly."""

    free_text_slots = frozenset({"service_location"})
    outcome_slot = "service_outcome"

    def name(self) -> str:
        return "validate_service_location_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("service_outcome"):
            return []
        return ["service_location"]

    def accepts(self, slot: str, text: str, intent: str | None) -> bool:
        location, outside = place_from_text(text)
        return usable(location) or bool(outside) or location is not None

    async def validate_service_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # a reset, not an answer
            return {"service_location": None}
        text = clean(str(value))
        location, outside = place_from_text(text)
        if usable(location):
            covered = await run_db(remember_location, tracker.sender_id, location)
            return {
                "service_location": area_label(location),
                "service_area": area_label(location),
                "postcode": location.postcode,
                "outcode": location.outcode,
                "borough": location.borough,
                "in_coverage": covered,
            }
        if parse_yes_no(text, latest_intent(tracker)[0]) is False:
            return {"service_location": SKIPPED}
        tries = int(tracker.get_slot("service_location_tries") or 0)
        kind = OUTSIDE if outside or (location is not None and location.kind == "outside_london") else UNKNOWN
        if tries >= 1:
            return {"service_location": kind}
        if kind == OUTSIDE:
            place = outside or (location.place or location.postcode or location.outcode if location else None)
            if place:
                dispatcher.utter_message(text=say("services.form_outside_london", place=place))
            else:
                dispatcher.utter_message(text=say("services.form_outside_london_unnamed"))
        elif location is not None and location.kind == "unknown_postcode":
            dispatcher.utter_message(text=say("services.unknown_postcode", code=location.postcode or location.outcode))
        else:
            dispatcher.utter_message(text=say("services.place_not_found"))
        return {"service_location": None, "service_location_tries": tries + 1}


class ActionAskServiceLocation(Action):
    """The location question; the second time it offers national lines instead."""

    def name(self) -> str:
        return "action_ask_service_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if int(tracker.get_slot("service_location_tries") or 0) >= 1:
            dispatcher.utter_message(text=say("services.ask_location_again"))
        else:
            dispatcher.utter_message(text=say("services.ask_location"))
        return []
