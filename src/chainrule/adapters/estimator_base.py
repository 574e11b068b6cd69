"""What the scikit-learn classifier and regressor share: hyperparameters and training.

The hyperparameters map onto :class:`~chainrule.training.options.FitOptions`
(``epochs``, ``learning_rate``, ``optimizer``, ``batch_size``, ``l2``,
``keep_prob``, ``verbose``) and the network's own arguments (the sizes, the
activations, the output pair, ``dtype``); ``random_state`` seeds both.
A fitted estimator pickles with its network: activations and losses travel
by catalog name or formula text, never as code.
"""

from __future__ import annotations

import copy
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, validate_data

from chainrule.adapters.estimator_data import (
    SEED_BOUND,
    Array,
    Targets,
    batch_size_for,
    hidden_sizes,
    random_state,
    sample_weights,
)
from chainrule.base.checks import check_float_dtype
from chainrule.functions.activations import Activation
from chainrule.functions.losses import Loss
from chainrule.functions.pairs import TASK_PAIRS, complete_pair
from chainrule.tools.network import Network
from chainrule.training.options import FitOptions
from chainrule.training.trainer import fit as train

#: The share of the training rows held out when early_stopping=True, and the
#: epochs without improvement of the validation cost it waits for (scikit-learn's
#: MLP defaults).
VALIDATION_FRACTION = 0.1
PATIENCE = 10

#: A fit has settled when none of its last PATIENCE epochs lowered the cost by more than
#: this below the lowest before them (scikit-learn MLP's tol and n_iter_no_change).
TOL = 1e-4


def settled(costs: Sequence[float]) -> bool:
    """True when the last PATIENCE epochs improved on the lowest cost before them by at
    most TOL: MLPClassifier's test of convergence, on the epochs' training costs.

    >>> settled([1.0] * 11), settled([1.0 - 0.01 * k for k in range(20)])
    (True, False)
    """
    if len(costs) <= PATIENCE:
        return False
    return min(costs[-PATIENCE:]) > min(costs[:-PATIENCE]) - TOL


class NetworkEstimator(BaseEstimator, metaclass=ABCMeta):
    """The classifier's and the regressor's hyperparameters and training.

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
    ) -> Targets:
        """y validated and laid out for the network; ``first``: no network yet (a fit, or
        partial_fit's first call, with ``classes`` there)."""

    def _network_dtype(self) -> np.dtype[Any]:
        if hasattr(self, "network_"):
            return self.network_.dtype
        return check_float_dtype(self.dtype, "dtype")

    def _fit(
        self, X: Any, y: Any, sample_weight: Any, incremental: bool, classes: Any = None
    ) -> NetworkEstimator:
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
        weights = self._example_weights(y, sample_weights(sample_weight, X_rows))
        targets = self._targets(y, weights, first, classes, dtype)
        if not first:
            costs = self._train(self.network_, X_rows, targets.Y, weights, 1, None)
            self.loss_curve_ += costs
            self.n_iter_ += len(costs)
            return self
        self._rng = random_state(self.random_state)
        self._optimizer = (
            self.optimizer if isinstance(self.optimizer, str) else copy.deepcopy(self.optimizer)
        )
        network = self._build_network(X_rows.shape[1], targets.Y.shape[0], targets.task, dtype)
        epochs = 1 if incremental else self.epochs
        costs = self._train(network, X_rows, targets.Y, weights, epochs, targets.stratify)
        if not incremental and len(costs) == epochs and not settled(costs):
            warnings.warn(
                f"{type(self).__name__}: the cost had not settled after {epochs} epochs "
                f"(it still fell by more than {TOL:g} within the last {PATIENCE}); raise "
                "epochs or the learning_rate, or standardize the inputs",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.__dict__.update(targets.fitted)
        self.network_, self.loss_curve_, self.n_iter_ = network, costs, len(costs)
        return self

    def _example_weights(self, y: Any, sample_weight: Array | None) -> Array | None:
        """Each row's weight: ``sample_weight`` (the classifier multiplies in its classes')."""
        return sample_weight

    def _build_network(self, n_x: int, n_L: int, task: str, dtype: np.dtype[Any]) -> Network:
        """A fresh Network [n_x, hidden…, n_L] with the chosen output pair, or a ValueError."""
        g, L = complete_pair(self.output, self.loss, TASK_PAIRS[task])
        return Network(
            [n_x, *hidden_sizes(self.hidden_layer_sizes), n_L],
            hidden=self.activation,
            output=g,
            loss=L,
            seed=int(self._rng.randint(SEED_BOUND)),
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
        """Fit the network on A[0] = X.T (n_x, m) and Y (n_L, m); the epochs' costs.

        With early_stopping, 10% of the rows (stratified by class) are held out
        and training stops after 10 epochs without a better validation cost,
        keeping the best parameters.
        """
        validation, early_stopping = None, None
        if self.early_stopping:
            train_rows, held_out = train_test_split(
                np.arange(X.shape[0]),
                test_size=VALIDATION_FRACTION,
                random_state=self._rng,
                stratify=stratify,
            )
            validation, early_stopping = (X[held_out].T, Y[:, held_out]), PATIENCE
            X, Y = X[train_rows], Y[:, train_rows]
            sample_weight = None if sample_weight is None else sample_weight[train_rows]
        options = FitOptions(
            epochs=epochs,
            learning_rate=self.learning_rate,
            optimizer=self._optimizer,
            batch_size=batch_size_for(self.batch_size, X.shape[0]),
            l2=self.l2,
            keep_prob=self.keep_prob,
            validation=validation,
            early_stopping=early_stopping,
            verbose=self.verbose,
            seed=int(self._rng.randint(SEED_BOUND)),
            sample_weight=sample_weight,
        )
        return [float(cost) for cost in train(network, X.T, Y, options)]

    def _output(self, X: Any) -> tuple[Array, Array]:
        """A[L] and Z[L], each (n_L, m), for rows X (m, n_x)."""
        check_is_fitted(self, "network_")
        X_rows = validate_data(self, X, reset=False, dtype=self.network_.dtype)
        AL, caches = self.network_.forward(X_rows.T)
        return AL, caches[-1].Z
