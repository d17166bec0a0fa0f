"""The split fit is scikit-learn's fit: same coefficients up to rounding."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from bot.rasa_components.split_fit import fit_logistic


def _rows(n: int, classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    counts = sp.random(n, 500, density=0.02, format="lil", random_state=seed)
    for i, label in enumerate(y):
        counts[i, label] = 1.0  # a count that tells the class
    dense = rng.normal(size=(n, 24)) * 0.3
    dense[np.arange(n), y] += 1.0
    return sp.hstack([counts.tocsr(), sp.csr_matrix(dense)], format="csr"), np.array([f"intent_{c}" for c in y])


def _clf(max_iter: int) -> LogisticRegression:
    return LogisticRegression(solver="lbfgs", max_iter=max_iter, class_weight="balanced", random_state=42)


@pytest.mark.parametrize("max_iter", [5, 200])
def test_the_split_fit_is_scikit_learns(max_iter):
    X, y = _rows(600, 6)
    ours, theirs = fit_logistic(_clf(max_iter), X, y), _clf(max_iter).fit(X, y)
    assert list(ours.classes_) == list(theirs.classes_)
    assert ours.n_iter_[0] == theirs.n_iter_[0]
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-9)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)


def test_two_classes_are_left_to_scikit_learn():
    X, y = _rows(200, 2)
    ours = fit_logistic(_clf(100), X, y)
    np.testing.assert_allclose(ours.coef_, _clf(100).fit(X, y).coef_)
    assert ours.coef_.shape == (1, X.shape[1])
