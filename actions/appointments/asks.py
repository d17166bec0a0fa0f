"""The appointment form's questions, and the last word when it ends."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import flows, offers, texts
from actions.appointments.form import SWITCH_PREFIX
from actions.common import channel_of
from bot.appointments import service
from bot.db.models.appointments import AppointmentKind
from bot.db.session import run_db
from bot.wording import say


class ActionAskApptWhich(Action):
    def name(self) -> str:
        return "action_ask_appt_which"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ids = offers.ids(tracker.get_slot("appt_candidates"))
        views = [v for v in [await run_db(service.appointment_view, i) for i in ids] if v]
        moving = tracker.get_slot("appt_mode") == "move"
        dispatcher.utter_message(
            text=say("appointments.which_to_move") if moving else say("appointments.which_to_call_off"),
            buttons=[
                {"title": texts.slot_title(v.slot.starts_at, v.slot.centre_area), "payload": f"appointment {v.id}"}
                for v in views
            ],
        )
        return []


class ActionAskApptChoice(Action):
    def name(self) -> str:
        return "action_ask_appt_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ids = offers.ids(tracker.get_slot("appt_offer"))
        views = await run_db(service.slot_views, ids)
        events: list[EventType] = [SlotSet("appt_note", None)]
        note = tracker.get_slot("appt_note") or say("appointments.free_times")
        if len(views) < len(ids):
            # Some went while she was deciding: show what is left (or fresh ones).
            if not views:
                note = say("appointments.times_gone")
                who, kind, moving_id = await offers.booking_context(tracker)
                if who and kind:
                    fresh = await run_db(service.offer, who.referral_id, kind, None, moving_id=moving_id)
                    views = fresh.slots
                    events.append(SlotSet("appt_offer", [str(v.id) for v in views]))
        if not views:
            dispatcher.utter_message(text=texts.no_slot(None))
            return events
        dispatcher.utter_message(
            text=f"{note}\n{say('appointments.pick_hint')}",
            buttons=[{"title": v.label, "payload": f"slot {v.id}"} for v in views],
        )
        return events + [SlotSet("appt_offer", [str(v.id) for v in views])]


class ActionAskApptConfirm(Action):
    def name(self) -> str:
        return "action_ask_appt_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        mode = tracker.get_slot("appt_mode")
        discreet = bool(tracker.get_slot("appt_discreet"))
        new = old = None
        if tracker.get_slot("appt_slot"):
            found = await run_db(service.slot_views, [int(tracker.get_slot("appt_slot"))], False)
            new = found[0] if found else None
        deadline = None
        if tracker.get_slot("appt_target"):
            view = await run_db(service.appointment_view, int(tracker.get_slot("appt_target")))
            old = view.slot if view else None
            if mode == "cancel" and view and view.kind in (AppointmentKind.MANDATORY_1, AppointmentKind.MANDATORY_2):
                who = await run_db(service.who, tracker.sender_id, channel_of(tracker))
                deadline = who.deadline if who else None
        text, offered = texts.confirm_question(mode, new, old, discreet, deadline)
        dispatcher.utter_message(text=text, buttons=offered)
        return []


class ActionAppointmentDone(Action):
    """After the form: a last word if she stopped, then clear the form's slots."""

    def name(self) -> str:
        return "action_appointment_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        outcome = tracker.get_slot("appt_outcome") or ""
        mode = tracker.get_slot("appt_mode")
        if outcome == "stopped":
            if mode == "book":
                dispatcher.utter_message(text=say("appointments.stopped_booking"))
            else:
                dispatcher.utter_message(text=say("appointments.stopped_change"))
        if outcome.startswith(SWITCH_PREFIX):
            if mode == "book":
                dispatcher.utter_message(text=say("appointments.set_aside_booking"))
            else:
                dispatcher.utter_message(text=say("appointments.set_aside_change"))
            return [*flows.reset(), FollowupAction(outcome[len(SWITCH_PREFIX) :])]
        return flows.reset()
