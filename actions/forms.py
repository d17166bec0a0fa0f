"""A form that never traps her: skip, go back, stop, change, ask a question.

Every answer is taken as text (domain mappings are `from_text`), so before the
per-slot `validate_<slot>` runs, this base class looks for commands and
side-questions. A real answer wins over the model's guess at an intent: "no"
to "are you 18 or over?" is an answer, not a request to stop.

Each feature's form sets its own slots through the hooks below.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions.common import latest_intent, latest_text
from actions.handoff import ask_for_person
from actions.knowledge import answer_question
from bot.conversation.answers import CONTROL_INTENTS, detect_control
from bot.db.models import AlertReason
from bot.knowledge import RETRIEVAL_INTENT
from bot.wording import say

SKIPPED = "skipped"
CONFIDENT = 0.8


class GuidedFormValidation(FormValidationAction):
    #: slot set when she stops, so `required_slots` ends the form
    outcome_slot: str
    #: slot holding her yes to the summary, cleared when she changes an answer
    confirm_slot: str | None = None
    #: slots whose answer is free text (any words parse), so a confident
    #: command intent wins over the text
    free_text_slots: frozenset[str] = frozenset()
    #: slots that cannot be skipped (a yes/no the form depends on)
    required_answers: frozenset[str] = frozenset()
    #: slot -> slots worked out from it, cleared with it
    derived: dict[str, tuple[str, ...]] = {}

    @abstractmethod
    def name(self) -> str:
        """Abstract, so rasa-sdk does not register this base class as an action."""

    def accepts(self, slot: str, text: str, intent: str | None) -> bool:
        """Would `text` be a valid answer for `slot`? Subclasses parse."""
        return False

    def field_to_change(self, text: str) -> str | None:
        """The earlier slot "change my ..." names, if the form has such slots."""
        return None

    def clear(self, *slots: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for slot in filter(None, slots):
            out[slot] = None
            for extra in self.derived.get(slot, ()):
                out[extra] = None
        return out

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested and requested in tracker.slots_to_validate():
            updates = await self.interruption(requested, dispatcher, tracker, domain)
            if updates is not None:
                events: list[EventType] = [SlotSet(k, v) for k, v in updates.items()]
                tracker.add_slots(events)
                next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
                return events + ([next_slot] if next_slot else [])
        return await super().run(dispatcher, tracker, domain)

    async def interruption(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any] | None:
        """Slot updates for a command or side-question, or None for a normal answer."""
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        command = detect_control(text)
        confident = confidence >= CONFIDENT
        if command is None and intent in CONTROL_INTENTS and confident:
            if slot in self.free_text_slots or not self.accepts(slot, text, intent):
                command = CONTROL_INTENTS[intent]
        if command == "stop":
            return {slot: None, self.outcome_slot: "stopped"}
        if command == "skip":
            if slot in self.required_answers:
                dispatcher.utter_message(text=say("core.form_needs_yes_no"))
                return {slot: None}
            return {**self.clear(slot), slot: SKIPPED}
        if command == "back":
            order = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
            index = order.index(slot) if slot in order else 0
            previous = order[index - 1] if index > 0 else None
            if previous is None:
                dispatcher.utter_message(text=say("core.form_first_question"))
                return {slot: None}
            dispatcher.utter_message(text=say("core.form_going_back"))
            return {**self.clear(previous), slot: None}
        if command == "change":
            target = self.field_to_change(text)
            if target and target != slot:
                dispatcher.utter_message(text=say("core.form_change_that"))
                return {**self.clear(target, self.confirm_slot), slot: None}
            return None  # the slot's own validator reads "change" (e.g. at the summary)
        if self.accepts(slot, text, intent):
            return None
        if confident and intent == RETRIEVAL_INTENT:
            # A question about the service: answered, then her question is asked again.
            await answer_question(dispatcher, tracker, in_form=True)
            return {slot: None}
        if confident and intent == "human_handoff":
            await ask_for_person(dispatcher, tracker, AlertReason.HUMAN_REQUESTED)
            dispatcher.utter_message(text=say("core.form_carry_on"))
            return {slot: None}
        return None
