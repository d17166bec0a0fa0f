"""scikit-learn's multinomial logistic regression (L-BFGS), with the dense columns
multiplied by BLAS.

Each training row is a few hundred sparse counts beside the sentence vector's
384 dense numbers. Stored as one CSR matrix, as Rasa builds it, every step of
L-BFGS multiplies those dense numbers through scipy's sparse kernel (one
thread, one number at a time): most of the classifiers' training time. Here the
columns that are mostly non-zero are held as a dense array and multiplied by
BLAS, the others stay sparse.

Everything else is scikit-learn's own: the same loss object
(`LinearModelLoss` with `HalfMultinomialLoss`), class weights, start, optimizer
call and stopping rules as `LogisticRegression(solver="lbfgs").fit`. The sums
are only taken in another order, so the fit is the same up to rounding; a unit
test checks that against scikit-learn, and the coefficients come back as an
ordinary fitted `LogisticRegression`.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize
from scipy.sparse import csr_matrix
from sklearn._loss.loss import HalfMultinomialLoss
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._linear_loss import LinearModelLoss
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import compute_class_weight

# A column non-zero in at least this share of rows is multiplied as dense.
DENSE_SHARE = 0.5


class _SplitColumns:
    """X with its columns reordered as [sparse ones | dense ones]; offers what
    LinearModelLoss asks of X in the multinomial case: `shape`, `X @ W` and `G @ X`."""

    # Makes NumPy hand `ndarray @ self` to __rmatmul__.
    __array_ufunc__ = None

    def __init__(self, X: csr_matrix) -> None:
        share = X.getnnz(axis=0) / max(X.shape[0], 1)
        sparse_columns = np.flatnonzero(share < DENSE_SHARE)
        dense_columns = np.flatnonzero(share >= DENSE_SHARE)
        self.order = np.concatenate([sparse_columns, dense_columns])
        self.split = len(sparse_columns)
        self.sparse = X[:, sparse_columns].tocsr()
        self.sparse_t = self.sparse.T.tocsr()
        self.dense = np.ascontiguousarray(X[:, dense_columns].toarray())
        self.shape = X.shape

    def __matmul__(self, weights: np.ndarray) -> np.ndarray:
        return self.sparse @ weights[: self.split] + self.dense @ weights[self.split :]

    def __rmatmul__(self, rows: np.ndarray) -> np.ndarray:
        return np.hstack([(self.sparse_t @ rows.T).T, rows @ self.dense])


def fit_logistic(clf: LogisticRegression, X: csr_matrix, y) -> LogisticRegression:
    """Fit `clf` on (X, y) as clf.fit would; the split path for the case we use
    (lbfgs, l2, intercept, more than two classes, no warm start), clf.fit otherwise."""
    classes = np.unique(y)
    if (
        classes.size <= 2
        or clf.solver != "lbfgs"
        or clf.penalty != "l2"
        or not clf.fit_intercept
        or clf.warm_start
        or clf.multi_class not in ("auto", "multinomial")
    ):
        return clf.fit(X, y)
    X = csr_matrix(X, dtype=np.float64)
    encoder = LabelEncoder().fit(y)
    target = encoder.transform(y).astype(np.float64)
    sample_weight = np.ones(X.shape[0], np.float64)
    if clf.class_weight is not None:
        sample_weight *= compute_class_weight(clf.class_weight, classes=classes, y=y)[encoder.transform(y)]
    split = _SplitColumns(X)
    loss = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=classes.size), fit_intercept=True)
    start = np.zeros((classes.size, X.shape[1] + 1), order="F").ravel(order="F")
    result = optimize.minimize(
        loss.loss_gradient,
        start,
        method="L-BFGS-B",
        jac=True,
        args=(split, target, sample_weight, 1.0 / clf.C, 1),
        options={"iprint": -1, "gtol": clf.tol, "maxiter": clf.max_iter},
    )
    weights = result.x.reshape((classes.size, -1), order="F")
    coef = np.empty((classes.size, X.shape[1]))
    coef[:, split.order] = weights[:, :-1]
    clf.classes_ = classes
    clf.coef_ = coef
    clf.intercept_ = weights[:, -1].copy()
    clf.n_iter_ = np.array([min(result.nit, clf.max_iter)], dtype=np.int32)
    clf.n_features_in_ = X.shape[1]
    return clf
