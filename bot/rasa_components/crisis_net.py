"""NLU component: the deterministic crisis net.

Runs last in the NLU pipeline (after FallbackClassifier), so a crisis message
is labelled `crisis` whatever the trained classifier or the fallback said.
The other way, it has one veto: a message of digits alone (a code, a phone
number, a choice from a list) that the net does not flag is never a crisis,
whatever the model guessed; it gets the model's best other intent.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety.crisis import CRISIS_INTENT, mentions_crisis, numbers_only

# Marks a message the net (not the model) labelled, for tests and reports.
NET_FLAG = "crisis_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisNet(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisNet":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not mentions_crisis(message.get(TEXT)):
                if numbers_only(message.get(TEXT)):
                    _not_crisis(message)
                continue
            current = message.get(INTENT) or {}
            if current.get(INTENT_NAME_KEY) == CRISIS_INTENT:
                continue
            verdict = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != CRISIS_INTENT]
            message.set(INTENT, verdict, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [verdict, *ranking], add_to_output=True)
            message.set(NET_FLAG, True, add_to_output=True)
        return messages


def _not_crisis(message: Message) -> None:
    current = message.get(INTENT) or {}
    if current.get(INTENT_NAME_KEY) != CRISIS_INTENT:
        return
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != CRISIS_INTENT]
    # Not held to the fallback threshold again: digits are answers (a code, a
    # number, a choice) that the forms read as text whatever the intent.
    best = ranking[0] if ranking else {INTENT_NAME_KEY: "inform", PREDICTED_CONFIDENCE_KEY: 0.0}
    message.set(INTENT, dict(best), add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
