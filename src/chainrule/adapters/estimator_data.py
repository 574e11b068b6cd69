"""What the scikit-learn estimators check and lay out before a Network sees the data.

Rows in, Ng's layout inside: scikit-learn hands an estimator X of shape
(n_samples, n_features), one row per example, and y as a vector or an
(n_samples, n_outputs) matrix; the network works on columns, A[0] = X.T of
shape (n_x, m) and Y of shape (n_L, m). The helpers here validate the
hyperparameters and the targets and say what task y describes.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import _check_sample_weight

from chainrule.base.checks import check_layer_sizes, check_seed, is_integer

Array = NDArray[np.floating[Any]]

#: scikit-learn's name of each classification target type → its task in
#: :data:`chainrule.functions.pairs.TASK_PAIRS`.
CLASSIFICATION_TASKS: dict[str, str] = {
    "binary": "binary",
    "multiclass": "multiclass",
    "multilabel-indicator": "multilabel",
}

#: Largest seed drawn from random_state for the network's initialization and shuffling.
SEED_BOUND = 2**31 - 1


class Targets(NamedTuple):
    """What a task makes of y: Y (n_L, m), its task (a key of TASK_PAIRS), the labels to
    stratify a hold-out split by (None: none), and the fitted attributes it sets."""

    Y: Array
    task: str
    stratify: Any
    fitted: dict[str, Any]


def hidden_sizes(hidden_layer_sizes: Any) -> list[int]:
    """The hidden units n[1] … n[L−1]: one integer, or a sequence of positive integers."""
    sizes = (
        [hidden_layer_sizes]
        if isinstance(hidden_layer_sizes, numbers.Integral)
        else hidden_layer_sizes
    )
    return check_layer_sizes(sizes, "hidden_layer_sizes")


def batch_size_for(batch_size: Any, m: int) -> Any:
    """'auto' is min(200, m), as in scikit-learn's MLP; FitOptions checks any other value."""
    return min(200, m) if isinstance(batch_size, str) and batch_size == "auto" else batch_size


def random_state(value: Any) -> np.random.RandomState:
    """scikit-learn's random_state (None, a seed or a RandomState) as a RandomState; a seed
    is checked as every seed of chainrule is (:func:`~chainrule.base.checks.check_seed`)."""
    if is_integer(value):
        value = check_seed(value, "random_state")
    return check_random_state(value)


def sample_weights(sample_weight: Any, X: Array) -> Array | None:
    """sample_weight as an (m,) array of weights ≥ 0 with a positive sum, or None."""
    if sample_weight is None:
        return None
    weights: Array = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
    if not weights.sum() > 0:
        raise ValueError("sample_weight must have a positive sum, got all zeros")
    return weights


def classification_kind(labels: Any, name: str, estimator: str) -> str:
    """scikit-learn's target type of ``labels`` (y, or partial_fit's ``classes``), or a
    ValueError unless it is a classification task the estimator handles."""
    check_classification_targets(labels)
    kind = type_of_target(labels, input_name=name)
    if kind not in CLASSIFICATION_TASKS:
        raise ValueError(
            f"{estimator} handles binary, multiclass and multilabel-indicator targets; "
            f"{name} is {kind}"
        )
    return kind


def check_weighted_classes(y: Any, kind: str, weights: Array | None, estimator: str) -> None:
    """A ValueError when fewer than 2 classes of y have positive weight (fit only:
    partial_fit's ``classes`` already name them, and a stream's batch may hold one)."""
    if weights is None or kind == "multilabel-indicator":
        return
    weighted = np.unique(y[weights > 0])
    if weighted.size < 2:
        raise ValueError(
            f"only 1 class has positive sample_weight ({weighted.tolist()}); "
            f"{estimator} needs at least 2 classes"
        )


def check_known_labels(y: Any, kind: str, classes: NDArray[Any]) -> None:
    """A ValueError when y has labels (or indicator columns) outside ``classes``."""
    if kind == "multilabel-indicator":
        if y.shape[1] != len(classes):
            raise ValueError(f"y has {y.shape[1]} labels but the classifier knows {len(classes)}")
        return
    unknown = np.setdiff1d(unique_labels(y), classes)
    if unknown.size:
        raise ValueError(
            f"y contains labels {unknown.tolist()} that are not in classes_ {classes.tolist()}"
        )
