"""The appointment form: which appointment, which time, and a yes before any change.

Slots asked (only those the mode needs): `appt_which` (move/call off, when
she has more than one), `appt_choice` (book/move: a pick from the offer, or
her own words: "Friday at 2", "not mornings", "next week"), `appt_confirm`.
The change is written when she says yes (confirm.py); if the time was taken
meanwhile she is told kindly and offered the next free times (offers.py). For
a caution the form goes straight on to the second meeting after the first is
booked. The questions themselves are asked in asks.py.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import confirm, flows, offers, texts
from actions.common import latest_intent, latest_text
from actions.forms import CONFIDENT, GuidedFormValidation
from actions.handoff import ask_for_person
from actions.knowledge import answer_question
from bot.appointments import formatting, service
from bot.appointments.preferences import (
    PREF_SEPARATOR,
    narrow,
    parse_choice,
    parse_narrowed,
    parse_preference,
    parse_slot_payload,
)
from bot.conversation.answers import clean, detect_control, parse_yes_no
from bot.db.models import AlertReason
from bot.db.session import run_db
from bot.knowledge import RETRIEVAL_INTENT
from bot.wording import say

logger = logging.getLogger(__name__)

_NOT_NOW = re.compile(
    r"^(not now|not today|maybe later|another time|no thanks?|no thank you|no ty|nah thanks|leave it|forget it|"
    r"never ?mind|i'?ll (do it|book|sort it) later|i'?ll leave it|don'?t worry|it'?s ok|nothing)[.! ]*$",
    re.I,
)
_APPT_PAYLOAD = re.compile(r"^\s*appointment\s+(\d{1,10})\s*$", re.I)
# Asked mid-booking, these are a new errand, not an answer: the booking is set
# aside and the errand's own first action runs next (action_appointment_done).
_SWITCH_TO = {
    "find_service": "action_find_services",
    "stop_texts": "action_stop_texts",
    "delete_my_data": "action_data_rights_start",
    "my_data_summary": "action_data_rights_start",
}
SWITCH_PREFIX = "switch:"


class ValidateAppointmentForm(GuidedFormValidation):
    outcome_slot = "appt_outcome"
    required_answers = frozenset({"appt_confirm"})

    def name(self) -> str:
        return "validate_appointment_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
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

    async def interruption(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any] | None:
        text = clean(latest_text(tracker))
        intent, confidence = latest_intent(tracker)
        confident = confidence >= CONFIDENT
        mode = tracker.get_slot("appt_mode")
        command = detect_control(text)
        if mode == "cancel" and slot == "appt_confirm" and confirm.CALL_OFF.match(text):
            return None  # "cancel it" here means yes
        if command == "stop" or _NOT_NOW.match(text) or (confident and intent in ("goodbye", "stop_form")):
            return {slot: None, "appt_outcome": "stopped"}
        if slot in ("appt_choice", "appt_which") and (
            command == "skip" or (parse_yes_no(text) is False and not self._is_answer(slot, text, tracker))
        ):
            return {slot: None, "appt_outcome": "stopped"}
        if command == "back" and slot == "appt_confirm" and mode in ("book", "move"):
            dispatcher.utter_message(text=say("appointments.going_back"))
            return {"appt_confirm": None, "appt_choice": None, "appt_slot": None}
        if confident and intent == RETRIEVAL_INTENT and not self._is_answer(slot, text, tracker):
            await answer_question(dispatcher, tracker, in_form=True)
            return {slot: None}
        if confident and intent == "human_handoff":
            await ask_for_person(dispatcher, tracker, AlertReason.HUMAN_REQUESTED)
            dispatcher.utter_message(text=say("appointments.carry_on_while_waiting"))
            return {slot: None}
        if confident and intent in _SWITCH_TO and not self._is_answer(slot, text, tracker):
            return {slot: None, "appt_outcome": SWITCH_PREFIX + _SWITCH_TO[intent]}
        if confident and intent == "check_appointment" and not self._is_answer(slot, text, tracker):
            who = await flows.find_who(dispatcher, tracker)
            if who:
                dispatcher.utter_message(text=flows.status_text(who, flows.is_discreet(tracker, who)))
            return {slot: None}
        return None

    def _is_answer(self, slot: str, text: str, tracker: Tracker) -> bool:
        if parse_slot_payload(text) or offers.MORE.search(text):
            return True
        count = len(tracker.get_slot("appt_offer") or tracker.get_slot("appt_candidates") or [])
        if parse_choice(text, max(count, 1)) is not None:
            return True
        return parse_preference(text, formatting.local(service.now()).date()).understood

    # ---- which appointment ---------------------------------------------------

    async def validate_appt_which(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        ids = offers.ids(tracker.get_slot("appt_candidates"))
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
            hits = [
                v.id
                for v in views
                if pref.understood
                and (
                    formatting.local(v.slot.starts_at).date() in pref.days
                    or formatting.local(v.slot.starts_at).isoweekday() in pref.weekdays | pref.not_weekdays
                )
            ]
            chosen = hits[0] if len(hits) == 1 else None
        if chosen is None:
            dispatcher.utter_message(text=say("appointments.which_not_understood"))
            return {"appt_which": None}
        updates: dict[str, Any] = {"appt_which": text[:80], "appt_target": str(chosen)}
        if tracker.get_slot("appt_mode") == "move":
            target = next(v for v in views if v.id == chosen)
            updates.update(
                await offers.new_offer(
                    dispatcher,
                    tracker,
                    target.kind,
                    None,
                    moving_id=chosen,
                    note=texts.heading(target.kind, None, "move"),
                )
            )
            if updates.get("appt_note"):
                updates["appt_note"] = texts.moving(target.kind, target.slot.starts_at) + " " + updates["appt_note"]
        return updates

    # ---- which time --------------------------------------------------------

    async def _choose(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        text = clean(value)
        offered = offers.ids(tracker.get_slot("appt_offer"))
        who, kind, moving_id = await offers.booking_context(tracker)
        if who is None or kind is None:
            dispatcher.utter_message(text=texts.no_record())
            return {"appt_choice": None, "appt_outcome": "no_record"}
        slot_id = parse_slot_payload(text)
        if slot_id is None and (index := parse_choice(text, len(offered))) is not None:
            slot_id = offered[index]
        if slot_id is not None:
            if await run_db(service.slot_views, [slot_id]):
                return {"appt_choice": text[:80], "appt_slot": str(slot_id)}
            dispatcher.utter_message(text=texts.problem("slot_taken"))
            return {
                "appt_choice": None,
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
        today = formatting.local(service.now()).date()
        pref = parse_preference(text, today)
        if offers.MORE.search(text) and not pref.has_day and pref.at is None:
            return {
                "appt_choice": None,
                **await offers.new_offer(
                    dispatcher,
                    tracker,
                    kind,
                    tracker.get_slot("appt_pref"),
                    moving_id=moving_id,
                    exclude=set(offered),
                    note=say("appointments.some_other_times"),
                ),
            }
        if pref.understood:
            # A choice narrows what she asked before ("tuesday pls", then "10am"); it never restarts.
            so_far = tracker.get_slot("appt_pref") or ""
            wanted = narrow(parse_narrowed(so_far, today), pref)
            said = PREF_SEPARATOR.join([*so_far.split(PREF_SEPARATOR)[-3:], text[:200]]).strip()
            offer = await run_db(service.offer, who.referral_id, kind, wanted, moving_id=moving_id)
            if offer.slots and offer.exact and not offer.problem and len(offer.slots) == 1:
                return {"appt_choice": text[:80], "appt_slot": str(offer.slots[0].id), "appt_pref": said}
            updates = await offers.new_offer(
                dispatcher, tracker, kind, wanted, moving_id=moving_id, note=say("appointments.whats_free")
            )
            return {"appt_choice": None, "appt_pref": said, **updates}
        if tracker.get_slot("requested_slot") == "appt_choice":
            dispatcher.utter_message(text=say("appointments.choice_not_understood"))
        return {"appt_choice": None}

    async def validate_appt_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            return await self._choose(value, dispatcher, tracker)
        except Exception:
            logger.exception("appointments: choice failed")
            dispatcher.utter_message(text=say("appointments.unavailable"))
            return {"appt_choice": None, "appt_outcome": "error"}

    # ---- yes, then write ---------------------------------------------------

    async def validate_appt_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            return await confirm.confirm(value, dispatcher, tracker, self._choose)
        except Exception:
            logger.exception("appointments: change failed")
            dispatcher.utter_message(text=say("appointments.unavailable"))
            return {"appt_confirm": None, "appt_outcome": "error"}
