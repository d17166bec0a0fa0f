"""Policy: "po polsku" / "English please" is answered at any point, forms included.

language_turn.py has already set the language and marked the message
`switch_language`; this answers it (utter_language_switched, in the new
language) and then asks the active form's question again, as CrisisPolicy
does after "I'm safe". Its priority is below CrisisPolicy's: danger first.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_components.crisis_policy import CRISIS_POLICY_PRIORITY, turn_sequence
from bot.rasa_components.language_turn import SWITCH_INTENT
from bot.rasa_components.turn_policy import TurnPolicy

UTTER_SWITCHED = "utter_language_switched"
LANGUAGE_POLICY_PRIORITY = CRISIS_POLICY_PRIORITY - 1  # above RulePolicy's forms, below danger


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class LanguagePolicy(TurnPolicy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": LANGUAGE_POLICY_PRIORITY}

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
        message = tracker.latest_message
        if message is None or (message.intent or {}).get("name") != SWITCH_INTENT:
            return None
        return turn_sequence(tracker, domain, [UTTER_SWITCHED], resume_form=True)
