"""The metric reported next to the cost: accuracy for classification losses, R² otherwise.

The loss decides which (:attr:`chainrule.Loss.metric`, read off its ``task``);
the predictions are those of :meth:`chainrule.Loss.predict`, and the true
class is read off the labels by the same rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from chainrule.functions.losses import Loss

Array = NDArray[np.floating[Any]]


def metric_name(loss: Loss) -> str:
    """``"accuracy"`` for a loss whose labels are classes (bce, cce, hinge), else ``"r2"``."""
    return loss.metric


def _hits(loss: Loss, AL: Array, Y: Array) -> NDArray[np.bool_]:
    return np.asarray(loss.predict(AL) == loss.predict(Y))


def accuracy(loss: Loss, AL: Array, Y: Array) -> float:
    """The fraction of labels predicted right; Y is laid out like A[L] (prepared targets).

    The true class is read off Y as the prediction is off A[L]
    (:meth:`chainrule.Loss.predict`): multiclass compares class indices (the
    argmax of each column); binary compares each unit against the loss's
    threshold (y > 0.5 for bce's 0/1, y > 0 for hinge's ±1).
    """
    return float(np.mean(_hits(loss, AL, Y)))


def _residual(AL: Array, Y: Array) -> NDArray[np.float64]:
    return np.sum(np.square(Y - AL, dtype=np.float64), axis=1)


def _spread(Y: Array) -> NDArray[np.float64]:
    return np.sum(np.square(Y - Y.mean(axis=1, keepdims=True), dtype=np.float64), axis=1)


def _r2(residual: NDArray[np.float64], total: NDArray[np.float64]) -> float:
    scores = np.where(
        total > 0, 1 - residual / np.where(total > 0, total, 1), (residual == 0).astype(np.float64)
    )
    return float(np.mean(scores))


def r2(AL: Array, Y: Array) -> float:
    """R² = 1 − Σ(y − a)² / Σ(y − ȳ)² per output unit, averaged over the units.

    A unit whose labels are constant scores 1 when predicted exactly and 0
    otherwise (scikit-learn's convention).
    """
    return _r2(_residual(AL, Y), _spread(Y))


def score(loss: Loss, AL: Array, Y: Array) -> float:
    """The metric named by :func:`metric_name` for outputs A[L] and prepared labels Y."""
    return accuracy(loss, AL, Y) if metric_name(loss) == "accuracy" else r2(AL, Y)


class RunningScore:
    """The metric over the mini-batches of an epoch, each scored as it was trained on.

    Accuracy counts the hits of every batch; R² sums the residuals of every
    batch against the spread of all the training labels ``Y``. Over one full
    batch it equals :func:`score`.
    """

    def __init__(self, loss: Loss, Y: Array) -> None:
        self.loss = loss
        self.is_accuracy = metric_name(loss) == "accuracy"
        self.spread = None if self.is_accuracy else _spread(Y)
        self.hits, self.count = 0, 0
        self.residual = np.zeros(Y.shape[0])

    def add(self, AL: Array, Y: Array) -> None:
        """Score one batch's outputs A[L] against its labels."""
        if self.is_accuracy:
            hits = _hits(self.loss, AL, Y)
            self.hits += int(hits.sum())
            self.count += hits.size
        else:
            self.residual += _residual(AL, Y)

    def value(self) -> float:
        """The epoch's metric so far."""
        if self.spread is None:
            return self.hits / self.count
        return _r2(self.residual, self.spread)
