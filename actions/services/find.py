"""Finding local help: "housing in Lambeth", "what's open now".

`action_find_services` reads the message (need, when, place or listing name).
If it knows where she is (this message, the conversation's slots, or her
record) it answers at once; otherwise it starts `service_location_form`
(location_form.py), then `action_find_services_after_location` answers.
Results are stored as listing keys, so "more" and "the second one"
(follow_ups.py) work on what she was shown.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import request_text
from actions.services.answers import answer_by_name, answer_national, answer_search
from actions.services.location import location_from_slots, location_on_record, location_slots, remember_location
from actions.services.location_form import FORM, NO_PLACE, OUTSIDE, UNKNOWN
from actions.services.requests import directory_or_national_lines, merge_request, read_message, request_from_slot
from bot.conversation.answers import clean
from bot.db.session import run_db
from bot.directory import taxonomy
from bot.directory.request import ServiceRequest, usable
from bot.wording import say

logger = logging.getLogger(__name__)


class ActionFindServices(Action):
    """A new request for help."""

    def name(self) -> str:
        return "action_find_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = clean(request_text(tracker))
        try:
            snap, req = await run_db(read_message, text)
        except Exception:
            logger.exception("directory could not be read")
            dispatcher.utter_message(response="utter_services_national")
            return []
        previous = request_from_slot(tracker.get_slot("service_request"))
        request = merge_request(previous, req)
        # Never set service_location here: the form would validate that event as an answer.
        events: list[EventType] = [
            SlotSet("service_request", request),
            SlotSet("service_location_tries", 0),
            SlotSet("service_outcome", None),
        ]

        location = req.location if usable(req.location) else None
        if location is not None:
            covered = await run_db(remember_location, tracker.sender_id, location)
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
            location = location_from_slots(tracker) or await run_db(location_on_record, tracker.sender_id)
            if location is not None:
                events += location_slots(location, None)
        if location is None:
            return events + [FollowupAction(FORM)]
        return events + answer_search(dispatcher, tracker, snap, request, location)

    @staticmethod
    def _explain(dispatcher: CollectingDispatcher, req: ServiceRequest) -> None:
        if req.outside_place or (req.location is not None and req.location.kind == "outside_london"):
            place = req.outside_place or req.location.place or req.location.postcode or req.location.outcode
            dispatcher.utter_message(text=say("services.outside_london", place=place))
        elif req.location is not None and req.location.kind == "unknown_postcode":
            code = req.location.postcode or req.location.outcode
            dispatcher.utter_message(text=say("services.unknown_postcode", code=code))


class ActionFindServicesAfterLocation(Action):
    """The form has her location (or she skipped it, or it is outside London)."""

    def name(self) -> str:
        return "action_find_services_after_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        request = request_from_slot(tracker.get_slot("service_request"))
        outcome = tracker.get_slot("service_outcome")
        answer = tracker.get_slot("service_location")
        reset = [
            SlotSet("service_location", None),
            SlotSet("service_location_tries", 0),
            SlotSet("service_outcome", None),
        ]
        if outcome == "stopped":
            dispatcher.utter_message(text=say("services.find_stopped"))
            return reset
        snap = await directory_or_national_lines(dispatcher)
        if snap is None:
            return reset
        if not request.get("categories") and answer not in NO_PLACE:
            request["categories"] = taxonomy.needs_in_text(str(answer))
        location = location_from_slots(tracker) if answer not in NO_PLACE else None
        if location is None:
            why_key = {OUTSIDE: "services.only_london", UNKNOWN: "services.still_not_found"}.get(answer)
            why = say(why_key) if why_key else ""
            return reset + answer_national(dispatcher, tracker, snap, request, why)
        return (
            reset + [SlotSet("service_request", request)] + answer_search(dispatcher, tracker, snap, request, location)
        )
