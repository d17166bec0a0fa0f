"""The shape of an NLU component that is sure of some messages' intent by rule (a blank
message, her reference, one of our reply words): whatever the model guessed, the
message is that intent, with confidence 1 and nothing else in the ranking."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


class SureIntentClassifier(GraphComponent, IntentClassifier):
    """Subclasses say `intent_of(text)`: the intent the rule is sure of, or None to leave the model's."""

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
    ) -> SureIntentClassifier:
        return cls()

    def intent_of(self, text: str) -> Optional[str]:
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = self.intent_of(message.get(TEXT) or "")
            if intent:
                verdict = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, verdict, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [verdict], add_to_output=True)
        return messages
