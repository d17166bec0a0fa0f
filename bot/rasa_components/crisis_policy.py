"""Policy: the triage answers come first, in any state of any conversation.

RulePolicy forces an active form's next step as a "no user prediction", which
outranks every ordinary prediction. This policy marks its own predictions the
same way and has a higher priority, so mid-form too:

    danger:   utter_crisis -> action_crisis_alert -> (the form's question) -> listen
    unsure:   utter_ask_safe_now -> listen
      then "No", "I can't talk", or unsure again: as danger; "Yes": utter_glad_safe -> (the form's question) -> listen
    distress with nothing else asked: (the form's question) -> listen

(The distress line itself goes out before this turn's actions, from
triage_turn.py, so that when she also asked something the ordinary policies
answer it.) utter_crisis is a plain response, so the numbers go out even when
the action server is down. Danger is read both from the intent (model +
CrisisNet) and from the pattern net again here, so removing either layer
keeps the other.
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

from rasa.shared.core.events import UserUttered

from bot.safety.crisis import CRISIS_INTENT, mentions_crisis
from bot.safety.triage import DISTRESS_INTENT, Grade, SafetyAnswer, grade_of, safety_answer

UTTER_CRISIS = "utter_crisis"
ACTION_CRISIS_ALERT = "action_crisis_alert"
UTTER_ASK_SAFE_NOW = "utter_ask_safe_now"
UTTER_GLAD_SAFE = "utter_glad_safe"
CRISIS_POLICY_PRIORITY = 7  # RulePolicy is 6


def _is_crisis_message(tracker: DialogueStateTracker) -> bool:
    message = tracker.latest_message
    if message is None:
        return False
    intent = (message.intent or {}).get("name")
    return intent == CRISIS_INTENT or mentions_crisis(message.text)


def answer_to_safety_check(tracker: DialogueStateTracker) -> Optional[SafetyAnswer]:
    """Her answer, if her latest message answers "Are you safe right now?"."""
    if _bot_action_before_user(tracker) != UTTER_ASK_SAFE_NOW or tracker.latest_message is None:
        return None
    message = tracker.latest_message
    if grade_of(message.parse_data) is Grade.UNSURE:
        return SafetyAnswer.UNSAFE  # it is asked once: fear again instead of "yes" is no
    return safety_answer(message.text, (message.intent or {}).get("name"))


def _bot_action_before_user(tracker: DialogueStateTracker) -> Optional[str]:
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name
    return None


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
        message = tracker.latest_message
        if message is None:
            return None
        answer = answer_to_safety_check(tracker)
        if answer is SafetyAnswer.UNSAFE or _is_crisis_message(tracker):
            return _sequence(tracker, domain, [UTTER_CRISIS, ACTION_CRISIS_ALERT], resume_form=True)
        if answer is SafetyAnswer.SAFE:
            return _sequence(tracker, domain, [UTTER_GLAD_SAFE], resume_form=True)
        grade = grade_of(message.parse_data)
        if grade is Grade.UNSURE:
            return _sequence(tracker, domain, [UTTER_ASK_SAFE_NOW], resume_form=False)
        if grade is Grade.DISTRESS and (message.intent or {}).get("name") == DISTRESS_INTENT:
            return _sequence(tracker, domain, [], resume_form=True)
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


def _sequence(tracker: DialogueStateTracker, domain: Domain, steps: List[str], resume_form: bool) -> Optional[str]:
    """The next of `steps` this turn, then the active form's question, then listen.

    Only the turn's own sequence counts: any other action already run means
    this is not a fresh turn for us."""
    done = [a for a in _actions_since_user(tracker) if a != "action_extract_slots"]
    if done != steps[: len(done)] and done[: len(steps)] != steps:
        return None
    if len(done) < len(steps):
        return steps[len(done)]
    form, slot = tracker.active_loop_name, tracker.get_slot(REQUESTED_SLOT)
    ask = ask_action_for(domain, form, slot) if resume_form and form and slot else None
    if len(done) == len(steps):
        return ask or ACTION_LISTEN_NAME
    if ask and len(done) == len(steps) + 1 and done[-1] == ask:
        return ACTION_LISTEN_NAME
    return None
