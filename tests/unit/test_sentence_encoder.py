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
    assert data.training_examples[1].features == []
