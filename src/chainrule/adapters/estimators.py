"""scikit-learn estimators around :class:`chainrule.Network`.

Rows in, Ng's layout inside: scikit-learn hands an estimator X of shape
(n_samples, n_features), one row per example; the network works on
A[0] = X.T of shape (n_x, m), one column per example. The conversion happens
once per call, as a transposed view of the validated array (no copy), and the
targets are laid out as Y of shape (n_L, m) once, before training::

    X (m, n_x)  ──validate_data──►  X.T (n_x, m)  ──Network──►  A[L] (n_L, m)  ──►  A[L].T

The task picks the output layer when ``output`` and ``loss`` are None (the
natural pair: dZ[L] = c·(A[L] − Y), fused from the logits):

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
(the L2 term is unchanged); see :meth:`chainrule.Network.fit`.
"""

from __future__ import annotations

import copy
import numbers
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from chainrule.base.checks import is_integer
from chainrule.functions.activations import CATALOG as ACTIVATIONS
from chainrule.functions.activations import Activation
from chainrule.functions.activations import activation as lookup_activation
from chainrule.functions.losses import CATALOG as LOSSES
from chainrule.functions.losses import Loss
from chainrule.functions.losses import loss as lookup_loss
from chainrule.functions.pairs import choose_route, complete_pair
from chainrule.tools.network import Network

Array = NDArray[np.floating[Any]]

#: The share of the training rows held out when early_stopping=True, and the
#: epochs without improvement of the validation cost it waits for (scikit-learn's
#: MLP defaults).
VALIDATION_FRACTION = 0.1
PATIENCE = 10

#: Largest seed drawn from random_state for the network's initialization and shuffling.
_SEED_BOUND = 2**31 - 1


# --- hyperparameters -----------------------------------------------------------


def _hidden_sizes(hidden_layer_sizes: Any) -> list[int]:
    sizes = (
        [hidden_layer_sizes]
        if isinstance(hidden_layer_sizes, numbers.Integral)
        else list(hidden_layer_sizes)
    )
    if any(not is_integer(n) or n < 1 for n in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be positive integers, got {hidden_layer_sizes!r}"
        )
    return [int(n) for n in sizes]


def _batch_size(batch_size: Any, m: int) -> Any:
    """'auto' is min(200, m), as in scikit-learn's MLP; Network.fit checks any other value."""
    return min(200, m) if isinstance(batch_size, str) and batch_size == "auto" else batch_size


# --- pickling --------------------------------------------------------------------


def _by_name(function: Activation | Loss) -> tuple[str, dict[str, float]]:
    """The catalog name and settings that look ``function`` up again, or a TypeError."""
    try:
        if isinstance(function, Loss):
            return LOSSES.reference(function)
        return ACTIVATIONS.reference(function)
    except ValueError:
        raise TypeError(
            f"cannot pickle a network with the custom function {function.name!r}: only "
            "catalog activations and losses travel by name"
        ) from None


class _NetworkRecord:
    """A fitted Network as picklable data: catalog names stand for the function objects.

    Activations and losses hold functions, so a network travels by the names
    and settings that look them up again (scikit-learn's pickling convention;
    chainrule's own model files stay pickle-free, see ``cr.save``).
    """

    def __init__(self, network: Network) -> None:
        state = network.__getstate__()
        self.activations = [_by_name(g) for g in state.pop("activations")]
        self.loss = _by_name(state.pop("loss"))
        del state["output_pair"]  # rebuilt from the pair and ``fused``
        self.state = state

    def network(self) -> Network:
        network = object.__new__(Network)
        network.workspace = None  # records pickled before there was one lack it
        network.__dict__.update(self.state)
        network.activations = [lookup_activation(name, **kw) for name, kw in self.activations]
        network.loss = lookup_loss(self.loss[0], **self.loss[1])
        network.output_pair = choose_route(network.activations[-1], network.loss, network.fused)
        return network


# --- the shared estimator ---------------------------------------------------------


class _Targets(NamedTuple):
    """What a task makes of y: Y (n_L, m), its natural (output, loss), the labels to
    stratify a hold-out split by (None: none), and the fitted attributes it sets."""

    Y: Array
    natural_pair: tuple[str, str]
    stratify: Any
    fitted: dict[str, Any]


class _NetworkEstimator(BaseEstimator, metaclass=ABCMeta):
    """What the classifier and the regressor share: hyperparameters, training, pickling.

    A subclass says how its targets become Y (n_L, m) in ``_targets``.
    """

    # Set by fit (annotations only: an unfitted estimator has none of them).
    network_: Network
    loss_curve_: list[float]
    n_iter_: int
    _rng: np.random.RandomState
    _optimizer: Any

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
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.l2 = l2
        self.keep_prob = keep_prob
        self.early_stopping = early_stopping
        self.random_state = random_state
        self.dtype = dtype
        self.verbose = verbose

    @abstractmethod
    def _targets(
        self, y: Any, weights: Array | None, first: bool, classes: Any, dtype: np.dtype[Any]
    ) -> _Targets:
        """y validated and laid out for the network; ``first``: no network yet (a fit, or
        partial_fit's first call, with ``classes`` there)."""

    def _network_dtype(self) -> np.dtype[Any]:
        if hasattr(self, "network_"):
            return self.network_.dtype
        dtype = np.dtype(self.dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype!r}")
        return dtype

    def _fit(
        self, X: Any, y: Any, sample_weight: Any, incremental: bool, classes: Any = None
    ) -> _NetworkEstimator:
        """fit (a fresh network, ``epochs`` epochs) or partial_fit (one more epoch).

        The fitted attributes change only when training succeeds.
        """
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        first = not (incremental and hasattr(self, "network_"))
        if first:
            self.__dict__.pop("network_", None)
        dtype = self._network_dtype()
        X_rows, y = validate_data(
            self,
            X,
            y,
            reset=first,
            dtype=dtype,
            multi_output=True,
            y_numeric=isinstance(self, RegressorMixin),
        )
        weights = self._weights(sample_weight, X_rows)
        targets = self._targets(y, weights, first, classes, dtype)
        if not first:
            costs = self._train(self.network_, X_rows, targets.Y, weights, 1, None)
            self.loss_curve_ += costs
            self.n_iter_ += len(costs)
            return self
        self._rng = check_random_state(self.random_state)
        self._optimizer = (
            self.optimizer if isinstance(self.optimizer, str) else copy.deepcopy(self.optimizer)
        )
        network = self._build_network(
            X_rows.shape[1], targets.Y.shape[0], targets.natural_pair, dtype
        )
        epochs = 1 if incremental else self.epochs
        costs = self._train(network, X_rows, targets.Y, weights, epochs, targets.stratify)
        self.__dict__.update(targets.fitted)
        self.network_, self.loss_curve_, self.n_iter_ = network, costs, len(costs)
        return self

    def _build_network(
        self, n_x: int, n_L: int, default_pair: tuple[str, str], dtype: np.dtype[Any]
    ) -> Network:
        """A fresh Network [n_x, hidden…, n_L] with the chosen output pair, or a ValueError."""
        g, L = complete_pair(self.output, self.loss, default_pair)
        return Network(
            [n_x, *_hidden_sizes(self.hidden_layer_sizes), n_L],
            hidden=self.activation,
            output=g,
            loss=L,
            seed=int(self._rng.randint(_SEED_BOUND)),
            dtype=dtype,
        )

    def _train(
        self,
        network: Network,
        X: Array,
        Y: Array,
        sample_weight: Array | None,
        epochs: int,
        stratify: Any,
    ) -> list[float]:
        """Network.fit on A[0] = X.T (n_x, m) and Y (n_L, m); the epochs' costs.

        With early_stopping, 10% of the rows (stratified by class) are held out
        and training stops after 10 epochs without a better validation cost,
        keeping the best parameters.
        """
        options: dict[str, Any] = {}
        if self.early_stopping:
            train, held_out = train_test_split(
                np.arange(X.shape[0]),
                test_size=VALIDATION_FRACTION,
                random_state=self._rng,
                stratify=stratify,
            )
            options = {"validation": (X[held_out].T, Y[:, held_out]), "early_stopping": PATIENCE}
            X, Y = X[train], Y[:, train]
            sample_weight = None if sample_weight is None else sample_weight[train]
        history = network.fit(
            X.T,
            Y,
            epochs,
            self.learning_rate,
            optimizer=self._optimizer,
            batch_size=_batch_size(self.batch_size, X.shape[0]),
            l2=self.l2,
            keep_prob=self.keep_prob,
            verbose=self.verbose,
            seed=int(self._rng.randint(_SEED_BOUND)),
            sample_weight=sample_weight,
            **options,
        )
        return [float(cost) for cost in history]

    def _weights(self, sample_weight: Any, X: Array) -> Array | None:
        if sample_weight is None:
            return None
        weights: Array = _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )
        if not weights.sum() > 0:
            raise ValueError("sample_weight must have a positive sum, got all zeros")
        return weights

    def _output(self, X: Any) -> tuple[Array, Array]:
        """A[L] and Z[L], each (n_L, m), for rows X (m, n_x)."""
        check_is_fitted(self, "network_")
        X_rows = validate_data(self, X, reset=False, dtype=self.network_.dtype)
        AL, caches = self.network_.forward(X_rows.T)
        return AL, caches[-1].Z

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        if isinstance(state.get("network_"), Network):
            state = {**state, "network_": _NetworkRecord(state["network_"])}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        record = state.get("network_")
        if isinstance(record, _NetworkRecord):
            state = {**state, "network_": record.network()}
        super().__setstate__(state)


#: Each classification task's natural output pair (see the module docstring's table).
_TASK_PAIRS: dict[str, tuple[str, str]] = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cce"),
    "multilabel-indicator": ("sigmoid", "bce"),
}


def _task(labels: Any, name: str, estimator: str) -> str:
    """The task that ``labels`` (y, or partial_fit's ``classes``) describe, or a ValueError."""
    check_classification_targets(labels)
    kind = type_of_target(labels, input_name=name)
    if kind not in _TASK_PAIRS:
        raise ValueError(
            f"{estimator} handles binary, multiclass and multilabel-indicator targets; "
            f"{name} is {kind}"
        )
    return kind


def _check_weighted_classes(y: Any, kind: str, weights: Array | None, estimator: str) -> None:
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


def _check_known_labels(y: Any, kind: str, classes: NDArray[Any]) -> None:
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


# --- the estimators ------------------------------------------------------------------


def _has_probabilities(estimator: NetworkClassifier) -> bool:
    """True when A[L] are class probabilities: outputs that are probabilities (sigmoid,
    softmax: ``log_value``) trained on 0/1 codes (not hinge's ±1)."""
    g, L = estimator._output_pair()
    # A binary task reads log(1 − A) of its one unit too; softmax's K units need no complement.
    has_logs = g.log_value is not None and (g.log_complement is not None or not g.elementwise)
    return has_logs and L.class_labels == (0, 1)


class NetworkClassifier(ClassifierMixin, _NetworkEstimator):
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
    ) -> _Targets:
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        kind = _task(y, "y", type(self).__name__)
        binarizer = self._new_binarizer(y, kind, classes) if first else self._binarizer
        _check_known_labels(y, kind, binarizer.classes_)
        if first and classes is None:  # fit; partial_fit always has classes on its first call
            _check_weighted_classes(y, kind, weights, type(self).__name__)
        task = binarizer.y_type_  # from classes, not from this batch
        return _Targets(
            binarizer.transform(y).T.astype(dtype, copy=False),
            _TASK_PAIRS[task],
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
        task = _task(labels, name, type(self).__name__)
        _, L = complete_pair(self.output, self.loss, _TASK_PAIRS[task])
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
        return complete_pair(self.output, self.loss, ("sigmoid", "bce"))

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


class NetworkRegressor(RegressorMixin, _NetworkEstimator):
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
    ) -> _Targets:
        Y = np.asarray(y).reshape(len(y), -1).T.astype(dtype, copy=False)
        return _Targets(Y, ("identity", "mse"), None, {})

    def predict(self, X: ArrayLike) -> Array:
        """A[L].T: (m,) for one output, (m, k) for k outputs."""
        AL, _ = self._output(X)
        return AL[0] if AL.shape[0] == 1 else AL.T

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
