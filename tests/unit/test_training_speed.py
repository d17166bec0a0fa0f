"""What makes a cold `rasa train` fast must not change what it learns (issue 23)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression

from bot.rasa_components.intent_classifier import fit_on_used_columns
from bot.rasa_components.sentence_featurizer import _at_most_per_label


def _data(rows: int = 120, used: int = 30, unused: int = 400, seed: int = 1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, rows)
    X = rng.poisson(0.3, (rows, used)).astype(float)
    X[:, :4] += np.eye(4)[y] * 2  # something to learn
    return hstack([csr_matrix(X), csr_matrix((rows, unused))]).tocsr(), y


def test_fitting_on_the_used_columns_is_the_same_fit():
    X, y = _data()
    full = LogisticRegression(max_iter=200, class_weight="balanced").fit(X, y)
    lean = LogisticRegression(max_iter=200, class_weight="balanced")
    fit_on_used_columns(lean, X, y)
    assert lean.coef_.shape == full.coef_.shape
    assert np.allclose(lean.coef_, full.coef_, atol=1e-6) and np.allclose(lean.intercept_, full.intercept_, atol=1e-6)
    assert not lean.coef_[:, 30:].any()  # the unused columns weigh nothing
    assert np.allclose(lean.predict_proba(X), full.predict_proba(X), atol=1e-6)


def test_at_most_so_many_examples_per_label_are_tuned_on():
    examples = [(f"crisis {i}", "crisis") for i in range(10)] + [("hi", "greet"), ("hello", "greet")]
    kept = _at_most_per_label(examples, 4, seed=0)
    assert sum(label == "crisis" for _, label in kept) == 4
    assert [e for e in kept if e[1] == "greet"] == examples[10:]  # a small label keeps all
    assert kept == [e for e in examples if e in kept]  # in their order
    assert kept == _at_most_per_label(examples, 4, seed=0)  # the same every training
    assert _at_most_per_label(examples, 0, seed=0) == examples


def test_the_sentence_matrix_is_the_one_rasa_builds():
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_components.intent_classifier import sentence_matrix

    rng = np.random.default_rng(3)
    messages = []
    for tokens in (1, 3, 5):
        m = Message(data={TEXT: "x " * tokens})
        for origin, width in (("regex", 2), ("words", 7), ("chars", 11)):
            m.add_features(Features(csr_matrix(rng.poisson(0.5, (tokens, width))), "sequence", TEXT, origin))
            m.add_features(Features(csr_matrix(rng.poisson(0.5, (1, width))), "sentence", TEXT, origin))
        m.add_features(Features(rng.normal(size=(1, 4)), "sentence", TEXT, "encoder"))
        m.add_features(Features(rng.normal(size=(1, 3)), "sentence", TEXT, "other dense"))
        messages.append(m)
    ours = sentence_matrix(messages)
    rasa = LogisticRegressionClassifier._create_X(None, messages)
    assert ours.shape == rasa.shape == (3, 2 + 7 + 11 + 4 + 3)
    assert np.array_equal(ours.toarray(), rasa.toarray())
