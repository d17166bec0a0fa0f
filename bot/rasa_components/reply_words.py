"""NLU component: a message that is only one of our reply words, in any of our
languages ("TAK", "ZMIEŃ", "SCHIMB", "DAHA"), is the intent it stands for,
whatever the model guessed: confirm -> affirm, change -> change_field,
more -> more_options. Our texts tell her to send these words
(bot/wording/<code>/_language.yml reply_words); a reply the model has seen
little of must still do what the text said. DELETE is read by the data-rights
form itself (actions/data_rights/actions.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.wording.languages import reply_word_kind

INTENT_OF = {"confirm": "affirm", "change": "change_field", "more": "more_options"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ReplyWordClassifier(GraphComponent, IntentClassifier):
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
    ) -> ReplyWordClassifier:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = INTENT_OF.get(reply_word_kind(message.get(TEXT) or "") or "")
            if intent:
                verdict = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, verdict, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [verdict], add_to_output=True)
        return messages
