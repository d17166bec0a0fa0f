"""The appointment form: which appointment, which time, and a yes before any change.

Slots asked (only those the mode needs): `appt_which` (move/call off, when
she has more than one), `appt_choice` (book/move: a pick from the offer, or
her own words: "Friday at 2", "not mornings", "next week"), `appt_confirm`.
The change is written when she says yes; if the time was taken meanwhile she
is told kindly and offered the next free times. For a caution the form goes
straight on to the second meeting after the first is booked.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import flows, texts
from actions.common import channel_of, latest_intent, latest_text
from actions.handoff import ask_for_person
from actions.knowledge import answer_question
from actions.referral.form_base import CONFIDENT, GuidedFormValidation
from bot.appointments import formatting, service
from bot.appointments.preferences import (
    PREF_SEPARATOR,
    narrow,
    parse_choice,
    parse_narrowed,
    parse_preference,
    parse_slot_payload,
)
from bot.db.models import AlertReason
from bot.db.models.appointments import AppointmentKind
from bot.db.session import run_db
from bot.knowledge import RETRIEVAL_INTENT
from bot.referrals.parsing import clean, detect_control, parse_yes_no

logger = logging.getLogger(__name__)

_NOT_NOW = re.compile(
    r"^(not now|not today|maybe later|another time|no thanks?|no thank you|no ty|nah thanks|leave it|forget it|"
    r"never ?mind|i'?ll (do it|book|sort it) later|i'?ll leave it|don'?t worry|it'?s ok|nothing)[.! ]*$", re.I
)
_MORE = re.compile(
    r"\b(other times?|others|another time|more (times|options)?|more|different (times?|day)|none of (these|those|them)|"
    r"any (other|others|more)|something else|later ones|other days?)\b", re.I
)
_CALL_OFF = re.compile(r"^(yes,? )?(please )?(cancel|call it off|call off|cancel it|yes cancel|do it)\b", re.I)
_APPT_PAYLOAD = re.compile(r"^\s*appointment\s+(\d{1,10})\s*$", re.I)
# Asked mid-booking, these are a new errand, not an answer: the booking is set
# aside and the errand's own first action runs next (action_appointment_done).
_SWITCH_TO = {
    "find_service": "action_find_services",
    "stop_texts": "action_stop_texts",
    "delete_my_data": "action_data_rights_start",
    "my_data_summary": "action_data_rights_start",
}
_SWITCH_PREFIX = "switch:"


def _ids(values) -> list[int]:
    return [int(v) for v in (values or []) if str(v).isdigit()]


class ValidateAppointmentForm(GuidedFormValidation):
    outcome_slot = "appt_outcome"
    required_answers = frozenset({"appt_confirm"})

    def name(self) -> str:
        return "validate_appointment_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        mode = tracker.get_slot("appt_mode")
        if not mode or tracker.get_slot("appt_outcome"):
            return []
        needed = []
        if mode in ("move", "cancel") and not tracker.get_slot("appt_target"):
            needed.append("appt_which")
        if mode in ("book", "move"):
            needed.append("appt_choice")
        needed.append("appt_confirm")
        return needed

    # ---- commands and side questions ---------------------------------------

    async def interruption(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any] | None:
        text = clean(latest_text(tracker))
        intent, confidence = latest_intent(tracker)
        confident = confidence >= CONFIDENT
        mode = tracker.get_slot("appt_mode")
        command = detect_control(text)
        if mode == "cancel" and slot == "appt_confirm" and _CALL_OFF.match(text):
            return None  # "cancel it" here means yes
        if command == "stop" or _NOT_NOW.match(text) or (confident and intent in ("goodbye", "stop_form")):
            return {slot: None, "appt_outcome": "stopped"}
        if slot in ("appt_choice", "appt_which") and (
            command == "skip" or (parse_yes_no(text) is False and not self._is_answer(slot, text, tracker))
        ):
            return {slot: None, "appt_outcome": "stopped"}
        if command == "back" and slot == "appt_confirm" and mode in ("book", "move"):
            dispatcher.utter_message(text="OK, going back.")
            return {"appt_confirm": None, "appt_choice": None, "appt_slot": None}
        if confident and intent == RETRIEVAL_INTENT and not self._is_answer(slot, text, tracker):
            await answer_question(dispatcher, tracker, in_form=True)
            return {slot: None}
        if confident and intent == "human_handoff":
            await ask_for_person(dispatcher, tracker, AlertReason.HUMAN_REQUESTED)
            dispatcher.utter_message(text="While you wait, we can carry on, or say 'not now'.")
            return {slot: None}
        if confident and intent in _SWITCH_TO and not self._is_answer(slot, text, tracker):
            return {slot: None, "appt_outcome": _SWITCH_PREFIX + _SWITCH_TO[intent]}
        if confident and intent == "check_appointment" and not self._is_answer(slot, text, tracker):
            who = await flows.find_who(dispatcher, tracker)
            if who:
                dispatcher.utter_message(text=flows.status_text(who, flows.is_discreet(tracker, who)))
            return {slot: None}
        return None

    def _is_answer(self, slot: str, text: str, tracker: Tracker) -> bool:
        if parse_slot_payload(text) or _MORE.search(text):
            return True
        count = len(tracker.get_slot("appt_offer") or tracker.get_slot("appt_candidates") or [])
        if parse_choice(text, max(count, 1)) is not None:
            return True
        return parse_preference(text, formatting.local(service.now()).date()).understood

    # ---- which appointment ---------------------------------------------------

    async def validate_appt_which(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        ids = _ids(tracker.get_slot("appt_candidates"))
        views = [v for v in [await run_db(service.appointment_view, i) for i in ids] if v]
        text = clean(value)
        chosen = None
        m = _APPT_PAYLOAD.match(text)
        if m and int(m[1]) in ids:
            chosen = int(m[1])
        elif (index := parse_choice(text, len(views))) is not None:
            chosen = views[index].id
        else:
            pref = parse_preference(text, formatting.local(service.now()).date())
            hits = [v.id for v in views if pref.understood and (
                formatting.local(v.slot.starts_at).date() in pref.days
                or formatting.local(v.slot.starts_at).isoweekday() in pref.weekdays | pref.not_weekdays)]
            chosen = hits[0] if len(hits) == 1 else None
        if chosen is None:
            dispatcher.utter_message(text="Sorry, which one? Pick a number from the list, or say the day.")
            return {"appt_which": None}
        updates: dict[str, Any] = {"appt_which": text[:80], "appt_target": str(chosen)}
        if tracker.get_slot("appt_mode") == "move":
            target = next(v for v in views if v.id == chosen)
            updates.update(await self._new_offer(dispatcher, tracker, target.kind, None, moving_id=chosen,
                                                 note=texts.heading(target.kind, None, "move")))
            if updates.get("appt_note"):
                updates["appt_note"] = texts.moving(target.kind, target.slot.starts_at) + " " + updates["appt_note"]
        return updates

    # ---- which time --------------------------------------------------------

    async def _context(self, tracker: Tracker) -> tuple[service.Who | None, AppointmentKind | None, int | None]:
        who = await run_db(service.who, tracker.sender_id, channel_of(tracker))
        moving_id = int(tracker.get_slot("appt_target")) if tracker.get_slot("appt_mode") == "move" and tracker.get_slot("appt_target") else None
        kind = None
        if moving_id:
            view = await run_db(service.appointment_view, moving_id)
            kind = view.kind if view else None
        elif tracker.get_slot("appt_kind"):
            kind = AppointmentKind(tracker.get_slot("appt_kind"))
        return who, kind, moving_id

    async def _new_offer(self, dispatcher: CollectingDispatcher, tracker: Tracker, kind: AppointmentKind,
                         wish, *, moving_id: int | None, note: str, exclude: set[int] | None = None) -> dict[str, Any]:
        """A fresh offer for the next question, or the end of the form when nothing is free."""
        who = await run_db(service.who, tracker.sender_id, channel_of(tracker))
        offer = await run_db(service.offer, who.referral_id, kind, wish, moving_id=moving_id, exclude=exclude)
        if not offer.slots and exclude:
            offer = await run_db(service.offer, who.referral_id, kind, wish, moving_id=moving_id)
        if not offer.slots:
            await flows.say_no_slot(dispatcher, tracker, who, offer)
            return {"appt_outcome": "no_slot"}
        note = await flows.offer_note(offer, note, asked=wish is not None)
        return {"appt_offer": [str(v.id) for v in offer.slots], "appt_note": note}

    async def _choose(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        text = clean(value)
        offered = _ids(tracker.get_slot("appt_offer"))
        who, kind, moving_id = await self._context(tracker)
        if who is None or kind is None:
            dispatcher.utter_message(text=texts.NO_RECORD)
            return {"appt_choice": None, "appt_outcome": "no_record"}
        slot_id = parse_slot_payload(text)
        if slot_id is None and (index := parse_choice(text, len(offered))) is not None:
            slot_id = offered[index]
        if slot_id is not None:
            if await run_db(service.slot_views, [slot_id]):
                return {"appt_choice": text[:80], "appt_slot": str(slot_id)}
            dispatcher.utter_message(text=texts.problem("slot_taken"))
            return {"appt_choice": None, **await self._new_offer(
                dispatcher, tracker, kind, None, moving_id=moving_id, exclude={slot_id},
                note="Here are the next free times:")}
        today = formatting.local(service.now()).date()
        pref = parse_preference(text, today)
        if _MORE.search(text) and not pref.has_day and pref.at is None:
            return {"appt_choice": None, **await self._new_offer(
                dispatcher, tracker, kind, tracker.get_slot("appt_pref"), moving_id=moving_id,
                exclude=set(offered), note="Here are some other times:")}
        if pref.understood:
            # A choice narrows what she asked before ("tuesday pls", then "10am"); it never restarts.
            so_far = tracker.get_slot("appt_pref") or ""
            wanted = narrow(parse_narrowed(so_far, today), pref)
            said = PREF_SEPARATOR.join([*so_far.split(PREF_SEPARATOR)[-3:], text[:200]]).strip()
            offer = await run_db(service.offer, who.referral_id, kind, wanted, moving_id=moving_id)
            if offer.slots and offer.exact and not offer.problem and len(offer.slots) == 1:
                return {"appt_choice": text[:80], "appt_slot": str(offer.slots[0].id), "appt_pref": said}
            updates = await self._new_offer(dispatcher, tracker, kind, wanted, moving_id=moving_id,
                                            note="Here's what's free:")
            return {"appt_choice": None, "appt_pref": said, **updates}
        if tracker.get_slot("requested_slot") == "appt_choice":
            dispatcher.utter_message(text=texts.NOT_UNDERSTOOD_CHOICE)
        return {"appt_choice": None}

    async def validate_appt_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        try:
            return await self._choose(value, dispatcher, tracker)
        except Exception:
            logger.exception("appointments: choice failed")
            dispatcher.utter_message(text=texts.UNAVAILABLE)
            return {"appt_choice": None, "appt_outcome": "error"}

    # ---- yes, then write ---------------------------------------------------

    async def validate_appt_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        try:
            return await self._confirm(value, dispatcher, tracker)
        except Exception:
            logger.exception("appointments: change failed")
            dispatcher.utter_message(text=texts.UNAVAILABLE)
            return {"appt_confirm": None, "appt_outcome": "error"}

    async def _confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        text = clean(value)
        mode = tracker.get_slot("appt_mode")
        intent = latest_intent(tracker)[0]
        answer = parse_yes_no(text, intent if intent in ("affirm", "deny") else None)
        if mode == "cancel" and _CALL_OFF.match(text):
            answer = True
        if mode in ("book", "move") and answer is None:
            pref = parse_preference(text, formatting.local(service.now()).date())
            if parse_slot_payload(text) or pref.understood or parse_choice(text, len(tracker.get_slot("appt_offer") or [])) is not None:
                # A different time named at the yes/no question: take it as a new choice.
                return {"appt_confirm": None, "appt_slot": None, **await self._choose(value, dispatcher, tracker)}
            if _MORE.search(text) or re.search(r"\b(change|another|different|no)\b", text, re.I):
                answer = False
        if answer is None:
            dispatcher.utter_message(text="Sorry, is that a yes or a no?")
            return {"appt_confirm": None}
        who, kind, moving_id = await self._context(tracker)
        if who is None:
            dispatcher.utter_message(text=texts.NO_RECORD)
            return {"appt_confirm": None, "appt_outcome": "no_record"}
        discreet = bool(tracker.get_slot("appt_discreet"))
        target_id = int(tracker.get_slot("appt_target")) if tracker.get_slot("appt_target") else None
        if not answer:
            if mode == "cancel":
                view = await run_db(service.appointment_view, target_id)
                dispatcher.utter_message(text=f"OK, I've kept your appointment on {formatting.when(view.slot.starts_at)}.")
                return {"appt_confirm": "no", "appt_outcome": "kept"}
            slot_id = int(tracker.get_slot("appt_slot"))
            dispatcher.utter_message(text="OK.")
            return {"appt_confirm": None, "appt_choice": None, "appt_slot": None, **await self._new_offer(
                dispatcher, tracker, kind, tracker.get_slot("appt_pref"), moving_id=moving_id, exclude={slot_id},
                note="Which time would suit you better? Here are some other times:")}
        if mode == "cancel":
            result = await run_db(service.cancel, target_id)
            if not result.ok:
                dispatcher.utter_message(text="That appointment has already changed. Say 'when is my appointment' to check.")
                return {"appt_confirm": "yes", "appt_outcome": "failed"}
            after = await run_db(service.who, tracker.sender_id, channel_of(tracker))
            dispatcher.utter_message(text=texts.called_off(
                result.appointment.slot, result.appointment.kind, who.deadline,
                after.live if after else (), after.attended if after else ()))
            return {"appt_confirm": "yes", "appt_outcome": "done"}
        slot_id = int(tracker.get_slot("appt_slot"))
        if mode == "move":
            result = await run_db(service.move, target_id, slot_id, channel_of(tracker))
        else:
            result = await run_db(service.book, who.referral_id, slot_id, kind, channel_of(tracker))
        if not result.ok:
            return await self._failed(result.reason, dispatcher, tracker, kind, moving_id, slot_id)
        if mode == "move":
            dispatcher.utter_message(text=texts.moved(result.appointment.slot, discreet, result.reminders))
            return {"appt_confirm": "yes", "appt_outcome": "done"}
        dispatcher.utter_message(text=texts.booked(result.appointment.slot, discreet, result.reminders))
        after = await run_db(service.who, tracker.sender_id, channel_of(tracker)) \
            if kind == AppointmentKind.MANDATORY_1 else None
        second = flows.second_booked(after) if after else None
        if second is not None:
            # She rebooked the first while the second stayed booked: both are done.
            dispatcher.utter_message(text=f"Your second meeting is still booked for {formatting.when(second.slot.starts_at)}. "
                                          "That's both meetings booked.")
            return {"appt_confirm": "yes", "appt_outcome": "done"}
        if kind == AppointmentKind.MANDATORY_1:
            # The caution needs a second meeting: straight on to it.
            updates = await self._new_offer(
                dispatcher, tracker, AppointmentKind.MANDATORY_2, None, moving_id=None,
                note=texts.heading(AppointmentKind.MANDATORY_2, who.deadline))
            if "appt_outcome" in updates:
                return {"appt_confirm": "yes", **updates}
            return {"appt_confirm": None, "appt_choice": None, "appt_slot": None, "appt_pref": None,
                    "appt_kind": AppointmentKind.MANDATORY_2.value, **updates}
        return {"appt_confirm": "yes", "appt_outcome": "done"}

    async def _failed(self, reason: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
                      kind: AppointmentKind, moving_id: int | None, slot_id: int) -> dict[str, Any]:
        if reason in ("slot_taken", "outside_window"):
            dispatcher.utter_message(text=texts.problem(reason))
            return {"appt_confirm": None, "appt_choice": None, "appt_slot": None, **await self._new_offer(
                dispatcher, tracker, kind, None, moving_id=moving_id, exclude={slot_id},
                note="Here are the next free times:")}
        if reason == "already_booked":
            dispatcher.utter_message(text="You already have that meeting booked. Say 'when is my appointment' to check it.")
        else:
            dispatcher.utter_message(text="That appointment has already changed. Say 'when is my appointment' to check.")
        return {"appt_confirm": "yes", "appt_outcome": "failed"}


class ActionAskApptWhich(Action):
    def name(self) -> str:
        return "action_ask_appt_which"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ids = _ids(tracker.get_slot("appt_candidates"))
        views = [v for v in [await run_db(service.appointment_view, i) for i in ids] if v]
        verb = "move" if tracker.get_slot("appt_mode") == "move" else "call off"
        dispatcher.utter_message(
            text=f"Which appointment would you like to {verb}?",
            buttons=[{"title": f"{formatting.when(v.slot.starts_at)} ({v.slot.centre_area})", "payload": f"appointment {v.id}"}
                     for v in views],
        )
        return []


class ActionAskApptChoice(Action):
    def name(self) -> str:
        return "action_ask_appt_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ids = _ids(tracker.get_slot("appt_offer"))
        views = await run_db(service.slot_views, ids)
        events: list[EventType] = [SlotSet("appt_note", None)]
        note = tracker.get_slot("appt_note") or "Here are the free times:"
        if len(views) < len(ids):
            # Some went while she was deciding: show what is left (or fresh ones).
            if not views:
                note = "Sorry, those times have just gone. Here are the next free times:"
                form = ValidateAppointmentForm()
                who, kind, moving_id = await form._context(tracker)
                if who and kind:
                    fresh = await run_db(service.offer, who.referral_id, kind, None, moving_id=moving_id)
                    views = fresh.slots
                    events.append(SlotSet("appt_offer", [str(v.id) for v in views]))
        if not views:
            dispatcher.utter_message(text=texts.no_slot(None))
            return events
        dispatcher.utter_message(
            text=f"{note}\n{texts.PICK_HINT}",
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
        text, buttons = texts.confirm_question(mode, new, old, discreet, deadline)
        dispatcher.utter_message(text=text, buttons=buttons)
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
                dispatcher.utter_message(text="OK, I'll leave it there. You can book any time: just say 'book'.")
            else:
                dispatcher.utter_message(text="OK, your appointment stays as it is. Say 'when is my appointment' to check it.")
        if outcome.startswith(_SWITCH_PREFIX):
            if mode == "book":
                dispatcher.utter_message(text="I've left the booking for now. Say 'book' when you're ready.")
            else:
                dispatcher.utter_message(text="Your appointment stays as it is.")
            return [*flows.reset(), FollowupAction(outcome[len(_SWITCH_PREFIX):])]
        return flows.reset()
