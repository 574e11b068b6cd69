"""scikit-learn estimators around :class:`chainrule.Network`.

Rows in, Ng's layout inside: scikit-learn hands an estimator X of shape
(n_samples, n_features), one row per example; the network works on
A[0] = X.T of shape (n_x, m), one column per example. The conversion happens
once per call, as a transposed view of the validated array (no copy), and the
targets are laid out as Y of shape (n_L, m) once, before training::

    X (m, n_x)  ──validate_data──►  X.T (n_x, m)  ──Network──►  A[L] (n_L, m)  ──►  A[L].T

The task picks the output layer when ``output`` and ``loss`` are None (the
natural pair of :data:`chainrule.functions.pairs.TASK_PAIRS`: dZ[L] = c·(A[L] − Y),
fused from the logits):

====================  ==========  =========  ======  =================================
task                  output g    loss L     n_L     targets Y (n_L, m)
====================  ==========  =========  ======  =================================
binary                sigmoid     bce        1       the codes of classes_[1] vs [0]
multiclass            softmax     cce        K       one-hot columns
multilabel indicator  sigmoid     bce        K       the indicator matrix, transposed
regression            identity    mse        k       y.T (k outputs)
====================  ==========  =========  ======  =================================

partial_fit takes the task from its first call's ``classes``, as MLPClassifier
does: a first batch holding 2 of 3 classes is still multiclass.

Any other pair from the catalog can replace it (``output="tanh", loss="mse"``);
when only one of the two is given, the other is its natural partner if it has
one (``loss="poisson"`` gives ``exp``), else the task's. A pair whose outputs
leave the loss's domain (tanh with bce) is a ValueError in ``fit``.

Classes are coded 0/1 (hinge: −1/+1, the labels its margin is written for);
the decision threshold is the midpoint of the two codes, which is where bce
(0.5) and hinge (0) put it and what a regression loss on the codes implies.

Sample weights give the weighted cost J = Σᵢ wᵢ·Lᵢ / Σᵢ wᵢ on each mini-batch
and the L2 term (λ/2Σw)·Σ‖W[l]‖², so that on one full batch (``batch_size=None``)
an integer weight is a repeated row; see :class:`chainrule.training.options.FitOptions`.
A fit that ends before its cost settles warns with scikit-learn's ConvergenceWarning
(:func:`chainrule.adapters.estimator_base.settled`), as MLPClassifier does.

The shared hyperparameters and training are in
:mod:`chainrule.adapters.estimator_base`; the checks of the data and the
targets in :mod:`chainrule.adapters.estimator_data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import column_or_1d

from chainrule.adapters.estimator_base import NetworkEstimator
from chainrule.adapters.estimator_data import (
    CLASSIFICATION_TASKS,
    Array,
    Targets,
    check_known_labels,
    check_weighted_classes,
    classification_kind,
)
from chainrule.functions.activations import Activation
from chainrule.functions.losses import Loss
from chainrule.functions.pairs import TASK_PAIRS, complete_pair

__all__ = ["NetworkClassifier", "NetworkRegressor"]


# --- the estimators ------------------------------------------------------------------


def _has_probabilities(estimator: NetworkClassifier) -> bool:
    """True when A[L] are class probabilities: outputs that are probabilities (sigmoid,
    softmax: ``log_value``) trained on 0/1 codes (not hinge's ±1)."""
    g, L = estimator._output_pair()
    # A binary task reads log(1 − A) of its one unit too; softmax's K units need no complement.
    has_logs = g.log_value is not None and (g.log_complement is not None or not g.elementwise)
    return has_logs and L.class_labels == (0, 1)


class NetworkClassifier(ClassifierMixin, NetworkEstimator):
    """A chainrule Network as a scikit-learn classifier: binary, multiclass or multilabel.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        The units n[1] … n[L−1] of the hidden layers.
    activation : str, default="relu"
        The hidden layers' activation, from ``cr.activation``'s catalog.
    output, loss : str or None, default=None
        The output activation g[L] and the loss; None picks the natural pair
        for the task (see the module docstring).
    optimizer : str or optimizer object, default="adam"
        Given to :meth:`chainrule.Network.fit`; an object is copied, never changed.
    learning_rate : float or schedule, default=0.001
        α.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is min(200, m); m or more is one batch per epoch.
    epochs : int, default=200
        Passes over the training rows (scikit-learn's ``max_iter``).
    l2 : float, default=1e-4
        λ of the L2 term (λ/2m)·Σ‖W[l]‖² (scikit-learn's ``alpha``).
    keep_prob : float or sequence, default=1.0
        Inverted-dropout keep probability, one value or one per hidden layer.
    early_stopping : bool, default=False
        Hold out 10% of the rows and stop after 10 epochs without improvement.
    random_state : int, RandomState or None
        Seeds initialization, shuffling, dropout and the validation split.
    dtype : float32 or float64, default=np.float64
        The dtype of the parameters and of every computation.
    verbose : int, default=0
        Above 0, a progress bar on a terminal.
    class_weight : dict, "balanced" or None, default=None
        A weight per class label, multiplied into each row's ``sample_weight``,
        as in scikit-learn (``compute_sample_weight``): "balanced" weighs class c
        by m/(K·m_c); for multilabel targets a dict per output, or "balanced".

    Attributes
    ----------
    classes_ : ndarray
        The class labels (for multilabel targets, the output indices).
    network_ : chainrule.Network
        The trained network, in the course's (n_x, m) layout.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        The cost J after each epoch.
    n_features_in_, feature_names_in_ :
        As everywhere in scikit-learn.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NetworkClassifier((16,), epochs=50, learning_rate=0.01, random_state=0).fit(X, y)
    >>> clf.network_.layer_dims, clf.predict_proba(X[:1]).shape
    ([4, 16, 3], (1, 3))
    """

    def __init__(
        self,
        hidden_layer_sizes: int | Sequence[int] = (100,),
        activation: str | Activation = "relu",
        output: str | Activation | None = None,
        loss: str | Loss | None = None,
        optimizer: Any = "adam",
        learning_rate: Any = 0.001,
        batch_size: int | str = "auto",
        epochs: int = 200,
        l2: float = 1e-4,
        keep_prob: float | Sequence[float] = 1.0,
        early_stopping: bool = False,
        random_state: int | np.random.RandomState | None = None,
        dtype: Any = np.float64,
        verbose: int = 0,
        class_weight: dict[Any, float] | str | None = None,
    ) -> None:
        # scikit-learn reads the hyperparameters off __init__'s signature: the shared
        # ones are the base's, and class_weight is the classifier's own.
        super().__init__(
            hidden_layer_sizes, activation, output, loss, optimizer, learning_rate,
            batch_size, epochs, l2, keep_prob, early_stopping, random_state, dtype, verbose,
        )  # fmt: skip
        self.class_weight = class_weight

    def _example_weights(self, y: Any, sample_weight: Array | None) -> Array | None:
        if self.class_weight is None:
            return sample_weight
        by_class = compute_sample_weight(self.class_weight, y)
        return by_class if sample_weight is None else sample_weight * by_class

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Any:
        """Train a fresh network for ``epochs`` epochs on rows X (m, n_x) and labels y."""
        return self._fit(X, y, sample_weight, incremental=False)

    def partial_fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        classes: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> Any:
        """One more epoch over (X, y), keeping the parameters and the optimizer's state.

        ``classes`` (every label that will ever appear) is required on the first call
        and sets the task (binary or multiclass) and the output layer; a batch may then
        hold any of them, one class included.
        """
        fitted = hasattr(self, "network_")
        if classes is None and not fitted:
            raise ValueError("classes must be passed on the first call to partial_fit")
        if (
            classes is not None
            and fitted
            and not np.array_equal(unique_labels(classes), self.classes_)
        ):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} differs from the first call's "
                f"{self.classes_.tolist()}; partial_fit keeps the classes it started with"
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _targets(
        self, y: Any, weights: Array | None, first: bool, classes: Any, dtype: np.dtype[Any]
    ) -> Targets:
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        kind = classification_kind(y, "y", type(self).__name__)
        binarizer = self._new_binarizer(y, kind, classes) if first else self._binarizer
        check_known_labels(y, kind, binarizer.classes_)
        if first and classes is None:  # fit; partial_fit always has classes on its first call
            check_weighted_classes(y, kind, weights, type(self).__name__)
        task = binarizer.y_type_  # from classes, not from this batch
        return Targets(
            binarizer.transform(y).T.astype(dtype, copy=False),
            CLASSIFICATION_TASKS[task],
            y if task != "multilabel-indicator" else None,
            {"_binarizer": binarizer, "classes_": binarizer.classes_},
        )

    def _new_binarizer(self, y: Any, kind: str, classes: Any) -> LabelBinarizer:
        """The labels' coding: 0/1, or −1/+1 for hinge (the labels its margin is written for).

        fit codes the classes in y. partial_fit codes ``classes``, every class that will
        ever appear, and they set the task: a first batch of 2 of 3 classes is still
        multiclass (as in MLPClassifier). Multilabel y names its classes by its columns.
        """
        by_classes = classes is not None and kind != "multilabel-indicator"
        labels, name = (classes, "classes") if by_classes else (y, "y")
        kind = classification_kind(labels, name, type(self).__name__)
        _, L = complete_pair(self.output, self.loss, TASK_PAIRS[CLASSIFICATION_TASKS[kind]])
        negative, positive = L.class_labels
        binarizer = LabelBinarizer(neg_label=int(negative), pos_label=int(positive))
        binarizer.fit(labels)
        if len(binarizer.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in {name}, got 1 class: "
                f"{binarizer.classes_.tolist()}"
            )
        return binarizer

    def _output_pair(self) -> tuple[Activation, Loss]:
        """The fitted network's output pair; before fit, the one fit would choose."""
        if hasattr(self, "network_"):
            return self.network_.activations[-1], self.network_.loss
        return complete_pair(self.output, self.loss, TASK_PAIRS["binary"])

    def _threshold(self) -> float:
        """The midpoint of the codes: where a score switches class."""
        return (self._binarizer.neg_label + self._binarizer.pos_label) / 2

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Labels: argmax over the outputs (multiclass), else each output against the
        midpoint of the codes (0.5 for 0/1, 0 for hinge's ±1)."""
        AL, _ = self._output(X)
        return self._binarizer.inverse_transform(AL.T, threshold=self._threshold())

    def decision_function(self, X: ArrayLike) -> Array:
        """Scores whose sign (binary, multilabel) or argmax (multiclass) gives the class:
        A[L] minus the threshold, (m,) for binary tasks, (m, n_L) otherwise."""
        AL, _ = self._output(X)
        if self._binarizer.y_type_ == "multiclass":
            return AL.T
        scores = AL.T - AL.dtype.type(self._threshold())
        return scores.ravel() if scores.shape[1] == 1 else scores

    @available_if(_has_probabilities)
    def predict_log_proba(self, X: ArrayLike) -> Array:
        """log P(class | x), (m, K), from the logits Z[L]: log σ(z) = −log(1 + e^−z),
        log softmax(z); sigmoid outputs over K classes are normalized (one-vs-rest)."""
        _, ZL = self._output(X)
        g = self.network_.activations[-1]
        log_A = g.log_value(ZL)  # type: ignore[misc]  # set: _has_probabilities
        if self._binarizer.y_type_ == "binary" and g.log_complement is not None:
            return np.vstack([g.log_complement(ZL), log_A]).T
        if self._binarizer.y_type_ == "multiclass" and not g.gives_distribution:
            log_A = log_A - logsumexp(log_A, axis=0, keepdims=True)
        return log_A.T

    @available_if(_has_probabilities)
    def predict_proba(self, X: ArrayLike) -> Array:
        """P(class | x), (m, K): exp of :meth:`predict_log_proba` (multilabel: P(label_k))."""
        return np.exp(self.predict_log_proba(X))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class NetworkRegressor(RegressorMixin, NetworkEstimator):
    """A chainrule Network as a scikit-learn regressor, one output or several.

    Parameters are those of :class:`NetworkClassifier`; the natural pair is
    identity + mse, or exp + poisson with ``loss="poisson"`` (y ≥ 0).

    Attributes
    ----------
    network_, n_iter_, loss_curve_, n_features_in_, feature_names_in_ :
        As in :class:`NetworkClassifier`.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = NetworkRegressor((8,), epochs=5, random_state=0).fit(X, y / 100)
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Any:
        """Train a fresh network for ``epochs`` epochs on rows X (m, n_x) and targets y."""
        return self._fit(X, y, sample_weight, incremental=False)

    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> Any:
        """One more epoch over (X, y), keeping the parameters and the optimizer's state."""
        return self._fit(X, y, sample_weight, incremental=True)

    def _targets(
        self, y: Any, weights: Array | None, first: bool, classes: Any, dtype: np.dtype[Any]
    ) -> Targets:
        Y = np.asarray(y).reshape(len(y), -1).T.astype(dtype, copy=False)
        return Targets(Y, "regression", None, {})

    def predict(self, X: ArrayLike) -> Array:
        """A[L].T: (m,) for one output, (m, k) for k outputs."""
        AL, _ = self._output(X)
        return AL[0] if AL.shape[0] == 1 else AL.T

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
