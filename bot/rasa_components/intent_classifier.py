"""Rasa's LogisticRegressionClassifier, safe on blank messages.

The stock component raises on a message with no features (an empty text),
which loses the turn: she would get silence. Blank messages are left for
BlankMessageClassifier, which marks them 'not understood'.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if (m.get(TEXT) or "").strip()]
        if with_text:
            super().process(with_text)
        for message in messages:
            if message not in with_text:
                # No intent at all; FallbackClassifier then calls it not understood.
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
