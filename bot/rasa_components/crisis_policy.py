"""Policy: the crisis answer comes first, in any state of any conversation.

RulePolicy forces an active form's next step as a "no user prediction", which
outranks every ordinary prediction. This policy marks its own predictions the
same way and has a higher priority, so a crisis message mid-form gets:

    utter_crisis -> action_crisis_alert -> (the form's current question) -> listen

utter_crisis is a plain response, so the numbers go out even when the action
server is down. The message is checked both by its intent (model + CrisisNet)
and by the pattern net again here, so removing either layer keeps the other.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.events import ActionExecuted

from bot.safety.crisis import CRISIS_INTENT, mentions_crisis

UTTER_CRISIS = "utter_crisis"
ACTION_CRISIS_ALERT = "action_crisis_alert"
CRISIS_POLICY_PRIORITY = 7  # RulePolicy is 6


def _is_crisis_message(tracker: DialogueStateTracker) -> bool:
    message = tracker.latest_message
    if message is None:
        return False
    intent = (message.intent or {}).get("name")
    return intent == CRISIS_INTENT or mentions_crisis(message.text)


def ask_action_for(domain: Domain, form: str, slot: str) -> Optional[str]:
    """The action a form uses to ask for `slot`, in Rasa's own lookup order."""
    for name in (
        f"action_ask_{form}_{slot}",
        f"action_ask_{slot}",
        f"utter_ask_{form}_{slot}",
        f"utter_ask_{slot}",
    ):
        if name in domain.action_names_or_texts:
            return name
    return None


def _actions_since_user(tracker: DialogueStateTracker) -> List[str]:
    names: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            if event.action_name == ACTION_LISTEN_NAME:
                break
            names.append(event.action_name)
    return list(reversed(names))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class CrisisPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": CRISIS_POLICY_PRIORITY}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CrisisPolicy":
        return cls(config, model_storage, resource, execution_context)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
        if not _is_crisis_message(tracker):
            return None
        done = _actions_since_user(tracker)
        # Only act on the turn's own sequence; anything else already ran means
        # the crisis reply was given (or this is not a fresh user turn).
        if not done or done == ["action_extract_slots"]:
            return UTTER_CRISIS
        tail = [a for a in done if a != "action_extract_slots"]
        if tail == [UTTER_CRISIS]:
            return ACTION_CRISIS_ALERT
        if tail == [UTTER_CRISIS, ACTION_CRISIS_ALERT]:
            form, slot = tracker.active_loop_name, tracker.get_slot(REQUESTED_SLOT)
            ask = ask_action_for(domain, form, slot) if form and slot else None
            return ask or ACTION_LISTEN_NAME
        if len(tail) == 3 and tail[:2] == [UTTER_CRISIS, ACTION_CRISIS_ALERT]:
            return ACTION_LISTEN_NAME
        return None

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        action = self.next_action(tracker, domain)
        if action is None:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)
