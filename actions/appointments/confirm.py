"""Her yes before any change, and the change written."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.appointments import flows, offers, texts
from actions.common import channel_of, latest_intent
from bot.appointments import formatting, service
from bot.appointments.preferences import parse_choice, parse_preference, parse_slot_payload
from bot.conversation.answers import clean, parse_yes_no
from bot.db.models.appointments import AppointmentKind
from bot.db.session import run_db
from bot.wording import say

# At "call off this appointment?", "cancel it" means yes.
CALL_OFF = re.compile(r"^(yes,? )?(please )?(cancel|call it off|call off|cancel it|yes cancel|do it)\b", re.I)
# The form's own reading of a new time named at the yes/no question.
Choose = Callable[[Any, CollectingDispatcher, Tracker], Awaitable[dict[str, Any]]]


async def confirm(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, choose: Choose) -> dict[str, Any]:
    """Her yes writes the change; her no, or a new time named here, goes back to the offer."""
    text = clean(value)
    mode = tracker.get_slot("appt_mode")
    intent = latest_intent(tracker)[0]
    answer = parse_yes_no(text, intent if intent in ("affirm", "deny") else None)
    if mode == "cancel" and CALL_OFF.match(text):
        answer = True
    if mode in ("book", "move") and answer is None:
        pref = parse_preference(text, formatting.local(service.now()).date())
        if (
            parse_slot_payload(text)
            or pref.understood
            or parse_choice(text, len(tracker.get_slot("appt_offer") or [])) is not None
        ):
            # A different time named at the yes/no question: take it as a new choice.
            return {"appt_confirm": None, "appt_slot": None, **await choose(value, dispatcher, tracker)}
        if offers.MORE.search(text) or re.search(r"\b(change|another|different|no)\b", text, re.I):
            answer = False
    if answer is None:
        dispatcher.utter_message(text=say("appointments.yes_or_no"))
        return {"appt_confirm": None}
    who, kind, moving_id = await offers.booking_context(tracker)
    if who is None:
        dispatcher.utter_message(text=texts.no_record())
        return {"appt_confirm": None, "appt_outcome": "no_record"}
    discreet = bool(tracker.get_slot("appt_discreet"))
    target_id = int(tracker.get_slot("appt_target")) if tracker.get_slot("appt_target") else None
    if not answer:
        if mode == "cancel":
            view = await run_db(service.appointment_view, target_id)
            dispatcher.utter_message(text=say("appointments.kept", when=formatting.when(view.slot.starts_at)))
            return {"appt_confirm": "no", "appt_outcome": "kept"}
        slot_id = int(tracker.get_slot("appt_slot"))
        dispatcher.utter_message(text=say("appointments.other_times_ok"))
        return {
            "appt_confirm": None,
            "appt_choice": None,
            "appt_slot": None,
            **await offers.new_offer(
                dispatcher,
                tracker,
                kind,
                tracker.get_slot("appt_pref"),
                moving_id=moving_id,
                exclude={slot_id},
                note=say("appointments.other_times_instead"),
            ),
        }
    if mode == "cancel":
        result = await run_db(service.cancel, target_id)
        if not result.ok:
            dispatcher.utter_message(text=say("appointments.already_changed"))
            return {"appt_confirm": "yes", "appt_outcome": "failed"}
        after = await run_db(service.who, tracker.sender_id, channel_of(tracker))
        dispatcher.utter_message(
            text=texts.called_off(
                result.appointment.slot,
                result.appointment.kind,
                who.deadline,
                after.live if after else (),
                after.attended if after else (),
            )
        )
        return {"appt_confirm": "yes", "appt_outcome": "done"}
    slot_id = int(tracker.get_slot("appt_slot"))
    if mode == "move":
        result = await run_db(service.move, target_id, slot_id, channel_of(tracker))
    else:
        result = await run_db(service.book, who.referral_id, slot_id, kind, channel_of(tracker))
    if not result.ok:
        return await _failed(result.reason, dispatcher, tracker, kind, moving_id, slot_id)
    if mode == "move":
        dispatcher.utter_message(text=texts.moved(result.appointment.slot, discreet, result.reminders))
        return {"appt_confirm": "yes", "appt_outcome": "done"}
    dispatcher.utter_message(text=texts.booked(result.appointment.slot, discreet, result.reminders))
    after = (
        await run_db(service.who, tracker.sender_id, channel_of(tracker))
        if kind == AppointmentKind.MANDATORY_1
        else None
    )
    second = flows.second_booked(after) if after else None
    if second is not None:
        # She rebooked the first while the second stayed booked: both are done.
        dispatcher.utter_message(text=say("appointments.both_booked", second=formatting.when(second.slot.starts_at)))
        return {"appt_confirm": "yes", "appt_outcome": "done"}
    if kind == AppointmentKind.MANDATORY_1:
        # The caution needs a second meeting: straight on to it.
        updates = await offers.new_offer(
            dispatcher,
            tracker,
            AppointmentKind.MANDATORY_2,
            None,
            moving_id=None,
            note=texts.heading(AppointmentKind.MANDATORY_2, who.deadline),
        )
        if "appt_outcome" in updates:
            return {"appt_confirm": "yes", **updates}
        return {
            "appt_confirm": None,
            "appt_choice": None,
            "appt_slot": None,
            "appt_pref": None,
            "appt_kind": AppointmentKind.MANDATORY_2.value,
            **updates,
        }
    return {"appt_confirm": "yes", "appt_outcome": "done"}


async def _failed(
    reason: str | None,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    kind: AppointmentKind,
    moving_id: int | None,
    slot_id: int,
) -> dict[str, Any]:
    if reason in ("slot_taken", "outside_window"):
        dispatcher.utter_message(text=texts.problem(reason))
        return {
            "appt_confirm": None,
            "appt_choice": None,
            "appt_slot": None,
            **await offers.new_offer(
                dispatcher,
                tracker,
                kind,
                None,
                moving_id=moving_id,
                exclude={slot_id},
                note=say("appointments.next_free_times"),
            ),
        }
    if reason == "already_booked":
        dispatcher.utter_message(text=say("appointments.already_booked"))
    else:
        dispatcher.utter_message(text=say("appointments.already_changed"))
    return {"appt_confirm": "yes", "appt_outcome": "failed"}
