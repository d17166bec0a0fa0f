"""Her reply to a reminder: "YES" confirms, "CHANGE" (or "no") starts a rebooking.

See bot/appointments/replies.py for how a reply is matched to the reminder.
`action_appointment_reply_context` runs inside Rasa's slot extraction for
affirm / deny / change_field only, and sets `appt_reply_context`;
`action_appointment_reply` then answers.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import flows, texts
from actions.common import channel_of, latest_intent
from actions.support import checkin
from bot.appointments import formatting, service
from bot.db.session import run_db
from bot.support import service as support_service
from bot.support.invitations import Pending
from bot.wording import say

logger = logging.getLogger(__name__)
CONTEXT_SLOT = "appt_reply_context"


class ActionAppointmentReplyContext(Action):
    def name(self) -> str:
        return "action_appointment_reply_context"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        pending = None
        if not tracker.active_loop.get("name"):  # a "yes" inside a form answers the form
            try:
                pending = await run_db(service.pending_reply, tracker.sender_id, channel_of(tracker))
                if pending is None and latest_intent(tracker)[0] in ("affirm", "deny"):
                    pending = await run_db(support_service.pending_invitation, tracker.sender_id, channel_of(tracker))
            except Exception:
                logger.exception("appointments: reply lookup failed")
        value = True if pending else None
        return [] if tracker.get_slot(CONTEXT_SLOT) == value else [SlotSet(CONTEXT_SLOT, value)]


class ActionAppointmentReply(Action):
    def name(self) -> str:
        return "action_appointment_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # `appt_reply_context` is left as it is: the rule that chose this action
        # must still match to predict listening next; the slot is worked out
        # afresh from the database on her next yes / no / change.
        done: list[EventType] = []
        try:
            pending = await run_db(service.pending_reply, tracker.sender_id, channel_of(tracker))
            invited = await run_db(support_service.pending_invitation, tracker.sender_id, channel_of(tracker))
        except Exception:
            logger.exception("appointments: reply lookup failed")
            dispatcher.utter_message(text=say("appointments.unavailable"))
            return done
        yes = latest_intent(tracker)[0] == "affirm"
        if invited is not None and latest_intent(tracker)[0] in ("affirm", "deny"):
            if pending is None or pending.sent_at is None or invited.sent_at >= pending.sent_at:
                return await answer_invitation(dispatcher, tracker, invited, yes)
        if pending is None:
            dispatcher.utter_message(response="utter_menu")
            return done
        await run_db(service.mark_answered, pending.message_id)
        who = await flows.find_who(dispatcher, tracker)
        if who is None:
            return done
        discreet = flows.is_discreet(tracker, who)
        if pending.live:
            if yes and pending.purpose.startswith("reminder"):
                result = await run_db(service.confirm, pending.appointment_id)
                if result.ok:
                    slot = result.appointment.slot
                    dispatcher.utter_message(
                        text=say(
                            "appointments.reminder_confirmed",
                            when=formatting.when(slot.starts_at),
                            place=texts.place(slot, discreet),
                        )
                    )
                    return done
            return done + await flows.start_change(dispatcher, tracker, who, "move", target_id=pending.appointment_id)
        if pending.current_id:
            current = await run_db(service.appointment_view, pending.current_id)
            dispatcher.utter_message(
                text=say(
                    "appointments.reminder_time_changed",
                    when=formatting.when(current.slot.starts_at),
                    place=texts.place(current.slot, discreet),
                )
            )
            return done
        # Called off, missed or already past: say so kindly and offer new times.
        view = await run_db(service.appointment_view, pending.appointment_id)
        if pending.purpose != "missed":
            key = (
                "appointments.reminder_called_off"
                if view.status.value == "cancelled"
                else "appointments.reminder_passed"
            )
            dispatcher.utter_message(text=say(key, when=formatting.when(view.slot.starts_at)))
        if who.needed:
            return done + await flows.start_booking(dispatcher, tracker, who, kind=who.needed)
        dispatcher.utter_message(
            text=f"{flows.status_text(who, discreet)}\n{say('appointments.status_reach_a_person')}"
        )
        return done


async def answer_invitation(dispatcher: CollectingDispatcher, tracker: Tracker, invited: Pending, yes: bool):
    """Her yes or no to our text asking for a check-in or the survey: yes starts it."""
    if yes:
        return await checkin.start(dispatcher, tracker, invitation_id=invited.id, consented=True)
    await run_db(support_service.decline, invited.id)
    dispatcher.utter_message(text=say("support.invite_declined"))
    return []
