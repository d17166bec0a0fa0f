"""The referral form: which questions she is asked and when, the SMS number
offer, and an earlier answer corrected mid-form. Each answer is checked in
answer_checks.py.
"""

from __future__ import annotations

import inspect
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, latest_text
from actions.forms import CONFIDENT, SKIPPED, GuidedFormValidation
from actions.referral.answer_checks import ReferralAnswerChecks, texting_number
from bot.conversation import answers, contact
from bot.dates import today_london
from bot.geo.gazetteer import find_uk_place
from bot.geo.postcodes import resolve_location
from bot.referrals import corrections, parsing
from bot.wording import buttons, say

OUTCOMES_THAT_END = {"stopped", "declined", "under18"}
# On SMS, "Can we use this number?" is asked while this slot is requested: the
# domain has no utter_ask_phone_e164, so the form adds no question of its own
# (the validator sends the offer), and her reply fills no slot by itself. The
# number is stored only once she says yes.
OFFER_SLOT = "phone_e164"
# The answers she can correct with their new value, and what she hears when one is changed.
CHANGED = {
    "preferred_name": "referral.changed_name",
    "location": "referral.changed_area",
    "phone": "referral.changed_mobile",
    "contact_safety": "referral.changed_contact",
    "safe_times": "referral.changed_safe_times",
    "pathway": "referral.changed_pathway",
    "caution_details": "referral.changed_police_details",
    "needs": "referral.changed_needs",
}
CORRECTABLE = tuple(CHANGED)


class ValidateReferralForm(ReferralAnswerChecks, GuidedFormValidation):
    outcome_slot = "referral_outcome"
    confirm_slot = "referral_confirmed"
    free_text_slots = frozenset({"preferred_name", "safe_times"})
    required_answers = frozenset({"consent", "age_ok", "referral_confirmed"})
    derived = {
        "location": ("postcode", "outcode", "borough", "in_coverage"),
        "phone": ("phone_e164",),
        "contact_safety": ("safe_to_text", "safe_to_call", "safe_times"),
        "pathway": ("caution_details", "caution_date", "police_reference"),
        "caution_details": ("caution_date", "police_reference"),
        "needs": ("need_list",),
    }

    def name(self) -> str:
        return "validate_referral_form"

    def field_to_change(self, text: str) -> str | None:
        return corrections.field_to_change(text)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("referral_outcome") in OUTCOMES_THAT_END:
            return []
        slots = list(domain_slots)
        no_number = tracker.get_slot("phone") == SKIPPED
        if no_number:
            slots = [s for s in slots if s not in ("contact_safety", "safe_times")]
        contact_answer = tracker.get_slot("contact_safety")
        if contact_answer == SKIPPED or (
            tracker.get_slot("safe_to_text") is False and tracker.get_slot("safe_to_call") is False
        ):
            slots = [s for s in slots if s != "safe_times"]
        if tracker.get_slot("pathway") != "police_caution":
            slots = [s for s in slots if s != "caution_details"]
        return slots

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        # Always named here (not left to Rasa), so the SMS offer can stand in for "phone".
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = next((slot for slot in required if tracker.slots.get(slot) is None), None)
        if missing == "phone" and tracker.get_slot(REQUESTED_SLOT) != "phone":
            number = texting_number(tracker)
            if number:
                dispatcher.utter_message(
                    text=say("referral.phone_offer", last_digits=number[-3:]), buttons=buttons("referral.phone_offer")
                )
                return SlotSet(REQUESTED_SLOT, OFFER_SLOT)
        return SlotSet(REQUESTED_SLOT, missing)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if tracker.get_slot(REQUESTED_SLOT) == OFFER_SLOT and tracker.active_loop.get("name") == "referral_form":
            updates, ask = await self.answer_offer(dispatcher, tracker, domain)
            events: list[EventType] = [SlotSet(k, v) for k, v in updates.items()]
            tracker.add_slots(events)
            # Rasa rejects a form turn that sets no slot, so "phone" is always among them.
            next_slot = (
                SlotSet(REQUESTED_SLOT, ask) if ask else await self.next_requested_slot(dispatcher, tracker, domain)
            )
            return events + ([next_slot] if next_slot else [])
        return await super().run(dispatcher, tracker, domain)

    async def answer_offer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> tuple[dict[str, Any], str | None]:
        """Her reply to "Can we use this number?": (slot updates, slot to ask next or None)."""
        text = latest_text(tracker)
        number = texting_number(tracker)
        if answers.detect_control(text) is None:
            typed = contact.normalise_mobile(text)
            if typed:
                return {"phone": typed, "phone_e164": typed}, None
            if number and (contact.says_this_number(text) or answers.parse_yes_no(text, latest_intent(tracker)[0])):
                return {"phone": number, "phone_e164": number}, None
            if contact.says_another_number(text) or answers.parse_yes_no(text, latest_intent(tracker)[0]) is False:
                return {"phone": None, "phone_e164": None}, "phone"  # utter_ask_phone: "What mobile number...?"
        updates = await self.interruption("phone", dispatcher, tracker, domain)
        if updates is not None:
            return {"phone": None, "phone_e164": None, **updates}, None
        if contact.looks_like_landline(text):
            dispatcher.utter_message(text=say("referral.phone_offer_landline"))
        else:
            dispatcher.utter_message(text=say("referral.phone_offer_not_understood"))
        return {"phone": None, "phone_e164": None}, None

    async def interruption(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any] | None:
        fixed = await self.correction(slot, dispatcher, tracker, domain)
        if fixed is not None:
            return fixed
        return await super().interruption(slot, dispatcher, tracker, domain)

    async def correction(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any] | None:
        """An earlier answer corrected with its new value in the same message.

        "oh wait the number is wrong, it's 07700900432" at the summary sets
        the number and shows the summary again, instead of asking for it.
        Mid-form it needs a word of correction ("wrong", "change", "actually")
        and the field must have been answered; then her current question is
        asked again.
        """
        text = latest_text(tracker)
        target = corrections.field_to_change(text)
        if target is None or target == slot or target not in CORRECTABLE:
            return None
        at_summary = slot == "referral_confirmed"
        if not at_summary:
            intent, confidence = latest_intent(tracker)
            changing = corrections.says_correction(text) or (intent == "change_field" and confidence >= CONFIDENT)
            if not changing or tracker.get_slot(target) is None:
                return None
        candidates = [corrections.correction_value(text, target)]
        if target in ("phone", "location", "contact_safety", "needs") and not answers.detect_control(text):
            candidates.append(text)  # "texts only please", "07700 900432 is my new number"
        value = next((c for c in candidates if c and self.accepts(target, c, None)), None)
        if value is None:
            return None
        if target == "phone" and not contact.normalise_mobile(value):
            return None  # "he checks my phone" is not "use this number"
        if target == "pathway" and parsing.pathway_value(value) == tracker.get_slot("pathway"):
            return None  # nothing new: the usual handling
        validator = getattr(self, f"validate_{target}")
        result = validator(value, dispatcher, tracker, domain)
        if inspect.isawaitable(result):
            result = await result
        if result.get(target) is None:
            return {**result, slot: None}  # the validator said why; her field is asked next
        updates = {**self.clear(target), **result}
        kept_times = tracker.get_slot("safe_times")
        if target == "contact_safety" and kept_times and (result.get("safe_to_text") or result.get("safe_to_call")):
            updates["safe_times"] = kept_times  # still true for the new way of reaching her
        dispatcher.utter_message(text=say(CHANGED[target]))
        return {**updates, slot: None}

    def accepts(self, slot: str, text: str, intent: str | None) -> bool:
        if slot == "consent" and parsing.stated_age(text):
            return True
        if slot in ("consent", "referral_confirmed"):
            return answers.parse_yes_no(text, intent) is not None
        if slot == "age_ok":
            return parsing.parse_age(text, intent) is not None
        if slot == "preferred_name":
            return parsing.parse_name(text) is not None
        if slot == "location":
            return resolve_location(text).kind not in ("none",) or find_uk_place(text) is not None
        if slot == "phone":
            return contact.normalise_mobile(text) is not None or contact.says_this_number(text)
        if slot == "contact_safety":
            return parsing.parse_contact_safety(text, intent) is not None
        if slot == "safe_times":
            return parsing.parse_safe_times(text) is not None
        if slot == "pathway":
            return parsing.pathway_value(text, intent) is not None
        if slot == "caution_details":
            return parsing.parse_caution_details(text, today_london()) is not None
        if slot == "needs":
            return parsing.parse_needs(text) is not None
        return False
