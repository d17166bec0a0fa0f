"""The NumPy MiniLM encoder gives sentence vectors that carry meaning."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_encoder import DIMENSIONS, MAX_TOKENS, SentenceEncoder, model_dir, shared_encoder


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return shared_encoder()


def test_the_weights_come_from_the_installed_package_not_the_network():
    folder = model_dir()
    assert (folder / "model.safetensors").stat().st_size > 80_000_000
    assert (folder / "tokenizer.json").exists()


def test_vectors_are_unit_length_and_repeatable(encoder):
    a = encoder.encode("can I move my appointment to friday")
    assert a.shape == (DIMENSIONS,) and a.dtype == np.float32
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert np.array_equal(a, encoder.encode("can I move my appointment to friday"))


def test_same_meaning_in_other_words_is_closer_than_another_topic(encoder):
    hit = encoder.encode("my fella knocks me about")
    abuse = encoder.encode("my partner hits me")
    booking = encoder.encode("can I change my appointment time")
    move = encoder.encode("I need to rearrange my appointment")
    # Measured: 0.52 and 0.59 within a topic, -0.04 to 0.08 across.
    for same in (hit @ abuse, booking @ move):
        assert same > 0.4
    for across in (hit @ booking, hit @ move, abuse @ booking, abuse @ move):
        assert across < 0.15


def test_long_pastes_and_blank_or_odd_text_still_give_a_vector(encoder):
    assert len(encoder.token_ids("help " * 2000)) == MAX_TOKENS
    for text in ("", "   ", "😀😀", "<script>alert(1)</script>", "'; DROP TABLE referral;--", "\x00\x07"):
        vector = encoder.encode(text)
        assert vector.shape == (DIMENSIONS,) and np.isfinite(vector).all()


def test_the_featurizer_adds_one_scaled_sentence_feature():
    from bot.rasa_components.sentence_featurizer import SentenceEncoderFeaturizer

    featurizer = SentenceEncoderFeaturizer({**SentenceEncoderFeaturizer.get_default_config(), "scale": 5.0}, "enc")
    message = Message(data={TEXT: "I want to refer myself"})
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, DIMENSIONS)
    assert abs(float(np.linalg.norm(sentence.features)) - 5.0) < 1e-3
    # Training examples too; a message with no text (a response, an action) is left alone.
    data = TrainingData([Message(data={TEXT: "hiya"}), Message(data={"action_name": "utter_greet"})])
    featurizer.process_training_data(data)
    assert data.training_examples[0].get_dense_features(TEXT)[1] is not None
    # Training featurizes with TensorFlow, answering with NumPy: the same vector.
    answered = Message(data={TEXT: "hiya"})
    featurizer.process([answered])
    assert np.allclose(
        data.training_examples[0].get_dense_features(TEXT)[1].features,
        answered.get_dense_features(TEXT)[1].features,
        atol=1e-5,
    )
    assert data.training_examples[1].features == []


# Fine-tuning on our intents (bot/nlu/encoder_tuning.py). TensorFlow computes
# the gradients; the tuned weights then run in the NumPy forward pass.

_TEXTS = [
    "can I move my appointment",
    "I need to rearrange my appointment",
    "change my appointment to friday",
    "can we do another day",
    "cancel my appointment",
    "I won't need the appointment",
    "scrap my booking",
    "please cancel it",
]
_LABELS = ["reschedule"] * 4 + ["cancel"] * 4


def test_the_tensorflow_forward_pass_is_the_numpy_one(encoder):
    from bot.nlu.encoder_tuning import encode

    texts = ["hiya", "can I move my appointment to friday please", "😀", "he hit me"]
    assert np.allclose(encode(texts), encoder.encode_batch(texts), atol=1e-4)


@pytest.fixture(scope="module")
def tuned():
    from bot.nlu.encoder_tuning import fine_tune, tuned_tensor_names

    tensors = fine_tune(_TEXTS, _LABELS, epochs=4, learning_rate=1e-4, batch_size=4)
    assert sorted(tensors) == sorted(tuned_tensor_names())
    return tensors


def _separation(enc: SentenceEncoder) -> float:
    v = enc.encode_batch(_TEXTS)
    sims = v @ v.T
    same = np.array([[a == b for b in _LABELS] for a in _LABELS])
    off_diagonal = ~np.eye(len(_TEXTS), dtype=bool)
    return float(sims[same & off_diagonal].mean() - sims[~same].mean())


def test_fine_tuning_pulls_an_intent_together_and_pushes_others_apart(encoder, tuned):
    before = _separation(encoder)
    after = _separation(SentenceEncoder(tuned=tuned))
    assert after > before + 0.05, (before, after)


def test_tuning_only_the_top_layers_runs_the_frozen_ones_once_and_still_separates(encoder):
    from bot.nlu.encoder_tuning import fine_tune, tuned_tensor_names

    tensors = fine_tune(_TEXTS, _LABELS, epochs=4, learning_rate=1e-4, batch_size=4, layers=2)
    assert sorted(tensors) == sorted(tuned_tensor_names(2))
    assert {name.split(".")[2] for name in tensors} == {"4", "5"}  # the embeddings and layers 0-3 stay pretrained
    assert _separation(SentenceEncoder(tuned=tensors)) > _separation(encoder) + 0.05
    with pytest.raises(ValueError, match="1 to 6 layers"):
        fine_tune(_TEXTS, _LABELS, epochs=1, learning_rate=1e-4, layers=0)


def test_tuned_tensors_are_stored_as_float16_exactly(tuned):
    for value in tuned.values():
        assert value.dtype == np.float32
        assert np.array_equal(value.astype(np.float16).astype(np.float32), value)


def test_a_tensor_that_does_not_fit_is_refused(tuned):
    name = "encoder.layer.0.output.dense.bias"
    with pytest.raises(ValueError, match="does not fit"):
        SentenceEncoder(tuned={name: tuned[name][:10]})


def test_the_featurizer_stores_the_tuned_encoder_in_the_model(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.rasa_components.sentence_featurizer import SentenceEncoderFeaturizer

    config = {**SentenceEncoderFeaturizer.get_default_config(), "fine_tune_epochs": 2, "fine_tune_learning_rate": 1e-4}
    storage, resource = LocalModelStorage(tmp_path), Resource("encoder")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = SentenceEncoderFeaturizer.create(config, storage, resource, context)
    data = TrainingData([Message(data={TEXT: t, "intent": i}) for t, i in zip(_TEXTS, _LABELS)])
    trained.train(data)
    loaded = SentenceEncoderFeaturizer.load(config, storage, resource, context)
    pretrained = shared_encoder().encode("cancel my appointment")
    vectors = []
    for featurizer in (trained, loaded):
        message = Message(data={TEXT: "cancel my appointment"})
        featurizer.process([message])
        vectors.append(message.get_dense_features(TEXT)[1].features[0] / 5.0)
    assert np.array_equal(vectors[0], vectors[1])  # answering uses what training used
    assert np.abs(vectors[0] - pretrained).max() > 1e-3  # and it is the tuned encoder


def test_with_no_fine_tuning_nothing_is_stored_and_the_pretrained_encoder_is_used(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.rasa_components.sentence_featurizer import SentenceEncoderFeaturizer

    config = SentenceEncoderFeaturizer.get_default_config()
    storage, resource = LocalModelStorage(tmp_path), Resource("encoder")
    context = ExecutionContext(GraphSchema({}), "test")
    SentenceEncoderFeaturizer.create(config, storage, resource, context).train(
        TrainingData([Message(data={TEXT: t, "intent": i}) for t, i in zip(_TEXTS, _LABELS)])
    )
    loaded = SentenceEncoderFeaturizer.load(config, storage, resource, context)
    message = Message(data={TEXT: "cancel my appointment"})
    loaded.process([message])
    assert np.allclose(
        message.get_dense_features(TEXT)[1].features[0] / 5.0,
        shared_encoder().encode("cancel my appointment"),
        atol=1e-6,
    )
