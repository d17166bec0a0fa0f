"""Her appointment requests outside the form: book, move, call off, "when is it?"."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import flows
from actions.common import channel_of, latest_text
from bot.appointments import service
from bot.db.session import run_db
from bot.wording import buttons, say


class ActionAppointmentBook(Action):
    def name(self) -> str:
        return "action_appointment_book"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        who = await flows.find_who(dispatcher, tracker)
        return await flows.start_booking(dispatcher, tracker, who, wish=latest_text(tracker))


class ActionAppointmentOffer(Action):
    """Right after a referral is sent (FollowupAction from action_finish_referral)."""

    def name(self) -> str:
        return "action_appointment_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        who = await flows.find_who(dispatcher, tracker, quiet=True)
        events = await flows.start_booking(dispatcher, tracker, who, after_referral=True)
        if not any(isinstance(e, dict) and e.get("event") == "followup" for e in events):
            events.append(FollowupAction("action_listen"))  # nothing to book: wait for her
        return events


class ActionAppointmentMove(Action):
    def name(self) -> str:
        return "action_appointment_move"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        who = await flows.find_who(dispatcher, tracker)
        target_id = None
        if who is not None:
            # "CHANGE" (or "can we move it") after a reminder: that appointment.
            pending = await run_db(service.pending_reply, tracker.sender_id, channel_of(tracker))
            if pending is not None and pending.live:
                await run_db(service.mark_answered, pending.message_id)
                target_id = pending.appointment_id
        return await flows.start_change(dispatcher, tracker, who, "move", target_id=target_id)


class ActionAppointmentCancel(Action):
    def name(self) -> str:
        return "action_appointment_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        who = await flows.find_who(dispatcher, tracker)
        return await flows.start_change(dispatcher, tracker, who, "cancel")


class ActionAppointmentStatus(Action):
    def name(self) -> str:
        return "action_appointment_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        who = await flows.find_who(dispatcher, tracker)
        if who is None:
            return []
        text = flows.status_text(who, flows.is_discreet(tracker, who))
        if who.live:
            dispatcher.utter_message(text=f"{text}\n{say('appointments.status_change_it')}")
        elif (who.needed or who.follow_up_open) and who.in_coverage:
            dispatcher.utter_message(
                text=say("appointments.status_bookable", status=text), buttons=buttons("appointments.status_bookable")
            )
        else:
            dispatcher.utter_message(text=f"{text}\n{say('appointments.status_reach_a_person')}")
        return []
